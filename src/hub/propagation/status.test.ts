// The status controller: a binding on many clusters is not rewritten for every burst of acks —
// writes are spaced by its size — yet its last state is always written.
import assert from "node:assert/strict";
import { test } from "node:test";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import { objectKey } from "../../apiserver/keys.ts";
import { eventually } from "../../member-apply/testing.ts";
import { configMap, startHarness } from "./propagation-testing.ts";
import { workSpec } from "./work-object.ts";
import { recordAck } from "./work-status.ts";

interface Aggregated {
  cluster: string;
  applied?: boolean;
}

test("a big binding's status is written at most once per spacing while acks stream in, then settles", async (t) => {
  // 10 clusters × 30 ms: at most one write of the binding per 300 ms.
  const h = await startHarness(t, { statusSpacingMsPerCluster: 30 });
  const names = Array.from({ length: 10 }, (_, i) => `c${i}`);
  for (const n of names) await h.cluster(n);
  const template = await h.create(configMap("settings", { a: "1" }, "default"));
  const binding = await h.bind(template, { clusters: names.map((name) => ({ name })) });
  await h.settle();
  const ref = {
    apiVersion: API_VERSION,
    kind: "ResourceBinding",
    namespace: binding.metadata.namespace,
    name: binding.metadata.name!,
  };
  const writes: number[] = [];
  const ac = new AbortController();
  t.after(() => ac.abort());
  const key = objectKey({ group: "mcp.platform", resource: "resourcebindings" }, ref.namespace, ref.name);
  const watcher = h.store.watch(key, { afterRevision: await h.store.currentRevision(), signal: ac.signal });
  void (async () => {
    for await (const e of watcher.events) if (e.kv.key === key) writes.push(e.revision);
  })().catch(() => {});

  // One ack every 15 ms: 10 acks over 150 ms.
  const started = Date.now();
  for (const n of names) {
    const w = await h.work(n);
    await recordAck(h.client, n, {
      revision: workSpec(w!).revision,
      statuses: [
        {
          identifier: { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "settings" },
          revision: workSpec(w!).revision,
          applied: true,
          health: "Healthy",
        },
      ],
    });
    await new Promise((r) => setTimeout(r, 15));
  }
  await eventually(async () => {
    const b = await h.client.get(ref);
    const agg = ((b?.status ?? {}) as { aggregatedStatus?: Aggregated[] }).aggregatedStatus ?? [];
    assert.deepEqual(
      agg.filter((a) => a.applied).map((a) => a.cluster),
      names,
    );
  });
  const elapsed = Date.now() - started;
  // Spaced 300 ms apart: the writes are bounded by the time taken, not by the 10 acks.
  assert.ok(writes.length <= Math.ceil(elapsed / 300) + 1, `${writes.length} writes in ${elapsed} ms`);
  assert.ok(writes.length < names.length, `${writes.length} writes for ${names.length} acks`);
});
