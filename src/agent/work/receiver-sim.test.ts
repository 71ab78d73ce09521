// The agent's Work path end to end below the stream: WorkUpdates as the hub sends them (JSON),
// a MemberApplier on a simulated member with its state in the agent's state dir, WorkAcks back.
import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import pino from "pino";
import type { OutgoingAgentMessage, WorkAck } from "../../apis/agent/v1/protocol.ts";
import { configMap, eventually, id, marked, startTestMember } from "../../member-apply/testing.ts";
import type { ManifestStatus } from "../../member-apply/types.ts";
import { memberWork, workStatePath } from "../member.ts";
import type { SessionLink } from "../session.ts";

test("the agent applies WorkUpdates to its member, acks them, and reverts drift every interval", async (t) => {
  const m = await startTestMember(t);
  const stateDir = await mkdtemp(join(tmpdir(), "mcp-agent-work-"));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const sent: WorkAck[] = [];
  const ac = new AbortController();
  const link: SessionLink = {
    send: (msg: OutgoingAgentMessage) => {
      if ("work_ack" in msg) sent.push(msg.work_ack);
    },
    signal: ac.signal,
    syncIntervalMs: 200,
  };
  const log = pino({ level: "silent" });
  const work = await memberWork(m.kc, { stateDir, clusterName: "member-1", log });
  t.after(() => work.ended?.());
  assert.equal(work.ackedRevision(), 0);

  const cm = marked(configMap("default", "settings", { mode: "hub" }), 7);
  work.welcomed?.(link);
  work.update({ revision: 7, manifests_json: JSON.stringify([cm]), deletions_json: "[]", full: true }, link);
  const ack = await eventually(() => {
    const a = sent.find((x) => x.revision === 7);
    assert.ok(a);
    return a;
  });
  assert.equal(ack.error, "");
  const [s] = JSON.parse(ack.manifest_statuses_json) as ManifestStatus[];
  assert.equal(s.applied, true);
  assert.equal(s.revision, 7);
  assert.deepEqual((await m.user.get(id(cm)))?.data, { mode: "hub" });
  assert.equal((await stat(workStatePath(stateDir, "member-1"))).mode & 0o777, 0o600);

  // Drift is reverted by the resync loop and reported in a WorkAck.
  await m.user.patchObject(id(cm), { data: { mode: "edited" } }, { fieldManager: "kubectl-edit" });
  const driftAck = await eventually(() => {
    const a = sent.find((x) => (JSON.parse(x.manifest_statuses_json) as ManifestStatus[])[0]?.drift);
    assert.ok(a);
    return a;
  }, 5000);
  assert.equal(driftAck.revision, 7);
  assert.deepEqual((JSON.parse(driftAck.manifest_statuses_json) as ManifestStatus[])[0].drift, ["data.mode"]);
  assert.deepEqual((await m.user.get(id(cm)))?.data, { mode: "hub" });

  // Deletions delivered as the hub sends them; a restarted agent resumes from its state dir.
  work.update(
    {
      revision: 8,
      manifests_json: "[]",
      deletions_json: JSON.stringify([
        { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "settings" },
      ]),
      full: false,
    },
    link,
  );
  await eventually(() => assert.ok(sent.some((x) => x.revision === 8)));
  assert.equal(await m.user.get(id(cm)), undefined);
  work.ended?.();
  const again = await memberWork(m.kc, { stateDir, clusterName: "member-1", log });
  assert.equal(again.ackedRevision(), 8);
});
