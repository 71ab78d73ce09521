// POST /apis/mcp.platform/v1/diagnosticscans — a fleet scan (`mcpctl diag scan`). The handler
// resolves the selected Clusters and answers 201 at once with the scan id and the clusters it was
// sent to; the scan then completes asynchronously, each cluster's result stored as a
// DiagnosticReport labelled mcp.platform/scan=<id>:
//   - Pull clusters get Command{diagnose} on their agent's stream; the agent scans its member and
//     sends a Report back (stored by connect.ts). A cluster without a live, accepted stream is
//     reported "cluster offline" before the response, never waited for.
//   - Push clusters are scanned by the hub itself with the decrypted credential, through the
//     member's one connection pool (the hub's MemberLinks), at most `concurrency` at once so a big
//     fleet does not open hundreds of snapshots together.
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { createLimiter } from "../../agent/status/limit.ts";
import { API_VERSION, GROUP } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { errors } from "../../apiserver/errors.ts";
import { nowRfc3339 } from "../../apiserver/handlers/prepare.ts";
import { readObject } from "../../apiserver/handlers/write.ts";
import { writeBody } from "../../apiserver/http/respond.ts";
import { type LabelSelector, labelSelectorAsMatcher } from "../../apiserver/selectors/labels.ts";
import type { SubresourceHandler } from "../../apiserver/server.ts";
import { parseFieldValidation, validateObject } from "../../apiserver/validation/object.ts";
import { type DiagnoseParams, diagnose, OFFLINE, type ReportStatus } from "../../diag/fleet/report.ts";
import type { AgentSessions } from "../agent-endpoint/sessions.ts";
import type { CredentialStore } from "../clusters/credentials.ts";
import type { MemberLinks } from "../clusters/member.ts";
import { storeReport } from "./reports.ts";

export interface DiagnosticScanDeps {
  client: InternalClient;
  credentials: CredentialStore;
  /** The hub's links to push members (their owner closes them). */
  links: MemberLinks;
  /** The agent endpoint starts after the API server: looked up per request. */
  sessions: () => AgentSessions | undefined;
  log: Logger;
  /** Push-mode scans the hub runs at once. Default 8. */
  concurrency?: number;
  /** Deadline of one push-mode scan. Default 60 s. */
  timeoutMs?: number;
  /** For tests: how a push member is scanned. */
  scan?: typeof diagnose;
}

interface ScanSpec extends DiagnoseParams {
  clusterSelector?: LabelSelector;
  clusters?: string[];
  all?: boolean;
}

export function diagnosticScanHandler(deps: DiagnosticScanDeps): SubresourceHandler {
  const limit = createLimiter(deps.concurrency ?? 8);
  const scan = deps.scan ?? diagnose;
  return async (ctx) => {
    if (ctx.info.verb !== "create")
      throw errors.methodNotAllowed("DiagnosticScan only supports create (POST)");
    const obj = await readObject(ctx);
    // The scan's name is the server's to choose (its id); a client need not send one.
    obj.metadata.name ??= `scan-${randomBytes(5).toString("hex")}`;
    validateObject(ctx.rt, obj, undefined, parseFieldValidation(ctx.query.get("fieldValidation")));
    const scanId = obj.metadata.name;
    // It labels every report of the scan (and names their archives), so it must fit a label value.
    if (scanId.length > 63)
      throw errors.invalid("DiagnosticScan", scanId, GROUP, [
        {
          reason: "FieldValueInvalid",
          field: "metadata.name",
          message: "Invalid value: must be no more than 63 characters",
        },
      ]);
    const spec = obj.spec as ScanSpec;
    const targets = await selectClusters(deps.client, scanId, spec);
    const params: DiagnoseParams = {
      ...(spec.targetVersion ? { targetVersion: spec.targetVersion } : {}),
      ...(spec.checks?.length ? { checks: spec.checks } : {}),
    };
    const offline: string[] = [];
    const push: KubeObject[] = [];
    const sessions = deps.sessions();
    for (const c of targets) {
      const name = c.metadata.name!;
      if ((c.spec as { mode?: string } | undefined)?.mode === "Push") {
        push.push(c);
        continue;
      }
      const session = sessions?.get(name);
      if (!session || session.closed || !session.accepted) {
        offline.push(name);
        continue;
      }
      session.sendCommand({ name: "diagnose", params_json: JSON.stringify(params), id: scanId }, params);
    }
    // Offline reports are written before answering: the caller can count on them being there.
    const now = nowRfc3339();
    await Promise.all(
      offline.map((name) =>
        storeReport(deps.client, name, scanId, params, { scannedAt: now, error: OFFLINE }),
      ),
    );
    for (const c of push)
      void limit(() => scanPush(deps, scan, c, scanId, params)).catch((err) =>
        deps.log.warn(
          { err: String(err), cluster: c.metadata.name, scan: scanId },
          "storing a report failed",
        ),
      );
    deps.log.info(
      { scan: scanId, clusters: targets.length, offline: offline.length },
      "diagnostic scan started",
    );
    writeBody(ctx.res, 201, {
      apiVersion: API_VERSION,
      kind: "DiagnosticScan",
      metadata: { name: scanId, creationTimestamp: now },
      spec,
      status: { scanId, clusters: targets.map((c) => c.metadata.name!), offline },
    });
  };
}

async function selectClusters(client: InternalClient, scanId: string, spec: ScanSpec): Promise<KubeObject[]> {
  const ways = [spec.clusterSelector !== undefined, spec.clusters !== undefined, spec.all === true];
  if (ways.filter(Boolean).length !== 1)
    throw errors.invalid("DiagnosticScan", scanId, GROUP, [
      {
        reason: "FieldValueRequired",
        field: "spec",
        message: "Required value: exactly one of clusterSelector, clusters or all: true",
      },
    ]);
  const all = (await client.list(API_VERSION, "Cluster")).filter((c) => !c.metadata.deletionTimestamp);
  if (spec.all) return sortByName(all);
  if (spec.clusterSelector) {
    const m = labelSelectorAsMatcher(spec.clusterSelector);
    return sortByName(all.filter((c) => m.matches(c.metadata.labels ?? {})));
  }
  const byName = new Map(all.map((c) => [c.metadata.name!, c]));
  const missing = spec.clusters!.filter((n) => !byName.has(n));
  if (missing.length > 0)
    throw errors.invalid(
      "DiagnosticScan",
      scanId,
      GROUP,
      missing.map((n) => ({
        reason: "FieldValueNotFound",
        field: "spec.clusters",
        message: `Not found: "${n}"`,
      })),
    );
  return [...new Set(spec.clusters!)].map((n) => byName.get(n)!);
}

const sortByName = (cs: KubeObject[]) => cs.sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));

async function scanPush(
  deps: DiagnosticScanDeps,
  scan: typeof diagnose,
  cluster: KubeObject,
  scanId: string,
  params: DiagnoseParams,
): Promise<void> {
  const name = cluster.metadata.name!;
  const spec = cluster.spec as { apiEndpoint?: string; caData?: string };
  let status: ReportStatus;
  try {
    if (!spec.apiEndpoint) throw new Error("the cluster has no apiEndpoint; join it again");
    const link = await deps.links.forCluster(
      { name, apiEndpoint: spec.apiEndpoint, caData: spec.caData },
      deps.credentials,
    );
    status = await scan(link.kc, params, {
      timeoutMs: deps.timeoutMs ?? 60_000,
      connections: link.connections,
    });
  } catch (e) {
    status = { scannedAt: nowRfc3339(), error: `scan failed: ${(e as Error).message}` };
  }
  await storeReport(deps.client, name, scanId, params, status);
}
