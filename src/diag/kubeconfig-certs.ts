// The certificates a kubeconfig connects with — the cluster's CA bundle and the user's client
// certificate — as PEM, for the certificate-expiry check. They come from the `-data` fields
// (base64) or the files the kubeconfig names; bundles are split so each certificate is judged on
// its own expiry. Private keys are never read.
import { readFileSync } from "node:fs";
import type { KubeConfig } from "@kubernetes/client-node";
import type { ClusterSnapshot } from "./types.ts";

type Certificates = ClusterSnapshot["kubeconfigCertificates"];

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of the current context, labelled with where it came from. */
export function kubeconfigCertificates(kc: KubeConfig): Certificates {
  const out: Certificates = [];
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (cluster)
    add(out, `kubeconfig cluster "${cluster.name}" certificate-authority`, cluster.caData, cluster.caFile);
  if (user) add(out, `kubeconfig user "${user.name}" client-certificate`, user.certData, user.certFile);
  return out;
}

function add(out: Certificates, source: string, data?: string, file?: string): void {
  let text: string | undefined;
  if (data) text = Buffer.from(data, "base64").toString("utf8");
  else if (file) {
    try {
      text = readFileSync(file, "utf8");
    } catch {
      // client-node has already failed to connect if the file is unreadable; nothing to judge.
      return;
    }
  }
  const blocks = text?.match(PEM_BLOCK) ?? [];
  blocks.forEach((pem, i) => {
    out.push({ source: blocks.length > 1 ? `${source} #${i + 1}` : source, pem: `${pem}\n` });
  });
}
