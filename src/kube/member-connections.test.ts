// MemberConnections against a simulated member over HTTPS: requests reuse one TLS connection
// across calls (client-node alone opens one per request), and close() lets the next call connect
// afresh.
import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { test } from "node:test";
import { collectClusterStatus } from "../agent/status/collect.ts";
import { memberApi } from "../agent/status/member-api.ts";
import { startTestMember } from "../member-apply/testing.ts";
import { MemberConnections } from "./member-connections.ts";

/** Counts the TLS connections undici opens while the test runs. */
function countConnections(t: { after(fn: () => void): void }): { readonly count: number } {
  const counter = { count: 0 };
  const onConnect = () => counter.count++;
  subscribe("undici:client:connected", onConnect);
  t.after(() => unsubscribe("undici:client:connected", onConnect));
  return counter;
}

test("calls through one MemberConnections reuse its connections; close() starts afresh", async (t) => {
  const member = await startTestMember(t);
  const connections = new MemberConnections(member.kc);
  t.after(() => connections.close());
  const opened = countConnections(t);
  const call = async () => {
    const api = memberApi(member.kc, { timeoutMs: 5000, connections });
    assert.ok((await api.version.getCode()).gitVersion);
    await api.close(); // leaves the caller's pool open
  };
  // undici may open a second connection while the first is still being released; after that,
  // calls only reuse what is open.
  for (let i = 0; i < 3; i++) await call();
  const warm = opened.count;
  assert.ok(warm >= 1 && warm <= 2, `${warm} connections`);
  for (let i = 0; i < 6; i++) await call();
  assert.equal(opened.count, warm);
  await connections.close();
  await call();
  assert.equal(opened.count, warm + 1);
});

test("status collections kept on one pool do not reconnect; without one, each collection does", async (t) => {
  const member = await startTestMember(t);
  const opened = countConnections(t);
  const connections = new MemberConnections(member.kc);
  t.after(() => connections.close());
  await collectClusterStatus(member.kc, { connections });
  const first = opened.count;
  assert.ok(first >= 1);
  await collectClusterStatus(member.kc, { connections });
  await collectClusterStatus(member.kc, { connections });
  assert.equal(opened.count, first, "later collections reuse the connections");
  await collectClusterStatus(member.kc);
  assert.ok(opened.count > first, "a collection of its own connects anew");
});
