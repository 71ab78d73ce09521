// Binding pods as BindingREST does, over a store whose Pods carry the real update rules: a pod
// update may not set spec.nodeName, the binding may (once), and refuses what upstream refuses.
import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { ResourceRegistry } from "../../apiserver/resources/registry.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { ServiceAllocator, simResourceTypes } from "../defaults/index.ts";
import { bindPod } from "./binding.ts";
import type { ControllerEnv } from "./env.ts";

function setup() {
  const registry = new ResourceRegistry(simResourceTypes(new ServiceAllocator(), "v1.30.2"));
  const client = new InternalClient(new ObjectStore(openMemoryStore()), registry);
  const observed: KubeObject[] = [];
  const env = {
    client,
    cache: { observe: (o: KubeObject) => observed.push(o) },
    log: pino({ level: "silent" }),
  } as unknown as ControllerEnv;
  return { client, env, observed };
}

const pod = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "default" },
  spec: { containers: [{ name: "web", image: "nginx:1.25" }], ...spec },
});

test("a pod update may not set spec.nodeName; the binding does, with PodScheduled=True", async () => {
  const { client, env, observed } = setup();
  const created = await client.create(pod());
  await assert.rejects(
    client.update({ ...created, spec: { ...(created.spec as object), nodeName: "node-1" } }),
    (e) => e instanceof ApiError && e.code === 422 && e.details?.causes?.[0]?.field === "spec",
  );
  const bound = await bindPod(env, created, "node-1");
  assert.ok(bound);
  assert.equal((bound.spec as { nodeName?: string }).nodeName, "node-1");
  const conditions = (bound.status as { conditions?: { type: string; status: string }[] }).conditions;
  assert.equal(conditions?.find((c) => c.type === "PodScheduled")?.status, "True");
  assert.equal(bound.metadata.generation, created.metadata.generation, "a binding is not a spec update");
  assert.deepEqual(observed, [bound]);
  const live = await client.get({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "p" });
  assert.equal((live?.spec as { nodeName?: string } | undefined)?.nodeName, "node-1");
});

test("the binding re-reads a stale pod, and refuses a bound, gated or terminating one", async () => {
  const { client, env } = setup();
  const created = await client.create(pod());
  // Someone wrote the pod since the scheduler cached it: the binding retries on the fresh copy.
  await client.update({ ...created, metadata: { ...created.metadata, labels: { a: "b" } } });
  const bound = await bindPod(env, created, "node-1");
  assert.equal(bound?.metadata.labels?.a, "b");
  assert.equal(await bindPod(env, bound!, "node-2"), undefined, "already assigned");

  const { client: c2, env: e2 } = setup();
  const gated = await c2.create(pod({ schedulingGates: [{ name: "wait" }] }));
  assert.equal(await bindPod(e2, gated, "node-1"), undefined, "gated");
  const terminating = {
    ...gated,
    metadata: { ...gated.metadata, deletionTimestamp: "2024-01-01T00:00:00Z" },
  };
  assert.equal(await bindPod(e2, terminating, "node-1"), undefined, "terminating");
});
