// How the hub talks to a push-mode member: a KubeConfig built in memory from the Cluster's
// endpoint and CA and the decrypted credential (never written to disk).
import { KubeConfig } from "@kubernetes/client-node";
import type { MemberCredential } from "./credentials.ts";

export interface MemberEndpoint {
  name: string;
  apiEndpoint: string;
  /** Base64 PEM of the member's CA; without it the system's trust store is used. */
  caData?: string;
}

export function memberKubeConfig(member: MemberEndpoint, credential: MemberCredential): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: member.name,
        server: member.apiEndpoint,
        ...(member.caData ? { caData: member.caData } : {}),
        skipTLSVerify: false,
      },
    ],
    users: [
      {
        name: `mcp-hub@${member.name}`,
        ...(credential.token ? { token: credential.token } : {}),
        ...(credential.clientCertificateData ? { certData: credential.clientCertificateData } : {}),
        ...(credential.clientKeyData ? { keyData: credential.clientKeyData } : {}),
      },
    ],
    contexts: [{ name: member.name, cluster: member.name, user: `mcp-hub@${member.name}` }],
    currentContext: member.name,
  });
  return kc;
}
