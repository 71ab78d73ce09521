// The controllers seen through the real kubectl, against the API server over loopback HTTP:
// create, scale, `rollout status` (which must finish), `set image` + `rollout status`, cascading
// delete. kubectl sends no credentials over plain HTTP, so this server takes every request as an
// administrator's. Skipped when kubectl is not installed.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import pino from "pino";
import { Registry } from "prom-client";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { builtinResourceTypes } from "../../apiserver/resources/builtin.ts";
import { ResourceRegistry } from "../../apiserver/resources/registry.ts";
import { ApiServer } from "../../apiserver/server.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { noFaults } from "../context.ts";
import { startWorkloadControllers } from "./index.ts";
import { node, testProfile, until } from "./testing.ts";

const run = promisify(execFile);
const KUBECTL = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].find((p) => existsSync(p));

type Ctx = { after(fn: () => Promise<void>): void };

async function cluster(t: Ctx) {
  const store = openMemoryStore();
  const registry = new ResourceRegistry(builtinResourceTypes());
  const log = pino({ level: "silent" });
  const server = new ApiServer({
    store,
    registry,
    authenticator: { authenticate: async () => ({ name: "admin", groups: ["system:masters"] }) },
    authorizer: { authorize: async () => ({ allowed: true }) },
    log,
    metricsRegistry: new Registry(),
    kubernetesVersion: "v1.29.4",
  });
  const http = createServer(server.handle);
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const client = new InternalClient(new ObjectStore(store), registry);
  for (const n of ["node-1", "node-2"]) await client.create(node(n));
  const ac = new AbortController();
  const controllers = startWorkloadControllers({
    cluster: "kubectl",
    client,
    profile: testProfile({ podStartDelayMs: 100 }),
    faults: noFaults(),
    log,
    signal: ac.signal,
  });
  await controllers.synced;
  t.after(async () => {
    ac.abort();
    await controllers.stop();
    server.shutdown();
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
    await store.close();
  });
  const kubectl = async (...args: string[]) =>
    (
      await run(KUBECTL!, [`--server=${url}`, "-n", "default", ...args], {
        timeout: 30_000,
      })
    ).stdout;

  return kubectl;
}

test("kubectl create, scale, rollout status, set image and delete behave as on a real cluster", {
  skip: !KUBECTL,
}, async (t) => {
  const kubectl = await cluster(t);
  await kubectl("create", "deployment", "web", "--image=nginx:1.25", "--replicas=2");
  assert.match(
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s"),
    /successfully rolled out/,
  );
  await kubectl("scale", "deployment/web", "--replicas=3");
  assert.match(
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s"),
    /successfully rolled out/,
  );
  const ready = await kubectl(
    "get",
    "deployment",
    "web",
    "-o",
    "jsonpath={.status.readyReplicas}/{.status.replicas}",
  );
  assert.equal(ready, "3/3");

  await kubectl("set", "image", "deployment/web", "nginx=nginx:1.26");
  assert.match(
    await kubectl("rollout", "status", "deployment/web", "--timeout=20s"),
    /successfully rolled out/,
  );
  const images = await kubectl("get", "pods", "-o", "jsonpath={.items[*].spec.containers[0].image}");
  assert.deepEqual(images.split(" "), ["nginx:1.26", "nginx:1.26", "nginx:1.26"]);
  assert.match(await kubectl("rollout", "history", "deployment/web"), /^2\s/m);
  assert.match(await kubectl("get", "pods"), /web-\S+\s+1\/1\s+Running/);

  await kubectl("delete", "deployment", "web");
  await until(
    "pods deleted by the garbage collector",
    async () => (await kubectl("get", "pods", "-o", "name")).trim() === "",
    10_000,
  );
  assert.equal((await kubectl("get", "replicasets", "-o", "name")).trim(), "");
});

// updateStrategy is spelled out: this server has no defaulting (the simulator's hooks fill it in).
const manifests = `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  updateStrategy: {type: RollingUpdate}
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "postgres:16"}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  updateStrategy: {type: RollingUpdate}
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: "fluent-bit:3"}]}
`;

test("kubectl rollout status for StatefulSets and DaemonSets, wait for Jobs, cascades", {
  skip: !KUBECTL,
}, async (t) => {
  const kubectl = await cluster(t);
  const dir = mkdtempSync(join(tmpdir(), "sim-kubectl-"));
  t.after(async () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "workloads.yaml"), manifests);
  await kubectl("apply", "--server-side", "-f", join(dir, "workloads.yaml"));
  assert.match(
    await kubectl("rollout", "status", "statefulset/db", "--timeout=20s"),
    /2 pods at revision db-/,
  );
  assert.match(
    await kubectl("rollout", "status", "daemonset/agent", "--timeout=20s"),
    /successfully rolled out/,
  );
  await kubectl("create", "job", "once", "--image=busybox");
  assert.match(
    await kubectl("wait", "--for=condition=complete", "job/once", "--timeout=20s"),
    /condition met/,
  );

  await kubectl("create", "deployment", "fg", "--image=nginx", "--replicas=2");
  await kubectl("rollout", "status", "deployment/fg", "--timeout=20s");
  await kubectl("delete", "deployment", "fg", "--cascade=foreground", "--wait=true", "--timeout=20s");
  assert.equal((await kubectl("get", "pods", "-l", "app=fg", "-o", "name")).trim(), "");

  await kubectl("create", "deployment", "kept", "--image=nginx", "--replicas=2");
  await kubectl("rollout", "status", "deployment/kept", "--timeout=20s");
  await kubectl("delete", "deployment", "kept", "--cascade=orphan");
  const rs = await kubectl(
    "get",
    "replicasets",
    "-l",
    "app=kept",
    "-o",
    "jsonpath={.items[*].metadata.ownerReferences}",
  );
  assert.equal(rs.trim(), "");
  assert.equal((await kubectl("get", "pods", "-l", "app=kept", "-o", "name")).trim().split("\n").length, 2);
});
