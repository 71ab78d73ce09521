// takeSnapshot and the whole registry against an mcp-sim cluster (real HTTPS, the cluster's own
// CA, a token from the generated kubeconfig), and the kubeconfig's certificates: CA bundles split
// per certificate, client certificates read from -data or from a file.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { ensurePki, issueClientCert } from "../apiserver/auth/pki.ts";
import { SimFleet } from "../sim/fleet.ts";
import { fleetProfiles } from "../sim/profile.ts";
import { allChecks } from "./checks/index.ts";
import { kubeconfigCertificates } from "./kubeconfig-certs.ts";
import { runChecks } from "./scan.ts";
import { takeSnapshot } from "./snapshot.ts";

test("a simulated cluster: everything readable, its CA found, every registered check runs", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "mcp-diag-sim-"));
  const profiles = fleetProfiles(["diag-1"], { nodes: 3 }, {});
  const fleet = await SimFleet.start({ profiles, outDir: dir });
  t.after(async () => {
    await fleet.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const kc = new KubeConfig();
  kc.loadFromFile(fleet.kubeconfigPath("diag-1"));

  const s = await takeSnapshot(kc);
  assert.equal(s.kubernetesVersion, profiles[0].kubernetesVersion);
  assert.deepEqual(s.unreadable, {});
  assert.equal(s.objects.nodes!.length, 3);
  assert.ok(
    s.objects.pods!.some((p) => p.metadata.namespace === "kube-system"),
    "kube-system is seeded",
  );
  assert.ok(s.objects.daemonsets!.every((d) => d.kind === "DaemonSet" && d.apiVersion === "apps/v1"));
  assert.ok(s.servedResources.includes("apps/v1/deployments"));
  assert.equal(s.kubeconfigCertificates.length, 1);
  assert.match(s.kubeconfigCertificates[0].source, /certificate-authority/);
  assert.ok(new X509Certificate(s.kubeconfigCertificates[0].pem).validTo);

  const r = runChecks(s, allChecks, { now: new Date() });
  assert.deepEqual(
    r.checks.filter((c) => c.status !== "ran").map((c) => `${c.code} ${c.status}`),
    [],
    "no check fails or is skipped on a simulated cluster",
  );
});

test("kubeconfig certificates: CA bundles split, client certificates from data or file", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "mcp-diag-certs-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const a = await ensurePki(join(dir, "a"));
  const b = await ensurePki(join(dir, "b"));
  const client = await issueClientCert(a.ca, { commonName: "ops", days: 10 });
  const certFile = join(dir, "client.crt");
  await writeFile(certFile, client.certPem);
  const b64 = (s: string) => Buffer.from(s).toString("base64");

  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "prod", server: "https://127.0.0.1:6443", caData: b64(a.ca.certPem + b.ca.certPem) }],
    users: [{ name: "ops", certFile, keyFile: join(dir, "missing.key") }],
    contexts: [{ name: "prod", cluster: "prod", user: "ops" }],
    currentContext: "prod",
  });
  const certs = kubeconfigCertificates(kc);
  assert.deepEqual(
    certs.map((c) => c.source),
    [
      'kubeconfig cluster "prod" certificate-authority #1',
      'kubeconfig cluster "prod" certificate-authority #2',
      'kubeconfig user "ops" client-certificate',
    ],
  );
  const days = (pem: string) => (Date.parse(new X509Certificate(pem).validTo) - Date.now()) / 86_400_000;
  assert.ok(days(certs[2].pem) > 9 && days(certs[2].pem) <= 10);
  assert.ok(certs.every((c) => !c.pem.includes("PRIVATE KEY")));

  kc.users[0] = { name: "ops", certData: b64(client.certPem), keyData: b64(client.keyPem) };
  assert.equal(kubeconfigCertificates(kc).length, 3);
});
