// Auditing one member cluster through its kubeconfig: discovery finds the served resources, only
// those some rule could match are listed (page by page, so a big cluster is never held in memory
// at once), and each object is evaluated (src/policy/audit.ts). Read-only. Used by the agent for
// its own member and by the hub for push members (with the stored credential).
import type { KubeConfig } from "@kubernetes/client-node";
import type { KubeObject } from "../apis/meta/types.ts";
import { type RawClient, RequestError, rawClient } from "../diag/kube-client.ts";
import type { MemberConnections } from "../kube/member-connections.ts";
import { type AuditOptions, AuditRun, type ResourceInfo } from "./audit.ts";
import type { PolicyReportStatus } from "./policy-types.ts";

const PAGE = 500;
/** Events are records of what happened, not configuration a policy judges. */
const SKIPPED = new Set(["events"]);

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

export interface MemberAuditOptions extends Omit<AuditOptions, "namespaces"> {
  signal?: AbortSignal;
  /** The member's connection pool when the caller keeps one (the hub's push members). */
  connections?: MemberConnections;
}

/** Audits the member; a member that cannot be read gives a status with `error` set. */
export async function auditMember(kc: KubeConfig, opts: MemberAuditOptions): Promise<PolicyReportStatus> {
  const client = rawClient(kc, { signal: opts.signal, connections: opts.connections });
  try {
    const namespaces = new Map<string, KubeObject>();
    for await (const ns of listAll(client, "/api/v1/namespaces"))
      namespaces.set(ns.metadata.name ?? "", { ...ns, apiVersion: "v1", kind: "Namespace" });
    const run = new AuditRun({ ...opts, namespaces });
    const problems: string[] = [];
    for (const r of await servedResources(client)) {
      if (SKIPPED.has(r.resource) || !run.wants(r)) continue;
      if (r.group === "" && r.resource === "namespaces") {
        for (const ns of namespaces.values()) run.audit(ns, r);
        continue;
      }
      const path = `${r.group ? `/apis/${r.group}` : "/api"}/${r.version}/${r.resource}`;
      const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
      try {
        for await (const o of listAll(client, path)) run.audit({ ...o, apiVersion, kind: r.kind }, r);
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        problems.push(`cannot list ${r.resource}: ${(e as Error).message}`);
      }
    }
    const status = run.finish();
    return problems.length > 0 ? { ...status, error: problems.join("; ").slice(0, 4000) } : status;
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    const why = e instanceof RequestError ? e.failure.detail : (e as Error).message;
    return {
      error: `cannot audit the member cluster: ${why}`.slice(0, 4000),
      lastAuditTime: (opts.now?.() ?? new Date()).toISOString(),
    };
  } finally {
    await client.close();
  }
}

async function* listAll(client: RawClient, path: string): AsyncGenerator<KubeObject> {
  let cont: string | undefined;
  do {
    const page = await client.get<{ items?: KubeObject[]; metadata?: { continue?: string } }>(path, {
      limit: String(PAGE),
      continue: cont,
    });
    for (const o of page.items ?? []) yield o;
    cont = page.metadata?.continue || undefined;
  } while (cont);
}

/** Listable resources at each group's preferred version (core v1 included). */
async function servedResources(client: RawClient): Promise<ResourceInfo[]> {
  const out: ResourceInfo[] = [];
  const add = (group: string, version: string, list: ApiResource[] | undefined) => {
    for (const r of list ?? [])
      if (!r.name.includes("/") && (r.verbs ?? ["list"]).includes("list"))
        out.push({ group, version, kind: r.kind, resource: r.name, namespaced: r.namespaced });
  };
  add("", "v1", (await client.get<{ resources?: ApiResource[] }>("/api/v1")).resources);
  const groups = await client.get<{
    groups?: { name: string; preferredVersion?: { version: string }; versions?: { version: string }[] }[];
  }>("/apis");
  for (const g of groups.groups ?? []) {
    const version = g.preferredVersion?.version ?? g.versions?.[0]?.version;
    if (!version) continue;
    // A broken aggregated API (an unavailable metrics-server, say) leaves its group out.
    const list = await client
      .get<{ resources?: ApiResource[] }>(`/apis/${g.name}/${version}`)
      .catch(() => ({ resources: [] as ApiResource[] }));
    add(g.name, version, list.resources);
  }
  return out;
}
