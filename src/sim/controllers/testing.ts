// Test fixtures for the simulated controllers: a cluster's controllers over an in-memory store
// (no HTTP, no defaulting hooks: objects carry only what the tests give them), node and workload
// builders, and a polling wait.
import assert from "node:assert/strict";
import pino from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { builtinResourceTypes } from "../../apiserver/resources/builtin.ts";
import { ResourceRegistry } from "../../apiserver/resources/registry.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { type FaultState, noFaults, type SimProfile } from "../context.ts";
import { EventRecorder } from "../events/recorder.ts";
import type { Controller, ControllerEnv } from "./env.ts";
import { startWorkloadControllers, type WorkloadControllers } from "./index.ts";

export const testProfile = (over: Partial<SimProfile> = {}): SimProfile => ({
  name: "test",
  kubernetesVersion: "v1.29.4",
  nodes: 3,
  nodeCpu: "4",
  nodeMemory: "8Gi",
  nodePods: 110,
  cni: { name: "calico", version: "3.27.0", mtu: 1440 },
  kubeProxyMode: "iptables",
  etcdVersion: "3.5.12",
  coreDNSReplicas: 2,
  labels: {},
  podStartDelayMs: 5,
  nodeHeartbeatMs: 1000,
  ...over,
});

export interface SimTest {
  client: InternalClient;
  faults: FaultState;
  controllers: WorkloadControllers;
  /** The cluster's event recorder (flush() before reading events). */
  recorder: EventRecorder;
  /** Every Event in the namespace (default "default"), after pending event writes. */
  events(namespace?: string): Promise<KubeObject[]>;
  create(obj: KubeObject): Promise<KubeObject>;
  get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, namespace?: string): Promise<KubeObject[]>;
  pods(namespace?: string): Promise<KubeObject[]>;
}

interface TestContext {
  after(fn: () => Promise<void>): void;
}

export async function startSimTest(
  t: TestContext,
  opts: {
    nodes?: KubeObject[];
    profile?: Partial<SimProfile>;
    starters?: ((env: ControllerEnv) => Controller)[];
  } = {},
): Promise<SimTest> {
  const store = openMemoryStore();
  const registry = new ResourceRegistry(builtinResourceTypes());
  const client = new InternalClient(new ObjectStore(store), registry);
  const faults = noFaults();
  const ac = new AbortController();
  for (const n of opts.nodes ?? [node("node-1"), node("node-2"), node("node-3")]) await client.create(n);
  const recorder = new EventRecorder({ client });
  const controllers = startWorkloadControllers(
    {
      cluster: "test",
      client,
      profile: testProfile(opts.profile),
      faults,
      log: pino({ level: process.env.SIM_TEST_LOG ?? "silent" }),
      signal: ac.signal,
      events: recorder,
    },
    opts.starters,
  );
  await controllers.synced;
  t.after(async () => {
    ac.abort();
    recorder.stop();
    await controllers.stop();
    await store.close();
  });
  const list = (apiVersion: string, kind: string, namespace?: string) =>
    client.list(apiVersion, kind, namespace);
  return {
    client,
    faults,
    controllers,
    recorder,
    async events(namespace = "default") {
      await recorder.flush();
      return list("v1", "Event", namespace);
    },
    create: (obj) => client.create(obj),
    get: (apiVersion, kind, name, namespace) => client.get({ apiVersion, kind, name, namespace }),
    list,
    pods: (namespace = "default") => list("v1", "Pod", namespace),
  };
}

export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 5000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  ready?: "True" | "False" | "Unknown";
  unschedulable?: boolean;
}

export function node(name: string, o: NodeOptions = {}): KubeObject {
  const capacity = { cpu: o.cpu ?? "4", memory: o.memory ?? "8Gi", pods: String(o.pods ?? 110) };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      capacity,
      allocatable: capacity,
      conditions: [{ type: "Ready", status: o.ready ?? "True", reason: "KubeletReady" }],
      addresses: [{ type: "InternalIP", address: `172.18.0.${Number(name.replace(/\D/g, "")) + 1}` }],
    },
  };
}

export const container = (image = "nginx:1.25", requests?: Record<string, string>) => ({
  name: "app",
  image,
  ...(requests ? { resources: { requests } } : {}),
});

export function template(
  labels: Record<string, string>,
  image = "nginx:1.25",
  extra: Record<string, unknown> = {},
) {
  return { metadata: { labels }, spec: { containers: [container(image)], ...extra } };
}

export function workload(
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  apiVersion = "apps/v1",
): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace: "default" }, spec };
}

export const isReady = (pod: KubeObject) =>
  ((pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some(
    (c) => c.type === "Ready" && c.status === "True",
  );

export const status = <T = Record<string, unknown>>(o: KubeObject | undefined) => (o?.status ?? {}) as T;
