// takeSnapshot against the in-process API server: every resource listed (paged), served
// resources from discovery, TLS secrets without their keys, a 403 on one resource recorded in
// `unreadable` while the rest is read, and an unreachable cluster or rejected credential failing
// the scan with ScanFailedError.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { kubeadmCalicoCluster, loadObjects, testKubeConfig } from "../agent/status/fixtures.ts";
import type { KubeObject } from "../apis/meta/types.ts";
import type { Authorizer } from "../apiserver/auth/types.ts";
import { startTestApi } from "../apiserver/testing/harness.ts";
import { veleroCrd } from "./fixtures/healthy.ts";
import { SNAPSHOT_SOURCES } from "./resources.ts";
import { ScanFailedError, takeSnapshot } from "./snapshot.ts";
import type { SnapshotKey } from "./types.ts";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

const extras: KubeObject[] = [
  ...["a", "b", "c", "d", "e"].map((n) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `cm-${n}`, namespace: "default" },
    data: { n },
  })),
  {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "web-tls", namespace: "default", annotations: { [LAST_APPLIED]: '{"data":"secret"}' } },
    type: "kubernetes.io/tls",
    data: { "tls.crt": "Y2VydA==", "tls.key": "a2V5" },
  },
  {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "password", namespace: "default" },
    type: "Opaque",
    data: { password: "aHVudGVyMg==" },
  },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "default" },
    spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
  },
];

test("lists every resource, paged, with kinds filled in and secrets reduced to their certificates", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  await loadObjects(api.store, [...kubeadmCalicoCluster(), ...extras]);

  const progress: number[] = [];
  const s = await takeSnapshot(testKubeConfig(api.url), { pageSize: 2, onProgress: (d) => progress.push(d) });
  assert.equal(s.kubernetesVersion, "v1.30.0");
  assert.deepEqual(s.unreadable, {});
  const keys = Object.keys(SNAPSHOT_SOURCES) as SnapshotKey[];
  assert.deepEqual(Object.keys(s.objects).sort(), [...keys].sort(), "every key is present");
  assert.equal(progress.at(-1), keys.length + 2);

  // Paging: more objects than one page of 2.
  const cms = s.objects.configmaps!.filter((c) => c.metadata.namespace === "default");
  assert.deepEqual(
    cms.map((c) => c.metadata.name),
    ["cm-a", "cm-b", "cm-c", "cm-d", "cm-e"],
  );
  assert.equal(s.objects.nodes!.length, 3);
  for (const o of [...s.objects.nodes!, ...s.objects.daemonsets!, ...s.objects.services!]) {
    assert.ok(o.apiVersion && o.kind, `${o.metadata.name} has apiVersion and kind`);
    assert.equal(o.metadata.managedFields, undefined);
  }
  assert.equal(s.objects.daemonsets![0].apiVersion, "apps/v1");
  assert.equal(s.objects.daemonsets![0].kind, "DaemonSet");

  // Only TLS secrets, only their certificate, never the key or the last-applied copy.
  assert.deepEqual(
    s.objects.secrets!.map((x) => x.metadata.name),
    ["web-tls"],
  );
  assert.deepEqual(s.objects.secrets![0].data, { "tls.crt": "Y2VydA==" });
  assert.equal(s.objects.secrets![0].metadata.annotations?.[LAST_APPLIED], undefined);

  // Discovery, and Velero absent: an empty list, not unreadable; checks see it is not served.
  for (const r of ["v1/pods", "apps/v1/deployments", "batch/v1/cronjobs", "storage.k8s.io/v1/csidrivers"])
    assert.ok(s.servedResources.includes(r), r);
  assert.ok(!s.servedResources.some((r) => r.includes("/status")), "no subresources");
  assert.ok(!s.servedResources.includes("velero.io/v1/backups"));
  assert.deepEqual(s.objects.velerobackups, []);
  assert.deepEqual(s.kubeconfigCertificates, [], "a token kubeconfig over HTTP has no certificates");
});

test("only the keys asked for are listed", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const s = await takeSnapshot(testKubeConfig(api.url), { keys: ["namespaces"] });
  assert.deepEqual(Object.keys(s.objects), ["namespaces"]);
  assert.ok(s.objects.namespaces!.some((n) => n.metadata.name === "default"));
});

test("Velero's backups and schedules are read when velero.io is served", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  for (const [p, k] of [
    ["backups", "Backup"],
    ["schedules", "Schedule"],
  ]) {
    const r = await api.req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
      body: veleroCrd(p, k),
    });
    assert.equal(r.status, 201, await r.text());
  }
  await api.req("POST", "/api/v1/namespaces", {
    body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "velero" } },
  });
  const backup = {
    apiVersion: "velero.io/v1",
    kind: "Backup",
    metadata: { name: "daily-1" },
    status: { phase: "Completed" },
  };
  for (let i = 0; ; i++) {
    const r = await api.req("POST", "/apis/velero.io/v1/namespaces/velero/backups", { body: backup });
    if (r.status === 201) break;
    if (i > 50) assert.fail(`cannot create a Backup: ${r.status} ${await r.text()}`);
    await new Promise((res) => setTimeout(res, 50));
  }

  const s = await takeSnapshot(testKubeConfig(api.url), { keys: ["velerobackups", "veleroschedules"] });
  assert.ok(s.servedResources.includes("velero.io/v1/backups"));
  assert.deepEqual(
    s.objects.velerobackups!.map((b) => `${b.kind} ${b.metadata.namespace}/${b.metadata.name}`),
    ["Backup velero/daily-1"],
  );
  assert.deepEqual(s.objects.veleroschedules, []);
});

test("a 403 on secrets goes into unreadable with the reason; the rest is read", async (t) => {
  const denySecrets: Authorizer = {
    async authorize(a) {
      if (a.user.name === "viewer" && a.resource === "secrets") return { allowed: false, reason: "test" };
      return { allowed: true };
    },
  };
  const api = await startTestApi({
    users: { viewer: { name: "viewer", groups: ["system:authenticated"] } },
    authorizer: denySecrets,
  });
  t.after(() => api.close());
  await loadObjects(api.store, extras);

  const s = await takeSnapshot(testKubeConfig(api.url, "viewer"));
  assert.deepEqual(Object.keys(s.unreadable), ["secrets"]);
  assert.match(s.unreadable.secrets!, /^permission denied reading secrets \(v1\): HTTP 403: .*secrets/);
  assert.equal(s.objects.secrets, undefined);
  assert.equal(s.objects.services!.length, 1);
  assert.equal(s.objects.configmaps!.length, 5);
});

test("an unreachable cluster or a rejected credential fails the scan, saying why", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  await assert.rejects(takeSnapshot(testKubeConfig(api.url, "nobody")), (e: unknown) => {
    assert.ok(e instanceof ScanFailedError);
    assert.equal(e.failure.kind, "unauthorized");
    assert.match(e.message, /^the credential was rejected by http:\/\/127\.0\.0\.1:\d+: HTTP 401/);
    return true;
  });

  const port = await freePort();
  const closed = testKubeConfig(`http://127.0.0.1:${port}`);
  await assert.rejects(takeSnapshot(closed, { timeoutMs: 5000 }), (e: unknown) => {
    assert.ok(e instanceof ScanFailedError);
    assert.equal(
      e.message,
      `cannot reach http://127.0.0.1:${port}: connection refused (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
    return true;
  });

  const none = new KubeConfig();
  none.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: "" });
  await assert.rejects(takeSnapshot(none), /no current cluster/);
});

/** A loopback port nothing listens on. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}
