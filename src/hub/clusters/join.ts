// POST /apis/mcp.platform/v1/clusterjoins — push-mode registration (`mcpctl cluster join`).
// The hub first proves it can talk to the member with what it was given (GET /version and a
// one-item Node list, with the given CA and credential, under a short deadline); a wrong CA, a
// rejected credential or an unreachable endpoint is a clear 4xx and nothing is stored. Then the
// Cluster (mode Push, credentialRef) and the encrypted credential are written in ONE store
// transaction: both exist or neither does. The response is the ClusterJoin without its
// credential fields; the credential is never logged, echoed or served.
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { Logger } from "pino";
import { classifyFailure, memberApi } from "../../agent/status/member-api.ts";
import { API_VERSION, GROUP } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { errors, type StatusCause } from "../../apiserver/errors.ts";
import { dryRun } from "../../apiserver/handlers/context.ts";
import { prepareForCreate } from "../../apiserver/handlers/prepare.ts";
import { readObject } from "../../apiserver/handlers/write.ts";
import { writeBody } from "../../apiserver/http/respond.ts";
import { encode } from "../../apiserver/registry/object-store.ts";
import type { SubresourceHandler } from "../../apiserver/server.ts";
import { parseFieldValidation, validateObject } from "../../apiserver/validation/object.ts";
import { StoreError } from "../../storage/store.ts";
import { recordEvent } from "../events/record.ts";
import type { CredentialStore, MemberCredential } from "./credentials.ts";
import { memberKubeConfig } from "./member.ts";

export interface ClusterJoinDeps {
  client: InternalClient;
  credentials: CredentialStore;
  log: Logger;
  /** Deadline of each probe request to the member. Default 5 s. */
  probeTimeoutMs?: number;
}

interface JoinSpec {
  apiEndpoint: string;
  caData?: string;
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  labels?: Record<string, string>;
  syncInterval?: string;
}

const CREDENTIAL_FIELDS = ["token", "clientCertificateData", "clientKeyData"] as const;
/** Labels that also fill the Cluster's placement fields. */
const PLACEMENT_LABELS = ["region", "zone", "provider"] as const;

export function clusterJoinHandler(deps: ClusterJoinDeps): SubresourceHandler {
  return async (ctx) => {
    if (ctx.info.verb !== "create") throw errors.methodNotAllowed("ClusterJoin only supports create (POST)");
    const join = await readObject(ctx);
    validateObject(ctx.rt, join, undefined, parseFieldValidation(ctx.query.get("fieldValidation")));
    const name = join.metadata.name!;
    const spec = join.spec as JoinSpec;
    const credential = credentialOf(name, spec);
    const clusterRt = deps.client.type(API_VERSION, "Cluster");
    if (await deps.client.get({ apiVersion: API_VERSION, kind: "Cluster", name }))
      throw errors.alreadyExists({ group: GROUP, resource: "clusters", name });

    // Everything that can be checked locally is, before the member is contacted.
    const cluster = prepareForCreate(clusterRt, clusterFor(join, spec), "");
    validateObject(clusterRt, cluster, undefined, "Strict");
    const gitVersion = await probe(name, spec, credential, deps.probeTimeoutMs ?? 5000);
    if (!dryRun(ctx)) {
      const key = deps.client.objects.key(clusterRt, undefined, name);
      try {
        await deps.client.objects.store.txn(
          [{ key, modRevision: 0 }],
          [
            { type: "put", key, value: encode(cluster) },
            deps.credentials.putOp(name, cluster.metadata.uid!, credential),
          ],
        );
      } catch (e) {
        if (e instanceof StoreError && e.code === "CompareFailed")
          throw errors.alreadyExists({ group: GROUP, resource: "clusters", name });
        throw e;
      }
      deps.log.info(
        { cluster: name, endpoint: spec.apiEndpoint, kubernetesVersion: gitVersion },
        "cluster joined in push mode",
      );
      await recordEvent(deps.client, {
        involved: cluster,
        type: "Normal",
        reason: "ClusterJoined",
        message: `joined in push mode by ${ctx.user.name}: ${spec.apiEndpoint} (${gitVersion})`,
        component: "cluster-join",
      }).catch((err) =>
        deps.log.warn({ err: String(err), cluster: name }, "recording the join event failed"),
      );
    }
    writeBody(ctx.res, 201, response(join, spec, cluster, gitVersion));
  };
}

function credentialOf(name: string, spec: JoinSpec): MemberCredential {
  const causes: StatusCause[] = [];
  const hasCert = !!spec.clientCertificateData || !!spec.clientKeyData;
  if (!spec.token && !hasCert)
    causes.push({
      reason: "FieldValueRequired",
      field: "spec.token",
      message: "Required value: a token or a client certificate and key",
    });
  if (spec.token && hasCert)
    causes.push({
      reason: "FieldValueForbidden",
      field: "spec.token",
      message: "Forbidden: give a token or a client certificate, not both",
    });
  if (hasCert && !(spec.clientCertificateData && spec.clientKeyData))
    causes.push({
      reason: "FieldValueRequired",
      field: spec.clientCertificateData ? "spec.clientKeyData" : "spec.clientCertificateData",
      message: "Required value: a client certificate needs its key",
    });
  causes.push(...pemCauses(spec));
  if (causes.length > 0) throw errors.invalid("ClusterJoin", name, GROUP, causes);
  return spec.token
    ? { token: spec.token }
    : { clientCertificateData: spec.clientCertificateData, clientKeyData: spec.clientKeyData };
}

/** Certificates and keys must at least parse (messages never quote them). */
function pemCauses(spec: JoinSpec): StatusCause[] {
  const causes: StatusCause[] = [];
  const check = (field: string, value: string | undefined, parse: (pem: Buffer) => unknown, what: string) => {
    if (!value) return;
    try {
      parse(Buffer.from(value, "base64"));
    } catch {
      causes.push({
        reason: "FieldValueInvalid",
        field,
        message: `Invalid value: not a base64-encoded PEM ${what}`,
      });
    }
  };
  check("spec.caData", spec.caData, (pem) => new X509Certificate(pem), "certificate");
  check(
    "spec.clientCertificateData",
    spec.clientCertificateData,
    (pem) => new X509Certificate(pem),
    "certificate",
  );
  check("spec.clientKeyData", spec.clientKeyData, (pem) => createPrivateKey(pem), "private key");
  return causes;
}

/** Proves the hub can reach, verify and authenticate to the member; returns its version. */
async function probe(
  name: string,
  spec: JoinSpec,
  credential: MemberCredential,
  timeoutMs: number,
): Promise<string> {
  const kc = memberKubeConfig({ name, apiEndpoint: spec.apiEndpoint, caData: spec.caData }, credential);
  const api = memberApi(kc, { timeoutMs });
  try {
    const v = await api.version.getCode();
    // /version is public on most clusters: an authenticated read proves the credential works.
    await api.core.listNode({ limit: 1 });
    return v.gitVersion;
  } catch (e) {
    const f = classifyFailure(e);
    const invalid = (field: string, message: string) =>
      errors.invalid("ClusterJoin", name, GROUP, [{ reason: "FieldValueInvalid", field, message }]);
    const credField = credential.token ? "spec.token" : "spec.clientCertificateData";
    if (f.kind === "tls")
      throw invalid("spec.caData", `cannot verify the member's certificate with the given CA: ${f.detail}`);
    if (f.kind === "unauthorized")
      throw invalid(credField, `the member rejected the credential: ${f.detail}`);
    if (f.kind === "forbidden")
      throw invalid(
        credField,
        `the credential may not read the member's nodes (${f.detail}); grant it read access first`,
      );
    if (f.kind === "network")
      throw errors.badRequest(`cannot reach the member at ${spec.apiEndpoint}: ${f.detail}`);
    throw errors.badRequest(`the member at ${spec.apiEndpoint} answered the probe with ${f.detail}`);
  } finally {
    await api.close();
  }
}

function clusterFor(join: KubeObject, spec: JoinSpec): KubeObject {
  const labels = { ...(join.metadata.labels ?? {}), ...(spec.labels ?? {}) };
  const placement: Record<string, string> = {};
  for (const l of PLACEMENT_LABELS) if (labels[l]) placement[l] = labels[l];
  return {
    apiVersion: API_VERSION,
    kind: "Cluster",
    metadata: {
      name: join.metadata.name,
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(join.metadata.annotations ? { annotations: join.metadata.annotations } : {}),
    },
    spec: {
      mode: "Push",
      apiEndpoint: spec.apiEndpoint,
      ...(spec.caData ? { caData: spec.caData } : {}),
      ...(spec.syncInterval ? { syncInterval: spec.syncInterval } : {}),
      credentialRef: join.metadata.name,
      ...placement,
    },
  };
}

/** The ClusterJoin as created, minus every credential field. */
function response(join: KubeObject, spec: JoinSpec, cluster: KubeObject, gitVersion: string): KubeObject {
  const safeSpec: Record<string, unknown> = { ...spec };
  for (const f of CREDENTIAL_FIELDS) delete safeSpec[f];
  return {
    apiVersion: API_VERSION,
    kind: "ClusterJoin",
    metadata: {
      name: join.metadata.name,
      uid: cluster.metadata.uid,
      creationTimestamp: cluster.metadata.creationTimestamp,
      ...(join.metadata.labels ? { labels: join.metadata.labels } : {}),
    },
    spec: safeSpec,
    status: { kubernetesVersion: gitVersion },
  };
}
