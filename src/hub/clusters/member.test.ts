import assert from "node:assert/strict";
import { test } from "node:test";
import { MemberLinks } from "./member.ts";

test("a member's link is kept while endpoint, CA and credential stay; otherwise rebuilt, the old pool closed", async () => {
  const links = new MemberLinks();
  const m = { name: "m1", apiEndpoint: "https://10.0.0.1:6443", caData: "Q0E=" };
  const first = links.get(m, { token: "a" });
  assert.equal(links.get(m, { token: "a" }), first);
  assert.equal(first.kc.getCurrentUser()?.token, "a");
  const closed: string[] = [];
  const spy = (l: ReturnType<MemberLinks["get"]>, what: string) => {
    const close = l.connections.close.bind(l.connections);
    l.connections.close = () => {
      closed.push(what);
      return close();
    };
  };
  spy(first, "token a");
  const second = links.get(m, { token: "b" });
  assert.notEqual(second, first);
  assert.deepEqual(closed, ["token a"]);
  spy(second, "token b");
  const third = links.get({ ...m, apiEndpoint: "https://10.0.0.2:6443" }, { token: "b" });
  assert.notEqual(third, second);
  assert.deepEqual(closed, ["token a", "token b"]);
  spy(third, "moved");
  assert.equal(links.size, 1);
  await links.forget("m1");
  assert.deepEqual(closed, ["token a", "token b", "moved"]);
  assert.equal(links.size, 0);
});

test("forCluster reads the stored credential: the same link as get(), or why there is none", async () => {
  const links = new MemberLinks();
  const m = { name: "m1", apiEndpoint: "https://10.0.0.1:6443" };
  const stored = new Map([["m1", { credential: { token: "a" }, clusterUid: "u1" }]]);
  const credentials = { get: async (name: string) => stored.get(name) };
  const link = await links.forCluster(m, credentials);
  assert.equal(link, links.get(m, { token: "a" }));
  await assert.rejects(links.forCluster({ ...m, name: "m2" }, credentials), /no credential is stored/);
  await links.close();
  assert.equal(links.size, 0);
});
