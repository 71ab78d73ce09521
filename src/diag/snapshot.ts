// One read-only snapshot of a cluster for mcp-diag: /version, discovery (served resources), a
// paged list of every SnapshotKey resource, and the kubeconfig's certificates. Works against any
// kube-apiserver and against mcp-sim; it only ever GETs.
//
// Failure policy: a cluster that cannot be reached at all (network, TLS, rejected credential)
// throws ScanFailedError — nothing useful can be said about it. Anything narrower (a 403 on
// secrets, a resource this version does not serve, one list timing out) goes into `unreadable`
// with the reason, and the scan goes on: checks that need it degrade to an info finding.
//
// What is kept: objects as the apiserver served them, with apiVersion/kind filled in (list items
// come without) and metadata.managedFields dropped (large, and no check reads it). Secrets are
// listed with a type=kubernetes.io/tls field selector and keep only `data["tls.crt"]`: the
// snapshot never holds private keys or other secret data, nor their last-applied annotation.
import type { KubeConfig } from "@kubernetes/client-node";
import { createLimiter } from "../agent/status/limit.ts";
import { describeFailure, type RequestFailure } from "../agent/status/member-api.ts";
import type { KubeList, KubeObject } from "../apis/meta/types.ts";
import type { MemberConnections } from "../kube/member-connections.ts";
import { type RawClient, RequestError, rawClient } from "./kube-client.ts";
import { kubeconfigCertificates } from "./kubeconfig-certs.ts";
import { apiVersionOf, listPath, type ResourceSource, SNAPSHOT_SOURCES, servedName } from "./resources.ts";
import type { ClusterSnapshot, SnapshotKey } from "./types.ts";

export interface SnapshotOptions {
  /** Deadline of the whole snapshot. Default 60 s. */
  timeoutMs?: number;
  /** Requests in flight at once. Default 4, gentle on a busy apiserver. */
  concurrency?: number;
  /** Objects per list page. Default 500 (kubectl's chunk size). */
  pageSize?: number;
  /** Keys to list; default every SnapshotKey. */
  keys?: SnapshotKey[];
  signal?: AbortSignal;
  /** The member's connection pool when the caller keeps one (the hub's push members). */
  connections?: MemberConnections;
  /** Called after each request group finishes, for a progress line. */
  onProgress?(done: number, total: number): void;
}

/** The scan could not read the cluster at all: unreachable, untrusted, or the credential was rejected. */
export class ScanFailedError extends Error {
  readonly server: string;
  readonly failure: RequestFailure;

  constructor(server: string, failure: RequestFailure) {
    super(describeFailure(server, failure));
    this.name = "ScanFailedError";
    this.server = server;
    this.failure = failure;
  }
}

const FATAL = new Set(["tls", "unauthorized"]);

export async function takeSnapshot(kc: KubeConfig, opts: SnapshotOptions = {}): Promise<ClusterSnapshot> {
  const deadline = AbortSignal.timeout(opts.timeoutMs ?? 60_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  const client = rawClient(kc, { signal, connections: opts.connections });
  try {
    return await snapshot(client, kc, opts);
  } finally {
    await client.close();
  }
}

async function snapshot(client: RawClient, kc: KubeConfig, opts: SnapshotOptions): Promise<ClusterSnapshot> {
  const keys = opts.keys ?? (Object.keys(SNAPSHOT_SOURCES) as SnapshotKey[]);
  const total = keys.length + 2;
  let done = 0;
  const progress = () => opts.onProgress?.(++done, total);

  // /version first: nothing else is worth asking of a server that does not answer.
  let kubernetesVersion = "unknown";
  try {
    kubernetesVersion = (await client.get<{ gitVersion?: string }>("/version")).gitVersion || "unknown";
  } catch (e) {
    const f = failureOf(e);
    if (FATAL.has(f.kind) || f.kind === "network") throw new ScanFailedError(client.server, f);
    // A 403 on /version (a locked-down cluster): the version checks will say they cannot tell.
  }
  progress();

  const limit = createLimiter(opts.concurrency ?? 4);
  const servedResources = await discover(client, limit);
  progress();

  const served = new Set(servedResources);
  const objects: ClusterSnapshot["objects"] = {};
  const unreadable: ClusterSnapshot["unreadable"] = {};
  const failures: RequestFailure[] = [];
  await Promise.all(
    keys.map((key) =>
      limit(async () => {
        const source = SNAPSHOT_SOURCES[key];
        if (source.optional && !served.has(servedName(source))) objects[key] = [];
        else {
          try {
            objects[key] = await listAll(client, source, opts.pageSize ?? 500);
          } catch (e) {
            const f = failureOf(e);
            failures.push(f);
            unreadable[key] = reasonFor(key, source, f);
          }
        }
        progress();
      }),
    ),
  );
  const fatal = failures.find((f) => FATAL.has(f.kind));
  if (fatal) throw new ScanFailedError(client.server, fatal);
  // Every list lost to the network: the cluster went away mid-scan, which is no diagnosis.
  if (failures.length > 0 && failures.length === keys.length && failures.every((f) => f.kind === "network"))
    throw new ScanFailedError(client.server, failures[0]);
  return {
    kubernetesVersion,
    objects,
    unreadable,
    servedResources,
    kubeconfigCertificates: kubeconfigCertificates(kc),
  };
}

function failureOf(e: unknown): RequestFailure {
  if (e instanceof RequestError) return e.failure;
  return { kind: "http", detail: (e as Error).message };
}

function reasonFor(key: SnapshotKey, s: ResourceSource, f: RequestFailure): string {
  const what = `${key} (${apiVersionOf(s)})`;
  if (f.kind === "forbidden") return `permission denied reading ${what}: ${f.detail}`;
  if (f.kind === "notFound") return `${what} is not served by this apiserver: ${f.detail}`;
  return `could not read ${what}: ${f.detail}`;
}

/** Pages through one collection across all namespaces, restarting once if the continue token expires. */
async function listAll(client: RawClient, s: ResourceSource, pageSize: number): Promise<KubeObject[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await listPages(client, s, pageSize);
    } catch (e) {
      // 410 Gone: the continue token outlived the apiserver's compaction; a fresh list is consistent.
      if (attempt === 0 && e instanceof RequestError && e.failure.status === 410) continue;
      throw e;
    }
  }
}

async function listPages(client: RawClient, s: ResourceSource, pageSize: number): Promise<KubeObject[]> {
  const all: KubeObject[] = [];
  let cont: string | undefined;
  do {
    const page = await client.get<KubeList>(listPath(s), {
      limit: String(pageSize),
      continue: cont,
      fieldSelector: s.fieldSelector,
    });
    const kind = (page.kind ?? "").replace(/List$/, "");
    for (const item of page.items ?? []) all.push(normalize(item, apiVersionOf(s), kind, s.resource));
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return all;
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

function normalize(item: KubeObject, apiVersion: string, kind: string, resource: string): KubeObject {
  const out: KubeObject = { ...item, apiVersion: item.apiVersion || apiVersion, kind: item.kind || kind };
  if (out.metadata?.managedFields) {
    out.metadata = { ...out.metadata };
    delete out.metadata.managedFields;
  }
  if (resource === "secrets") {
    const data = item.data as Record<string, string> | undefined;
    out.data = data?.["tls.crt"] ? { "tls.crt": data["tls.crt"] } : {};
    delete out.stringData;
    if (out.metadata?.annotations?.[LAST_APPLIED]) {
      const { [LAST_APPLIED]: _, ...annotations } = out.metadata.annotations;
      out.metadata = { ...out.metadata, annotations };
    }
  }
  return out;
}

type Limit = ReturnType<typeof createLimiter>;

/**
 * Served group/version/resources from discovery ("v1/pods", "apps/v1/deployments"). A group
 * version that fails (a broken aggregated API such as an unavailable metrics-server) is left out.
 */
async function discover(client: RawClient, limit: Limit): Promise<string[]> {
  const groupVersions: string[] = [];
  const core = await limit(() => client.get<{ versions?: string[] }>("/api")).catch(() => undefined);
  groupVersions.push(...(core?.versions ?? ["v1"]));
  const groups = await limit(() =>
    client.get<{ groups?: { versions?: { groupVersion: string }[] }[] }>("/apis"),
  ).catch(() => undefined);
  for (const g of groups?.groups ?? []) for (const v of g.versions ?? []) groupVersions.push(v.groupVersion);
  const lists = await Promise.all(
    groupVersions.map((gv) =>
      limit(() =>
        client.get<{ resources?: { name: string }[] }>(gv.includes("/") ? `/apis/${gv}` : `/api/${gv}`),
      ).catch(() => undefined),
    ),
  );
  const out = new Set<string>();
  lists.forEach((list, i) => {
    for (const r of list?.resources ?? [])
      if (!r.name.includes("/")) out.add(`${groupVersions[i]}/${r.name}`);
  });
  return [...out].sort();
}
