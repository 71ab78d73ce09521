import assert from "node:assert/strict";
import { test } from "node:test";
import { certificatePem } from "../../fixtures/common.ts";
import { context, findingKeys, NOW, obj, runCheck, snapshot } from "../testing.ts";
import { certExpiry, earliestExpiry } from "./cert-expiry.ts";

/** A self-signed certificate valid until NOW + days. */
const certPem = (cn: string, days: number) => certificatePem(cn, NOW, days);

const tlsSecret = (ns: string, name: string, pem: string, annotations?: Record<string, string>) =>
  obj(
    "v1",
    "Secret",
    name,
    ns,
    { type: "kubernetes.io/tls", data: { "tls.crt": Buffer.from(pem).toString("base64") } },
    annotations ? { annotations } : {},
  );

test("earliestExpiry judges a chain by its earliest certificate", async () => {
  const chain = (await certPem("leaf", 300)) + (await certPem("intermediate", 10));
  assert.match(earliestExpiry(chain)?.subject ?? "", /intermediate/);
});

test("MCP-OPS-001 fires on expired and soon-expiring certificates only", async () => {
  const snap = snapshot({
    secrets: [
      tlsSecret("web", "expired", await certPem("shop.example.com", -3)),
      tlsSecret("web", "soon", await certPem("api.example.com", 12), {
        "cert-manager.io/certificate-name": "api",
      }),
      tlsSecret("web", "chain", (await certPem("leaf", 300)) + (await certPem("ca", 20))),
      tlsSecret("web", "fresh", await certPem("fresh.example.com", 90)),
      tlsSecret("web", "garbage", "not a certificate"),
      obj("v1", "Secret", "opaque", "web", { type: "Opaque", data: {} }),
    ],
  });
  snap.kubeconfigCertificates = [
    { source: 'kubeconfig user "admin" client-certificate', pem: await certPem("kubernetes-admin", 5) },
    { source: 'kubeconfig cluster "prod" certificate-authority', pem: await certPem("kubernetes", 3000) },
  ];
  const findings = runCheck(certExpiry, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-OPS-001 Secret web/chain",
    "MCP-OPS-001 Secret web/expired",
    "MCP-OPS-001 Secret web/garbage",
    "MCP-OPS-001 Secret web/soon",
    "MCP-OPS-001 cluster",
  ]);
  const by = new Map(findings.map((f) => [f.object?.name ?? "kubeconfig", f]));
  assert.equal(by.get("expired")?.severity, "error");
  assert.match(by.get("expired")?.message ?? "", /expired on 2025-05-29 \(3 days ago\)/);
  assert.equal(by.get("soon")?.severity, "warning");
  assert.match(by.get("soon")?.fix ?? "", /cmctl renew -n web api/);
  assert.match(by.get("kubeconfig")?.message ?? "", /kubernetes-admin from kubeconfig user "admin"/);
});

test("MCP-OPS-001 is silent when every certificate is far from expiry", async () => {
  const snap = snapshot({ secrets: [tlsSecret("web", "fresh", await certPem("fresh.example.com", 90))] });
  snap.kubeconfigCertificates = [{ source: "kubeconfig CA", pem: await certPem("kubernetes", 3000) }];
  assert.deepEqual(runCheck(certExpiry, context(snap)), []);
});
