// Register: an agent trades a single-use bootstrap token for its cluster's own credential. The
// request is checked before the token is spent (a typo in the cluster name does not waste it);
// then the token is consumed with a compare-and-swap, so of two concurrent uses exactly one wins.
// The Cluster is created (or, for a re-registering pull cluster, relabelled) and any credential
// issued before is revoked: one cluster, one live credential.
import { status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { RegisterRequest, RegisterResponse } from "../../apis/agent/v1/protocol.ts";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import { createToken, revokeTokensFor } from "../../apiserver/auth/tokens.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";
import { dns1123Label, labels as labelCauses } from "../../apiserver/validation/names.ts";
import type { Store } from "../../storage/store.ts";
import { consumeBootstrapToken, peekBootstrapToken } from "./bootstrap-token.ts";
import {
  acceptsClient,
  CLUSTER_AGENT_PURPOSE,
  CLUSTERS_GROUP,
  clusterMode,
  clusterRef,
  clusterUserName,
} from "./cluster-ref.ts";
import { AgentCallError } from "./grpc-status.ts";
import type { AgentEndpointMetrics } from "./metrics.ts";
import type { AgentSessions } from "./sessions.ts";

export const TOKEN_SPENT = "bootstrap token already used or expired";

export interface RegisterDeps {
  store: Store;
  client: InternalClient;
  sessions: AgentSessions;
  metrics: AgentEndpointMetrics;
  log: Logger;
  requireApproval: boolean;
}

export async function register(
  deps: RegisterDeps,
  token: string | undefined,
  req: RegisterRequest,
): Promise<RegisterResponse> {
  try {
    const res = await registerCluster(deps, token, req);
    deps.metrics.registrations.inc({ result: res.accepted ? "accepted" : "pending" });
    return res;
  } catch (e) {
    deps.metrics.registrations.inc({ result: "rejected" });
    throw e;
  }
}

async function registerCluster(
  deps: RegisterDeps,
  token: string | undefined,
  req: RegisterRequest,
): Promise<RegisterResponse> {
  if (!token)
    throw new AgentCallError(
      status.UNAUTHENTICATED,
      "Register needs a bootstrap token (authorization: Bearer)",
    );
  const name = req.cluster_name;
  const causes = [...dns1123Label("cluster_name", name), ...labelCauses("labels", req.labels)];
  if (causes.length > 0)
    throw new AgentCallError(
      status.INVALID_ARGUMENT,
      causes.map((c) => `${c.field}: ${c.message}`).join("; "),
    );
  const peeked = await peekBootstrapToken(deps.store, token);
  if (!peeked) throw new AgentCallError(status.UNAUTHENTICATED, TOKEN_SPENT);
  checkExisting(await deps.client.get(clusterRef(name)), name);
  if (!(await consumeBootstrapToken(deps.store, token, peeked.modRevision)))
    throw new AgentCallError(status.UNAUTHENTICATED, TOKEN_SPENT);

  const cluster = await upsertCluster(deps, req);
  const accepted = acceptsClient(cluster);
  const user = clusterUserName(name);
  const revoked = await revokeTokensFor(deps.store, user);
  // An agent still streaming with a revoked credential is told so now, not at its next reconnect.
  deps.sessions
    .get(name)
    ?.fail(status.UNAUTHENTICATED, "this cluster re-registered; the credential was revoked");
  const { token: credential } = await createToken(deps.store, {
    user: { name: user, groups: [CLUSTERS_GROUP] },
    purpose: CLUSTER_AGENT_PURPOSE,
    boundObject: { group: "mcp.platform", resource: "clusters", name, uid: cluster.metadata.uid },
  });
  deps.log.info(
    { cluster: name, bootstrapUser: peeked.record.user.name, accepted, revokedCredentials: revoked },
    "cluster registered",
  );
  return {
    credential,
    accepted,
    message: accepted
      ? `cluster "${name}" registered`
      : `cluster "${name}" registered; awaiting approval (mcpctl cluster approve ${name})`,
  };
}

function checkExisting(existing: KubeObject | undefined, name: string): void {
  if (!existing) return;
  if (clusterMode(existing) === "Push")
    throw new AgentCallError(
      status.FAILED_PRECONDITION,
      `cluster "${name}" is joined in Push mode; unjoin it or register under another name`,
    );
  if (existing.metadata.deletionTimestamp)
    throw new AgentCallError(
      status.FAILED_PRECONDITION,
      `cluster "${name}" is being deleted; try again shortly`,
    );
}

/** Creates the pull-mode Cluster, or relabels the one a re-registering agent left behind. */
async function upsertCluster(deps: RegisterDeps, req: RegisterRequest): Promise<KubeObject> {
  const name = req.cluster_name;
  const labels = { ...req.labels };
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await deps.client.get(clusterRef(name));
    if (existing) {
      checkExisting(existing, name);
      const updated = await deps.client.mutate(clusterRef(name), (c) => {
        c.metadata.labels = { ...c.metadata.labels, ...labels };
        return c;
      });
      if (updated) return updated;
      continue;
    }
    try {
      return await deps.client.create({
        apiVersion: API_VERSION,
        kind: "Cluster",
        metadata: { name, ...(Object.keys(labels).length > 0 ? { labels } : {}) },
        spec: { mode: "Pull", hubAcceptsClient: !deps.requireApproval },
        ...(req.kubernetes_version ? { status: { kubernetesVersion: req.kubernetes_version } } : {}),
      });
    } catch (e) {
      // Another registration of the same name won the race: update that one instead.
      if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
    }
  }
  throw new AgentCallError(status.ABORTED, `cluster "${name}" changed concurrently; retry the registration`);
}
