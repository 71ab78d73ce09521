// Test support for member-apply: a simulated member cluster (mcp-sim, in-process, with its
// workload controllers) reached over HTTPS through its kubeconfig, a second client acting as a
// member-side user, and manifests marked the way the hub's work builder marks them.
import type { TestContext } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import pino from "pino";
import type { KubeObject } from "../apis/meta/types.ts";
import { startTestCluster, type TestCluster } from "../sim/testing/helpers.ts";
import { MemberApplier, type MemberApplierOptions } from "./applier.ts";
import { MemberObjectApi } from "./client.ts";
import type { ApplierState, ApplierStatePersistence, Tombstone } from "./types.ts";

export interface TestMember extends TestCluster {
  kc: KubeConfig;
  /** A member-side user: reads, patches (field manager "kubectl-edit") and deletes objects. */
  user: MemberObjectApi;
  applier(opts?: Partial<MemberApplierOptions>): MemberApplier;
}

export async function startTestMember(t: TestContext): Promise<TestMember> {
  const tc = await startTestCluster(t);
  const kc = new KubeConfig();
  kc.loadFromFile(tc.kubeconfig);
  const user = MemberObjectApi.create(kc, { timeoutMs: 10_000 });
  t.after(() => user.close());
  return {
    ...tc,
    kc,
    user,
    applier(opts = {}) {
      const a = new MemberApplier({ kubeConfig: kc, log: pino({ level: "silent" }), ...opts });
      t.after(() => a.close());
      return a;
    },
  };
}

/** Persistence in memory, keeping every saved state (a copy, as a file would). */
export function memoryPersistence(): ApplierStatePersistence & { saved: ApplierState[] } {
  const saved: ApplierState[] = [];
  return {
    saved,
    async load() {
      return saved.length ? structuredClone(saved[saved.length - 1]) : undefined;
    },
    async save(s) {
      saved.push(structuredClone(s));
    },
  };
}

/** A manifest as the hub renders it: MCP's label, binding and revision annotations, plus extras. */
export function marked<T extends KubeObject>(
  obj: T,
  revision: number,
  annotations: Record<string, string> = {},
): T {
  const o = structuredClone(obj);
  o.metadata.labels = { ...o.metadata.labels, "mcp.platform/managed": "true" };
  o.metadata.annotations = {
    ...o.metadata.annotations,
    "mcp.platform/binding": `${o.metadata.namespace ?? "mcp-system"}/${o.metadata.name}`,
    "mcp.platform/revision": String(revision),
    ...annotations,
  };
  return o;
}

export const namespace = (name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name },
});

export const configMap = (ns: string, name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns },
  data,
});

export const deployment = (ns: string, name: string, image: string, replicas = 2): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: ns, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name, image, resources: { requests: { cpu: "100m" } } }] },
    },
  },
});

export const id = (o: KubeObject) => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name!,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
});

/** Retries fn (an assertion) until it passes or the time is up, then throws its last error. */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The tombstone that removes (or, with orphan, releases) an object at a revision. */
export const tomb = (
  o: { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string } },
  revision: number,
  orphan = false,
): Tombstone => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name!,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  revision,
  ...(orphan ? { orphan } : {}),
});
