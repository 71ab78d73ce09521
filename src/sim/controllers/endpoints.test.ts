import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { type SimTest, startSimTest, template, until, workload } from "./testing.ts";

interface Address {
  ip: string;
  nodeName?: string;
  targetRef?: { kind: string; name: string };
}
interface Subset {
  addresses?: Address[];
  notReadyAddresses?: Address[];
  ports?: { name?: string; port: number; protocol: string }[];
}
interface Slice extends KubeObject {
  addressType: string;
  endpoints: {
    addresses: string[];
    conditions: { ready: boolean; serving: boolean; terminating: boolean };
  }[];
  ports: { name?: string; port: number; protocol: string }[];
}

const service = (selector?: Record<string, string>): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default", labels: { tier: "front" } },
  spec: {
    ...(selector ? { selector } : {}),
    ports: [
      { name: "http", port: 80, targetPort: "web", protocol: "TCP" },
      { name: "admin", port: 9000, targetPort: 9001 },
    ],
  },
});

function deployment(replicas: number): KubeObject {
  const tpl = template({ app: "web" });
  (tpl.spec.containers[0] as Record<string, unknown>).ports = [{ name: "web", containerPort: 8080 }];
  return workload("Deployment", "web", {
    replicas,
    selector: { matchLabels: { app: "web" } },
    template: tpl,
  });
}

const endpoints = (sim: SimTest) => sim.get("v1", "Endpoints", "web", "default");
const subsets = async (sim: SimTest) =>
  ((await endpoints(sim)) as { subsets?: Subset[] } | undefined)?.subsets;
const slices = async (sim: SimTest) =>
  (await sim.list("discovery.k8s.io/v1", "EndpointSlice", "default")) as Slice[];

test("Endpoints and an EndpointSlice list ready pod IPs with the service's resolved ports", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(service({ app: "web" }));
  await sim.create(deployment(3));
  const [subset] = await until("3 ready addresses", async () => {
    const s = await subsets(sim);
    return s?.[0]?.addresses?.length === 3 && s;
  });
  assert.deepEqual(subset.ports, [
    { name: "http", port: 8080, protocol: "TCP" },
    { name: "admin", port: 9001, protocol: "TCP" },
  ]);
  assert.equal(subset.notReadyAddresses, undefined);
  const pods = await sim.pods();
  assert.deepEqual(
    subset.addresses?.map((a) => a.ip).sort(),
    pods.map((p) => (p.status as { podIP: string }).podIP).sort(),
  );
  assert.ok(subset.addresses?.every((a) => a.targetRef?.kind === "Pod" && a.nodeName));
  assert.deepEqual((await endpoints(sim))?.metadata.labels, { tier: "front" });

  const [slice] = await slices(sim);
  assert.equal(slice.metadata.labels?.["kubernetes.io/service-name"], "web");
  assert.equal(
    slice.metadata.labels?.["endpointslice.kubernetes.io/managed-by"],
    "endpointslice-controller.k8s.io",
  );
  assert.equal(slice.metadata.ownerReferences?.[0].kind, "Service");
  assert.equal(slice.addressType, "IPv4");
  assert.equal(slice.endpoints.length, 3);
  assert.ok(
    slice.endpoints.every((e) => e.conditions.ready && e.conditions.serving && !e.conditions.terminating),
  );
  assert.deepEqual(slice.ports, subset.ports);
});

test("endpoints follow readiness: crash-looping pods move to notReadyAddresses", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(service({ app: "web" }));
  await sim.create(deployment(2));
  await until("ready", async () => (await subsets(sim))?.[0]?.addresses?.length === 2);
  sim.faults.crashLoop.add("default/web");
  sim.controllers.faultsChanged();
  const [subset] = await until("not ready", async () => {
    const s = await subsets(sim);
    return s?.[0]?.notReadyAddresses?.length === 2 && s;
  });
  assert.equal(subset.addresses, undefined);
  const [slice] = await slices(sim);
  assert.ok(slice.endpoints.every((e) => !e.conditions.ready));
  sim.faults.crashLoop.delete("default/web");
  sim.controllers.faultsChanged();
  await until("ready again", async () => (await subsets(sim))?.[0]?.addresses?.length === 2);
});

test("scaling to zero empties the endpoints; deleting the service removes them", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(service({ app: "web" }));
  await sim.create(deployment(1));
  await until("ready", async () => (await subsets(sim))?.[0]?.addresses?.length === 1);
  await sim.client.mutate(
    { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" },
    (d) => {
      (d.spec as { replicas: number }).replicas = 0;
      return d;
    },
  );
  await until("empty", async () => (await endpoints(sim)) && (await subsets(sim)) === undefined);
  await until("empty slice", async () => (await slices(sim))[0]?.endpoints.length === 0);
  await sim.client.delete({ apiVersion: "v1", kind: "Service", namespace: "default", name: "web" });
  await until("Endpoints deleted", async () => !(await endpoints(sim)));
  await until("EndpointSlice collected", async () => (await slices(sim)).length === 0);
});

test("a service without a selector keeps the endpoints someone else wrote", async (t) => {
  const sim = await startSimTest(t);
  await sim.create({
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "web", namespace: "default" },
    subsets: [{ addresses: [{ ip: "192.0.2.10" }], ports: [{ port: 443, protocol: "TCP" }] }],
  });
  await sim.create(service());
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await subsets(sim))?.[0]?.addresses?.[0].ip, "192.0.2.10");
  assert.equal((await slices(sim)).length, 0);
});
