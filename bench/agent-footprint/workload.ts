// What the measured agent is given to do, through the hub's API as an operator would: a short
// sync interval, a few propagated objects (ConfigMaps and a Deployment, so Work applies, drift
// resyncs and health follow-ups all run), a ClusterPolicy it audits (every Pod, Deployment and
// ConfigMap of the member), and optionally one diagnostic scan. Each step waits until its effect
// is visible: at the member, or in the report the hub stored.
import { setTimeout as sleep } from "node:timers/promises";
import type { HubClient } from "../lib/hub-client.ts";

const NAMESPACE = "bench-footprint";
const POLICY = "bench-footprint";
const CLUSTERS = "/apis/mcp.platform/v1/clusters";

export const configMapName = (i: number) => `footprint-${i}`;

/** Polls fn until it returns a value other than undefined; fails with `what` after timeoutMs. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  fn: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = ` (last error: ${(e as Error).message})`;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last}`);
    await sleep(250);
  }
}

interface ClusterView {
  status?: { lastHeartbeatTime?: string; conditions?: { type: string; status: string }[] };
}

/** Ready, and when the hub last heard from the agent; undefined before the Cluster exists. */
export async function clusterState(
  client: HubClient,
  name: string,
): Promise<{ ready: boolean; lastHeartbeatTime?: string } | undefined> {
  const res = await client.request("GET", `${CLUSTERS}/${name}`);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET cluster ${name}: HTTP ${res.status}`);
  const c = JSON.parse(res.body) as ClusterView;
  const ready = c.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True") ?? false;
  return { ready, lastHeartbeatTime: c.status?.lastHeartbeatTime };
}

export async function setSyncInterval(client: HubClient, name: string, seconds: number): Promise<void> {
  await client.json(
    "PATCH",
    `${CLUSTERS}/${name}`,
    { spec: { syncInterval: `${seconds}s` } },
    "application/merge-patch+json",
  );
}

async function create(client: HubClient, path: string, body: object): Promise<void> {
  const res = await client.request("POST", path, body);
  if (res.status !== 201) throw new Error(`POST ${path}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
}

/** A Namespace, `count` ConfigMaps and one Deployment at the hub, placed on every cluster. */
export async function propagate(client: HubClient, count: number): Promise<void> {
  await create(client, "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: NAMESPACE },
  });
  await create(client, "/apis/mcp.platform/v1/clusterpropagationpolicies", {
    apiVersion: "mcp.platform/v1",
    kind: "ClusterPropagationPolicy",
    metadata: { name: "bench-footprint" },
    spec: {
      resourceSelectors: [
        { apiVersion: "v1", kind: "ConfigMap", namespace: NAMESPACE },
        { apiVersion: "apps/v1", kind: "Deployment", namespace: NAMESPACE },
      ],
      placement: {},
    },
  });
  // A few KiB each, like an application's configuration.
  const settings = Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`key-${k}`, "x".repeat(64)]));
  for (let i = 0; i < count; i++)
    await create(client, `/api/v1/namespaces/${NAMESPACE}/configmaps`, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: configMapName(i), namespace: NAMESPACE, labels: { app: "web" } },
      data: settings,
    });
  await create(client, `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: NAMESPACE },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "registry.example/web:1.0" }] },
      },
    },
  });
}

/** The member has every propagated object (read with its own kubeconfig). */
export async function applied(member: HubClient, count: number): Promise<true | undefined> {
  const cms = await member.json<{ items: { metadata: { name: string } }[] }>(
    "GET",
    `/api/v1/namespaces/${NAMESPACE}/configmaps`,
  );
  const names = new Set(cms.items.map((c) => c.metadata.name));
  for (let i = 0; i < count; i++) if (!names.has(configMapName(i))) return undefined;
  const dep = await member.request("GET", `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/web`);
  return dep.status === 200 ? true : undefined;
}

/** A ClusterPolicy every cluster labelled env=bench audits: Pods, Deployments and ConfigMaps. */
export async function createPolicy(client: HubClient): Promise<void> {
  await create(client, "/apis/mcp.platform/v1/clusterpolicies", {
    apiVersion: "mcp.platform/v1",
    kind: "ClusterPolicy",
    metadata: { name: POLICY },
    spec: {
      clusterSelector: { matchLabels: { env: "bench" } },
      rules: [
        { name: "tagged-images", action: "audit", condition: "latest-image-tag", match: { kinds: ["Pod"] } },
        {
          name: "no-privileged",
          action: "audit",
          condition: "privileged-containers",
          match: { kinds: ["Deployment"] },
        },
        {
          name: "labelled",
          action: "audit",
          condition: "has(object.metadata.labels) && 'app' in object.metadata.labels",
          match: { kinds: ["ConfigMap"], namespaces: [NAMESPACE] },
        },
      ],
    },
  });
}

interface PolicyReportView {
  status?: { error?: string; policies?: { name: string; pass: number; fail: number; warn: number }[] };
}

/** Objects the agent's audit judged, once the hub has its PolicyReport with this policy. */
export async function policyReported(client: HubClient, cluster: string): Promise<number | undefined> {
  const res = await client.request(
    "GET",
    `/apis/mcp.platform/v1/namespaces/mcp-system/policyreports/${cluster}`,
  );
  if (res.status === 404) return undefined;
  const r = JSON.parse(res.body) as PolicyReportView;
  if (r.status?.error) throw new Error(`the audit failed: ${r.status.error}`);
  const p = r.status?.policies?.find((x) => x.name === POLICY);
  return p ? p.pass + p.fail + p.warn : undefined;
}

/** Starts a diagnostic scan of one cluster; its report is then awaited with diagnosed(). */
export async function startScan(client: HubClient, scan: string, cluster: string): Promise<void> {
  await create(client, "/apis/mcp.platform/v1/diagnosticscans", {
    apiVersion: "mcp.platform/v1",
    kind: "DiagnosticScan",
    metadata: { name: scan },
    spec: { clusters: [cluster] },
  });
}

/** The scan's report score, once the hub stored it. */
export async function diagnosed(client: HubClient, scan: string): Promise<number | undefined> {
  const q = new URLSearchParams({ labelSelector: `mcp.platform/scan=${scan}` });
  const list = await client.json<{ items: { status?: { score?: number; error?: string } }[] }>(
    "GET",
    `/apis/mcp.platform/v1/namespaces/mcp-system/diagnosticreports?${q}`,
  );
  const r = list.items[0];
  if (!r) return undefined;
  if (r.status?.error) throw new Error(`the scan failed: ${r.status.error}`);
  return r.status?.score;
}
