// The hub side of the benchmark: a Namespace, a ClusterPropagationPolicy that places one
// ConfigMap (the probe) on every cluster, and the probe itself, whose data carries a sequence
// number that each measured write increments.
import type { HubClient } from "../lib/hub-client.ts";

export const PROBE_NAMESPACE = "bench";
export const PROBE_NAME = "probe";
export const SEQ_KEY = "seq";
const POLICY = "bench-probe";
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

const PROBE_PATH = `/api/v1/namespaces/${PROBE_NAMESPACE}/configmaps`;

/** Creates (or, on a retry, finds) the Namespace, the policy and the probe with sequence number 0. */
export async function createProbe(client: HubClient): Promise<void> {
  await create(client, "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: PROBE_NAMESPACE },
  });
  await create(client, "/apis/mcp.platform/v1/clusterpropagationpolicies", {
    apiVersion: "mcp.platform/v1",
    kind: "ClusterPropagationPolicy",
    metadata: { name: POLICY },
    spec: {
      resourceSelectors: [
        { apiVersion: "v1", kind: "ConfigMap", namespace: PROBE_NAMESPACE, name: PROBE_NAME },
      ],
      // No cluster affinity: every cluster.
      placement: {},
    },
  });
  await create(client, PROBE_PATH, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: PROBE_NAME, namespace: PROBE_NAMESPACE },
    data: { [SEQ_KEY]: "0" },
  });
}

/** One measured write: the probe's sequence number, as a merge patch (what `kubectl patch` sends). */
export async function writeProbe(client: HubClient, seq: number): Promise<void> {
  await client.json(
    "PATCH",
    `${PROBE_PATH}/${PROBE_NAME}`,
    { data: { [SEQ_KEY]: String(seq) } },
    "application/merge-patch+json",
  );
}

/** The sequence number a probe ConfigMap carries (NaN if it is not one). */
export function probeSeq(configMap: { data?: unknown }): number {
  const data = configMap.data as Record<string, string> | undefined;
  return Number(data?.[SEQ_KEY]);
}

async function create(client: HubClient, path: string, body: KubeObject) {
  const res = await client.request("POST", path, body);
  if (res.status !== 201 && res.status !== 409)
    throw new Error(
      `POST ${path} ${body.kind} ${body.metadata.name}: HTTP ${res.status}: ${res.body.slice(0, 300)}`,
    );
}
