// Test support for the scheduler: the hub's kinds over an in-memory store, the scheduler running
// with a settable clock, and helpers to write clusters, policies and templates and to wait for
// bindings.
import type { TestContext } from "node:test";
import pino from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { eventually } from "../clusters/testing.ts";
import { hubResourceRegistry } from "../hub.ts";
import { type PropagationScheduler, startScheduler } from "./scheduler.ts";
import { bindingRefOf } from "./scheduler-bindings.ts";

export const T0 = Date.parse("2026-03-01T12:00:00Z");

export interface SchedulerTest {
  client: InternalClient;
  scheduler: PropagationScheduler;
  /** The scheduler's clock (ms since the epoch); tests that passed their own move it. */
  clock: { now: number };
  /** Creates the object, or replaces its labels and spec (and data) when it exists. */
  apply(obj: KubeObject): Promise<KubeObject>;
  /** An accepted pull cluster, Ready since `readySince`. */
  cluster(name: string, labels?: Record<string, string>, spec?: Record<string, unknown>): Promise<KubeObject>;
  /** Sets a cluster's Ready condition (and optionally more status). */
  setReady(
    name: string,
    status: "True" | "False" | "Unknown",
    since: number,
    more?: Record<string, unknown>,
  ): Promise<void>;
  binding(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Waits until the binding satisfies `ok` (absent: undefined). */
  waitBinding(
    namespace: string,
    name: string,
    ok: (b: KubeObject | undefined) => boolean,
  ): Promise<KubeObject | undefined>;
}

export async function startSchedulerTest(
  t: TestContext,
  opts: {
    clock?: { now: number };
    namespaces?: string[];
    /** Writes objects before the scheduler starts (as a restarted hub finds them). */
    seed?: (client: InternalClient) => Promise<void>;
  } = {},
): Promise<SchedulerTest> {
  const store = openMemoryStore();
  const registry = hubResourceRegistry();
  const client = new InternalClient(new ObjectStore(store), registry);
  for (const name of ["default", "mcp-system", ...(opts.namespaces ?? ["shop"])])
    await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  await opts.seed?.(client);
  // Without a clock of the test's, the real one.
  const clock = opts.clock ?? {
    get now() {
      return Date.now();
    },
  };
  const scheduler = startScheduler({
    client,
    log: pino({ level: "silent" }),
    now: () => clock.now,
    retryMs: 50,
  });
  await scheduler.synced;
  t.after(async () => {
    await scheduler.stop();
    await store.close();
  });
  const apply = async (obj: KubeObject) => {
    const existing = await client.get({
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name!,
    });
    if (!existing) return client.create(obj);
    const { metadata, apiVersion: _a, kind: _k, status: _s, ...body } = obj;
    return client.update({
      ...existing,
      ...body,
      metadata: { ...existing.metadata, labels: metadata.labels },
    });
  };
  const setReady: SchedulerTest["setReady"] = async (name, status, since, more = {}) => {
    await client.mutate(
      { apiVersion: "mcp.platform/v1", kind: "Cluster", name },
      (c) => ({
        ...c,
        status: {
          ...((c.status as object) ?? {}),
          ...more,
          conditions: [
            {
              type: "Ready",
              status,
              reason: "Test",
              message: "set by the test",
              lastTransitionTime: new Date(since).toISOString(),
            },
          ],
        },
      }),
      { status: true },
    );
  };
  const binding = (namespace: string, name: string) => client.get(bindingRefOf(namespace, name));
  return {
    client,
    scheduler,
    clock,
    apply,
    async cluster(name, labels = {}, spec = {}) {
      const c = await client.create({
        apiVersion: "mcp.platform/v1",
        kind: "Cluster",
        metadata: { name, labels },
        // An undefined field removes the default (a push cluster has no hubAcceptsClient).
        spec: Object.fromEntries(
          Object.entries({ mode: "Pull", hubAcceptsClient: true, ...spec }).filter(
            ([, v]) => v !== undefined,
          ),
        ),
      });
      await setReady(name, "True", clock.now);
      return c;
    },
    setReady,
    binding,
    waitBinding: (namespace, name, ok) => eventually(() => binding(namespace, name), ok, 5000),
  };
}

export function deployment(
  name: string,
  opts: {
    namespace?: string;
    labels?: Record<string, string>;
    replicas?: number;
    podSpec?: Record<string, unknown>;
  } = {},
): KubeObject {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: opts.namespace ?? "shop", labels },
    spec: {
      replicas: opts.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: opts.podSpec ?? { containers: [{ name, image: `registry.example/${name}:1` }] },
      },
    },
  };
}

export function propagationPolicy(
  name: string,
  spec: Record<string, unknown>,
  namespace = "shop",
): KubeObject {
  return { apiVersion: "mcp.platform/v1", kind: "PropagationPolicy", metadata: { name, namespace }, spec };
}

export function clusterPropagationPolicy(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "mcp.platform/v1", kind: "ClusterPropagationPolicy", metadata: { name }, spec };
}

export const clusterNames = (b: KubeObject | undefined) =>
  ((b?.spec as { clusters?: { name: string }[] } | undefined)?.clusters ?? []).map((c) => c.name);

export const targets = (b: KubeObject | undefined) =>
  (b?.spec as { clusters?: { name: string; replicas?: number }[] } | undefined)?.clusters ?? [];

export function scheduledCondition(b: KubeObject | undefined) {
  return (
    b?.status as
      | { conditions?: { type: string; status: string; reason?: string; message?: string }[] }
      | undefined
  )?.conditions?.find((c) => c.type === "Scheduled");
}
