// The pods/eviction subresource (POST a policy/v1 Eviction), as kube-apiserver's EvictionREST
// serves it for `kubectl drain`: a pod that is pending, finished or already terminating is
// simply deleted; otherwise the one PodDisruptionBudget covering it must allow a disruption,
// which is taken from status.disruptionsAllowed and the pod noted in status.disruptedPods (so
// the disruption controller does not count it healthy meanwhile) before the pod is marked
// DisruptionTarget and deleted. An eviction the budget refuses is a 429 TooManyRequests with a
// DisruptionBudget cause, which kubectl drain reports and retries. Success is 201 with a
// Success Status.
import type { KubeObject } from "../apis/meta/types.ts";
import { isObject } from "../apis/meta/types.ts";
import { ApiError, errors } from "../apiserver/errors.ts";
import { dryRun, type RequestContext } from "../apiserver/handlers/context.ts";
import { deleteObject } from "../apiserver/handlers/delete.ts";
import { bodyFormat, decodeBody, readBody } from "../apiserver/http/body.ts";
import { writeBody } from "../apiserver/http/respond.ts";
import { isPodReady, now, podPhase, setCondition } from "./controllers/objects.ts";
import { budgetsFor, type PdbStatus, pdbSpec, pdbStatus, withDisruptionAllowed } from "./controllers/pdb.ts";
import type { PodStatus } from "./controllers/types.ts";

/** EvictionREST's MaxDisruptedPodSize: approvals the controller has not caught up with. */
const MAX_DISRUPTED_PODS = 2000;
/** EvictionsRetry: conflicting budget updates are retried this often. */
const RETRIES = 20;
const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

interface Eviction {
  metadata?: { name?: string };
  deleteOptions?: { dryRun?: string[]; preconditions?: { uid?: string; resourceVersion?: string } };
}

/** errors.NewTooManyRequests with a DisruptionBudget cause (and Retry-After when asked). */
function tooManyRequests(ctx: RequestContext, cause: string, retryAfterSeconds = 0): ApiError {
  if (retryAfterSeconds > 0) ctx.res.setHeader("Retry-After", String(retryAfterSeconds));
  return new ApiError("TooManyRequests", VIOLATION, {
    causes: [{ reason: "DisruptionBudget", message: cause }],
    ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
  });
}

const stillProcessing = (ctx: RequestContext, name: string) =>
  tooManyRequests(ctx, `The disruption budget ${name} is still being processed by the server.`, 10);

async function readEviction(ctx: RequestContext): Promise<Eviction> {
  const body = decodeBody(
    await readBody(ctx.req, ctx.deps.maxBodyBytes),
    bodyFormat(ctx.req.headers["content-type"], false),
  );
  if (!isObject(body) || body.kind !== "Eviction" || !/^policy\/v1(beta1)?$/.test(String(body.apiVersion)))
    throw errors.badRequest(
      `not a Eviction object: ${isObject(body) ? `${body.apiVersion}, Kind=${body.kind}` : typeof body}`,
    );
  const eviction = body as Eviction;
  if (eviction.metadata?.name !== ctx.info.name)
    throw errors.badRequest("name in URL does not match name in Eviction object");
  return eviction;
}

/** canIgnorePDB: the pod is already not running (or going), so evicting it disrupts nothing. */
const canIgnoreBudget = (pod: KubeObject) =>
  ["Succeeded", "Failed", "Pending"].includes(podPhase(pod)) || !!pod.metadata.deletionTimestamp;

export async function handleEviction(ctx: RequestContext): Promise<void> {
  if (ctx.req.method !== "POST")
    throw errors.methodNotAllowed(`${ctx.req.method} is not supported on pods/eviction`);
  const eviction = await readEviction(ctx);
  const dry = dryRun(ctx) || (eviction.deleteOptions?.dryRun ?? []).includes("All");
  const deleteOptions = { preconditions: eviction.deleteOptions?.preconditions };
  const pods = ctx.rt;
  const pod = await ctx.deps.objects.get(pods, ctx.info.namespace, ctx.info.name);
  if (canIgnoreBudget(pod)) return evictNow(ctx, pod, deleteOptions, dry);

  const pdbType = ctx.deps.registry.lookup("policy", "v1", "poddisruptionbudgets")!;
  const all = (await ctx.deps.objects.range(pdbType, pod.metadata.namespace, {})).items;
  const budgets = budgetsFor(pod, all);
  if (budgets.length > 1)
    throw new ApiError(
      "InternalError",
      "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
    );
  if (budgets.length === 1) {
    let pdb = budgets[0];
    const s = pdbStatus(pdb);
    const unhealthyAllowed =
      pdbSpec(pdb).unhealthyPodEvictionPolicy === "AlwaysAllow" ||
      ((s.currentHealthy ?? 0) >= (s.desiredHealthy ?? 0) && (s.desiredHealthy ?? 0) > 0);
    if (!isPodReady(pod) && unhealthyAllowed) {
      // An unready pod does not count as healthy: deleting it takes nothing from the budget, as
      // long as the pod is still the one we looked at.
      const pinned = deleteOptions.preconditions ?? { resourceVersion: pod.metadata.resourceVersion };
      try {
        return await evictNow(ctx, pod, { preconditions: pinned }, dry);
      } catch (e) {
        if (e instanceof ApiError && e.reason === "Conflict" && !deleteOptions.preconditions?.resourceVersion)
          throw stillProcessing(ctx, pdb.metadata.name!);
        throw e;
      }
    }
    // Take one allowed disruption, re-reading the budget when someone else wrote it meanwhile.
    for (let attempt = 0; ; attempt++) {
      const refused = checkBudget(ctx, pdb);
      if (refused) throw refused;
      if (dry) break;
      const status = pdbStatus(pdb) as PdbStatus;
      let next: PdbStatus = {
        ...status,
        disruptionsAllowed: status.disruptionsAllowed - 1,
        disruptedPods: { ...status.disruptedPods, [pod.metadata.name!]: now() },
      };
      if (next.disruptionsAllowed === 0) next = withDisruptionAllowed(next);
      try {
        await ctx.deps.objects.update(
          pdbType,
          { ...pdb, status: next },
          Number(pdb.metadata.resourceVersion),
        );
        break;
      } catch (e) {
        if (!(e instanceof ApiError && e.reason === "Conflict")) throw e;
        if (attempt >= RETRIES)
          throw errors.timeout(`couldn't update PodDisruptionBudget "${pdb.metadata.name}" due to conflicts`);
        pdb = await ctx.deps.objects.get(pdbType, pdb.metadata.namespace, pdb.metadata.name!);
      }
    }
  }
  return evictNow(ctx, pod, deleteOptions, dry);
}

/** checkAndDecrement's refusals: why the budget cannot give up a disruption now, if it cannot. */
function checkBudget(ctx: RequestContext, pdb: KubeObject): ApiError | undefined {
  const s = pdbStatus(pdb);
  const name = pdb.metadata.name!;
  const target = { group: "policy", resource: "poddisruptionbudget", name };
  if ((s.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) return stillProcessing(ctx, name);
  if ((s.disruptionsAllowed ?? 0) < 0) return errors.forbidden(target, "pdb disruptions allowed is negative");
  if (Object.keys(s.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS)
    return errors.forbidden(
      target,
      "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
    );
  if ((s.disruptionsAllowed ?? 0) === 0)
    return tooManyRequests(
      ctx,
      `The disruption budget ${name} needs ${s.desiredHealthy ?? 0} healthy pods and has ${s.currentHealthy ?? 0} currently`,
    );
  return undefined;
}

/**
 * addConditionAndDeletePod: a running pod is marked DisruptionTarget first (watchers see why it
 * went), then deleted; the answer is 201 with a Success Status.
 */
async function evictNow(
  ctx: RequestContext,
  pod: KubeObject,
  opts: { preconditions?: { uid?: string; resourceVersion?: string } },
  dry: boolean,
): Promise<void> {
  let live = pod;
  if (!dry && !pod.metadata.deletionTimestamp) {
    const status = (pod.status ?? {}) as PodStatus;
    const conditions = setCondition(status.conditions, {
      type: "DisruptionTarget",
      status: "True",
      reason: "EvictionByEvictionAPI",
      message: "Eviction API: evicting",
      lastTransitionTime: now(),
      lastProbeTime: null,
    });
    live = await ctx.deps.objects.update(
      ctx.rt,
      { ...pod, status: { ...status, conditions } },
      Number(pod.metadata.resourceVersion),
    );
    // A resourceVersion precondition now means "the pod as just marked".
    if (opts.preconditions?.resourceVersion)
      opts = { preconditions: { ...opts.preconditions, resourceVersion: live.metadata.resourceVersion } };
  }
  if (!dry) await deletePod(ctx, live, opts);
  writeBody(
    ctx.res,
    201,
    { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 },
    {
      encoding: ctx.neg.encoding,
      warnings: ctx.warnings,
    },
  );
}

/**
 * Deletes the pod as the registry's Delete does: without a resourceVersion precondition a write
 * in between (the kubelet reporting status) is no reason to fail, so the latest pod is deleted.
 */
async function deletePod(
  ctx: RequestContext,
  pod: KubeObject,
  opts: { preconditions?: { uid?: string; resourceVersion?: string } },
): Promise<void> {
  let live = pod;
  for (let attempt = 0; ; attempt++) {
    try {
      await deleteObject(ctx, live, opts);
      return;
    } catch (e) {
      const retry = e instanceof ApiError && e.reason === "Conflict" && !opts.preconditions?.resourceVersion;
      if (!retry || attempt >= RETRIES) throw e;
      live = await ctx.deps.objects.get(ctx.rt, pod.metadata.namespace, pod.metadata.name!);
    }
  }
}
