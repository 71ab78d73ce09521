// Test support for hub-side propagation: propagation started over an in-memory store (or the
// store of a test agent endpoint), and builders for the objects it reads — Clusters, templates,
// ResourceBindings as the scheduler writes them, override policies.
import { randomBytes } from "node:crypto";
import type { TestContext } from "node:test";
import pino from "pino";
import { Registry } from "prom-client";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import type { BindingSpec } from "../../propagation/binding-spec.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import type { Store } from "../../storage/store.ts";
import { CredentialStore } from "../clusters/credentials.ts";
import { hubResourceRegistry } from "../hub.ts";
import { type Propagation, type PropagationOptions, startPropagation } from "./index.ts";
import { workRef } from "./work-object.ts";

export interface Harness {
  store: Store;
  client: InternalClient;
  credentials: CredentialStore;
  metrics: Registry;
  propagation: Propagation;
  /** Waits until every controller settled. */
  settle(): Promise<void>;
  work(cluster: string): Promise<KubeObject | undefined>;
  cluster(name: string, labels?: Record<string, string>, spec?: Record<string, unknown>): Promise<KubeObject>;
  create(obj: KubeObject): Promise<KubeObject>;
  /** A ResourceBinding for `template` (named as the scheduler names it), owned by it. */
  bind(template: KubeObject, spec: Partial<BindingSpec>): Promise<KubeObject>;
  /** Changes the stored object (spec/metadata) with `fn`. */
  change(obj: KubeObject, fn: (o: KubeObject) => void): Promise<KubeObject>;
}

export async function startHarness(
  t: TestContext,
  opts: Partial<PropagationOptions> & { store?: Store; client?: InternalClient; metrics?: Registry } = {},
): Promise<Harness> {
  const store = opts.store ?? openMemoryStore();
  const client = opts.client ?? new InternalClient(new ObjectStore(store), hubResourceRegistry());
  const credentials = new CredentialStore(store, randomBytes(32));
  const metrics = opts.metrics ?? new Registry();
  const propagation = startPropagation({
    client,
    credentials,
    log: pino({ level: process.env.MCP_TEST_LOG ?? "silent" }),
    metrics,
    coalesceMs: 5,
    statusCoalesceMs: 5,
    ...opts,
  });
  t.after(async () => {
    await propagation.stop();
    if (!opts.store) await store.close();
  });
  await propagation.synced;
  const h: Harness = {
    store,
    client,
    credentials,
    metrics,
    propagation,
    settle: async () => {
      await new Promise((r) => setTimeout(r, 30));
      await propagation.idle();
    },
    work: (cluster) => client.get(workRef(cluster)),
    cluster: (name, labels = {}, spec = {}) =>
      client.create({
        apiVersion: API_VERSION,
        kind: "Cluster",
        metadata: { name, labels },
        spec: { hubAcceptsClient: true, ...spec },
      }),
    create: (obj) => client.create(obj),
    async bind(template, spec) {
      const ns = template.metadata.namespace || "mcp-system";
      return client.create({
        apiVersion: API_VERSION,
        kind: "ResourceBinding",
        metadata: {
          name: `${template.metadata.name}-${template.kind.toLowerCase()}`,
          namespace: ns,
          ownerReferences: [
            {
              apiVersion: template.apiVersion,
              kind: template.kind,
              name: template.metadata.name!,
              uid: template.metadata.uid!,
            },
          ],
        },
        spec: {
          resource: {
            apiVersion: template.apiVersion,
            kind: template.kind,
            ...(template.metadata.namespace ? { namespace: template.metadata.namespace } : {}),
            name: template.metadata.name,
            uid: template.metadata.uid,
          },
          clusters: [],
          ...spec,
        },
      });
    },
    async change(obj, fn) {
      const ref = {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name!,
      };
      const out = await client.mutate(ref, (o) => {
        fn(o);
        return o;
      });
      if (!out) throw new Error(`${obj.kind} ${obj.metadata.name} is gone`);
      return out;
    },
  };
  return h;
}

export const deployment = (
  name: string,
  namespace = "shop",
  replicas = 2,
  image = `registry.example/${name}:1.0`,
): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
  },
});

export const configMap = (name: string, data: Record<string, string>, namespace = "shop"): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace },
  data,
});
