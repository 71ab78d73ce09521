// The admin credential: a client certificate (CN mcp-admin, O system:masters) in
// <data>/hub.kubeconfig, mode 0600, usable by mcpctl and kubectl alike. It is kept across
// restarts (only the server URL is refreshed) and re-issued when the CA is new.
import { join } from "node:path";
import { loadKubeconfig, writeKubeconfig } from "../apiserver/auth/kubeconfig.ts";
import { type CertKeyPair, issueClientCert, type Pki } from "../apiserver/auth/pki.ts";

export const ADMIN_USER = "mcp-admin";

export async function ensureAdminKubeconfig(dataDir: string, url: string, pki: Pki): Promise<string> {
  const path = join(dataDir, "hub.kubeconfig");
  let cert: CertKeyPair | undefined;
  if (!pki.generated.ca) {
    try {
      const k = await loadKubeconfig(path);
      if (k.clientCertPem && k.clientKeyPem && k.caPem?.trim() === pki.ca.certPem.trim())
        cert = { certPem: k.clientCertPem, keyPem: k.clientKeyPem };
    } catch {
      // No usable kubeconfig yet: issue a new credential below.
    }
  }
  cert ??= await issueClientCert(pki.ca, {
    commonName: ADMIN_USER,
    organizations: ["system:masters"],
    days: 365,
  });
  await writeKubeconfig(path, {
    server: url,
    caPem: pki.ca.certPem,
    user: { clientCertPem: cert.certPem, clientKeyPem: cert.keyPem },
    contextName: "mcp",
    clusterName: "mcp-hub",
    userName: ADMIN_USER,
  });
  return path;
}
