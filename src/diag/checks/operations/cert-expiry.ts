// MCP-OPS-001 — certificates expired or expiring within 30 days.
// An expired apiserver/kubelet client certificate or CA locks everyone out of the cluster, and an
// expired TLS Secret takes an Ingress down; both are trivially preventable and both keep
// happening, typically on clusters that are a year old and never upgraded (kubeadm renews on
// upgrade). Sources: the kubeconfig the scan used (CA and client certificate) and every Secret
// of type kubernetes.io/tls (tls.crt; a chain is judged by its earliest expiry).
import { X509Certificate } from "node:crypto";
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { list, nameOf, rec, ref, str } from "../objects.ts";

export const WARN_DAYS = 30;
const DAY_MS = 86_400_000;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

interface Judged {
  subject: string;
  expires: Date;
}

/** The earliest-expiring certificate of a PEM bundle; undefined when none parses. */
export function earliestExpiry(pem: string): Judged | undefined {
  let soonest: Judged | undefined;
  for (const block of pem.match(PEM_BLOCK) ?? []) {
    try {
      const cert = new X509Certificate(block);
      if (!soonest || cert.validToDate < soonest.expires) {
        soonest = { subject: cert.subject.replaceAll("\n", ", "), expires: cert.validToDate };
      }
    } catch {
      // One broken block in a bundle should not hide the expiry of the others.
    }
  }
  return soonest;
}

/** "expired 3 days ago" / "expires in 12 days", or undefined when it is not due yet. */
function due(judged: Judged, now: Date): { severity: Finding["severity"]; when: string } | undefined {
  const days = Math.floor((judged.expires.getTime() - now.getTime()) / DAY_MS);
  const on = judged.expires.toISOString().slice(0, 10);
  if (judged.expires <= now) return { severity: "error", when: `expired on ${on} (${-days} days ago)` };
  if (days < WARN_DAYS) return { severity: "warning", when: `expires on ${on} (in ${days} days)` };
  return undefined;
}

function kubeconfigFindings(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const { source, pem } of ctx.snapshot.kubeconfigCertificates) {
    const judged = earliestExpiry(pem);
    const d = judged && due(judged, ctx.now);
    if (!judged || !d) continue;
    out.push({
      code: certExpiry.code,
      severity: d.severity,
      message: `Certificate ${judged.subject} from ${source} ${d.when}.`,
      fix:
        "On a kubeadm control plane: kubeadm certs check-expiration; kubeadm certs renew all; restart the " +
        "control-plane static pods, then refresh the kubeconfig (cp /etc/kubernetes/admin.conf ~/.kube/config). " +
        "For a CA, rotate it (https://kubernetes.io/docs/tasks/tls/manual-rotation-of-ca-certificates/).",
    });
  }
  return out;
}

function secretFix(secret: KubeObject): string {
  const ns = secret.metadata.namespace ?? "default";
  const name = secret.metadata.name ?? "";
  const certName = secret.metadata.annotations?.["cert-manager.io/certificate-name"];
  if (certName)
    return `Let cert-manager re-issue it: cmctl renew -n ${ns} ${certName} (and check why it did not renew: kubectl -n ${ns} describe certificate ${certName})`;
  return (
    `Issue a new certificate and replace the Secret: kubectl -n ${ns} create secret tls ${name} ` +
    "--cert=tls.crt --key=tls.key --dry-run=client -o yaml | kubectl apply -f -"
  );
}

function secretFindings(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const secret of list(ctx, "secrets")) {
    if (str(secret.type) !== "kubernetes.io/tls") continue;
    const b64 = str(rec(secret.data)["tls.crt"]);
    if (!b64) continue;
    const judged = earliestExpiry(Buffer.from(b64, "base64").toString("utf8"));
    if (!judged) {
      out.push({
        code: certExpiry.code,
        severity: "warning",
        object: ref(secret),
        message: `TLS Secret ${nameOf(secret)} holds no parseable certificate in tls.crt.`,
        fix: secretFix(secret),
      });
      continue;
    }
    const d = due(judged, ctx.now);
    if (!d) continue;
    out.push({
      code: certExpiry.code,
      severity: d.severity,
      object: ref(secret),
      message: `TLS Secret ${nameOf(secret)} holds certificate ${judged.subject} that ${d.when}.`,
      fix: secretFix(secret),
    });
  }
  return out;
}

export const certExpiry: Check = {
  code: "MCP-OPS-001",
  area: "operations",
  title: "Certificate expiring or expired",
  severity: "warning",
  reads: ["secrets"],
  description:
    `A certificate from the kubeconfig (CA, client) or a kubernetes.io/tls Secret expires within ${WARN_DAYS} days ` +
    "(warning) or has expired (error). Renew it before clients and Ingresses start failing.",
  run(ctx) {
    return [...kubeconfigFindings(ctx), ...secretFindings(ctx)];
  },
};
