// The agent's policy auditor: a "policies" command compiles the set and audits at once, reports
// go back as PolicyReports, a new set during an audit runs another right after it (never two at
// once), the audit repeats every few sync intervals, and stops when the stream ends.
import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import type { OutgoingAgentMessage } from "../../apis/agent/v1/protocol.ts";
import type { CompiledPolicy } from "../../policy/compile.ts";
import { policySet } from "../../policy/policy-set.ts";
import type { PolicyReportStatus } from "../../policy/policy-types.ts";
import type { SessionLink } from "../session.ts";
import { eventually } from "../testing.ts";
import { PolicyAuditor } from "./policy-auditor.ts";

function link(syncIntervalMs: number) {
  const ac = new AbortController();
  const sent: OutgoingAgentMessage[] = [];
  const l: SessionLink = { send: (m) => sent.push(m), signal: ac.signal, syncIntervalMs };
  return { link: l, sent, end: () => ac.abort() };
}

const source = (name: string, generation = 1) => ({
  name,
  uid: `uid-${name}`,
  generation,
  spec: { rules: [{ action: "deny" as const, condition: "privileged-containers" }] },
});

const command = (names: string[], labels: Record<string, string> = { env: "prod" }) => {
  const set = policySet(
    names.map((n) => source(n)),
    labels,
  );
  return { name: "policies", params_json: JSON.stringify(set), id: set.revision };
};

test("audits on every set, never twice at once, repeats every few intervals, stops with the stream", async () => {
  const calls: { policies: string[]; labels: Record<string, string> }[] = [];
  let running = 0;
  let overlapped = false;
  let release: (() => void) | undefined;
  const auditor = new PolicyAuditor({
    clusterName: "east-1",
    log: pino({ level: "silent" }),
    everyIntervals: 2,
    audit: async (policies: CompiledPolicy[], labels): Promise<PolicyReportStatus> => {
      running++;
      overlapped ||= running > 1;
      calls.push({ policies: policies.map((p) => p.name), labels });
      if (calls.length === 1) await new Promise<void>((r) => (release = r));
      running--;
      return { summary: { pass: 1, fail: 0, warn: 0, error: 0 }, lastAuditTime: new Date().toISOString() };
    },
  });
  const l = link(20);
  auditor.handle(command(["a"]), l.link);
  await eventually(() => assert.ok(release));
  // Two more sets while the first audit runs: one more audit follows, with the latest set.
  auditor.handle(command(["a", "b"]), l.link);
  auditor.handle(command(["a", "b", "c"]), l.link);
  release!();
  await eventually(() => assert.ok(calls.length >= 2));
  assert.deepEqual(calls[1].policies, ["a", "b", "c"]);
  assert.deepEqual(calls[1].labels, { env: "prod" });
  // The schedule: every 2 intervals of 20 ms.
  await eventually(() => assert.ok(calls.length >= 4), 5000);
  assert.equal(overlapped, false);
  const report = JSON.parse((l.sent[0] as { report: { object_json: string } }).report.object_json);
  assert.equal(report.kind, "PolicyReport");
  assert.equal(report.metadata.name, "east-1");
  assert.deepEqual(report.status.summary, { pass: 1, fail: 0, warn: 0, error: 0 });
  l.end();
  await new Promise((r) => setTimeout(r, 100));
  const after = calls.length;
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(calls.length, after, "no audit after the stream ended");
});

test("a malformed set is ignored", () => {
  let called = false;
  const auditor = new PolicyAuditor({
    clusterName: "x",
    log: pino({ level: "silent" }),
    audit: async () => {
      called = true;
      return {};
    },
  });
  auditor.handle({ name: "policies", params_json: '{"revision": 1}', id: "" }, link(1000).link);
  assert.equal(called, false);
  assert.equal(auditor.revision, "");
});

test("empty sets are taken at once; one with policies waits for the compiler, later sets behind it", async (t) => {
  const audited: string[][] = [];
  const auditor = new PolicyAuditor({
    clusterName: "x",
    log: pino({ level: "silent" }),
    audit: async (policies) => {
      audited.push(policies.map((p) => p.name));
      return {};
    },
  });
  const l = link(60_000);
  t.after(l.end);
  const empty = command([]);
  assert.equal(auditor.handle(empty, l.link), undefined, "no compiler needed");
  assert.equal(auditor.revision, empty.id);
  const first = auditor.handle(command(["a"]), l.link);
  const second = auditor.handle(command([]), l.link);
  const third = auditor.handle(command(["a", "b"]), l.link);
  assert.ok(first instanceof Promise && second instanceof Promise && third instanceof Promise);
  await third;
  assert.equal(auditor.revision, command(["a", "b"]).id, "the last set is in force");
  await eventually(() => assert.deepEqual(audited.at(-1), ["a", "b"]));
  // Once loaded, sets are taken at once again.
  assert.equal(auditor.handle(command(["b"]), l.link), undefined);
  assert.equal(auditor.revision, command(["b"]).id);
});
