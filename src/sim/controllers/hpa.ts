// The HorizontalPodAutoscaler controller (pkg/controller/podautoscaler/horizontal.go) over the
// simulated metrics-server: every sync period (the profile's hpaSyncPeriodMs, 15 s by default)
// and whenever an HPA's spec changes, it reads the target's scale (Deployment, ReplicaSet,
// StatefulSet, or any built-in kind with a scale subresource), computes the desired replicas
// from the metrics (hpa-metrics.ts, hpa-replicas.ts), clamps and stabilizes them
// (hpa-behavior.ts), writes spec.replicas as a /scale update does, and keeps the HPA's status
// (currentReplicas, desiredReplicas, currentMetrics, lastScaleTime, and the AbleToScale /
// ScalingActive / ScalingLimited conditions) and Events (SuccessfulRescale,
// FailedGetResourceMetric, FailedComputeMetricsReplicas, FailedGetScale, ...) as upstream does.
// Cost: the periodic syncs are delayed keys of the controller's one work queue (one timer per
// cluster); a cluster without HPAs has none.
import { isDeepStrictEqual } from "node:util";
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError, errors } from "../../apiserver/errors.ts";
import { parseApiVersion } from "../../apiserver/resources/resource-type.ts";
import {
  type LabelMatcher,
  labelSelectorAsMatcher,
  selectorFromSet,
} from "../../apiserver/selectors/labels.ts";
import { rfc3339 } from "../events/shapes.ts";
import { sharers } from "../metrics/usage.ts";
import { type Controller, type ControllerEnv, mutate, newQueue, recordEvent, writeStatus } from "./env.ts";
import {
  type Behavior,
  type HpaHistory,
  newHistory,
  normalize,
  normalizeWithBehavior,
  recordInitial,
  storeScaleEvent,
} from "./hpa-behavior.ts";
import { type Condition, type MetricSpec, replicasForMetrics } from "./hpa-metrics.ts";
import { type CalculatorOptions, DEFAULT_CALCULATOR } from "./hpa-replicas.ts";
import type { KindCache } from "./kind-cache.ts";
import { isTerminating, keyOf, specOf, splitKey, statusOf } from "./objects.ts";

const COMPONENT = "horizontal-pod-autoscaler";
export const DEFAULT_SYNC_PERIOD_MS = 15_000;
/** --horizontal-pod-autoscaler-downscale-stabilization. */
export const DOWNSCALE_STABILIZATION_MS = 5 * 60_000;

interface HpaSpec {
  scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
  minReplicas?: number;
  maxReplicas?: number;
  metrics?: MetricSpec[];
  behavior?: Behavior;
}

interface StatusCondition extends Condition {
  lastTransitionTime: string;
}

interface HpaStatus {
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas?: number;
  currentMetrics?: Record<string, unknown>[];
  conditions?: StatusCondition[];
}

export interface HpaControllerOptions {
  /** The controller's clock (tests); default Date.now. */
  now?: () => number;
  /** Default: the profile's hpaSyncPeriodMs, else 15 s. */
  syncPeriodMs?: number;
  calculator?: Partial<Omit<CalculatorOptions, "nowMs">>;
}

export interface HpaController extends Controller {
  /** Reconciles one HPA ("namespace/name") now. */
  reconcile(key: string): Promise<void>;
}

/** The target as its /scale subresource shows it, or why it cannot be read. */
type ScaleTarget = { obj: KubeObject; replicas: number; selector?: LabelMatcher } | { error: string };

export function startHpaController(env: ControllerEnv, opts: HpaControllerOptions = {}): HpaController {
  const { cache } = env;
  const now = opts.now ?? Date.now;
  const syncPeriodMs = opts.syncPeriodMs ?? env.profile.hpaSyncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS;
  const usage = { faults: env.faults, resolutionMs: env.profile.metricResolutionMs };
  const histories = new Map<string, HpaHistory>();
  const scalable: Record<string, KindCache> = {
    "apps/Deployment": cache.deployments,
    "apps/ReplicaSet": cache.replicaSets,
    "apps/StatefulSet": cache.statefulSets,
  };

  const scaleTarget = async (namespace: string, spec: HpaSpec): Promise<ScaleTarget> => {
    const ref = spec.scaleTargetRef ?? {};
    const apiVersion = ref.apiVersion ?? "";
    if (apiVersion.split("/").length > 2) return { error: `unexpected GroupVersion string: ${apiVersion}` };
    const { group } = parseApiVersion(apiVersion);
    const kind = ref.kind ?? "";
    const name = ref.name ?? "";
    const cached = scalable[`${group}/${kind}`];
    const rt = cached ? undefined : env.client.registry.byGroupKind(group, kind);
    if (!cached && !rt) return { error: `no matches for kind "${kind}" in group "${group}"` };
    if (rt && !rt.subresources.includes("scale"))
      return { error: "the server could not find the requested resource" };
    const obj = cached
      ? cached.get(namespace, name)
      : await env.client.get({
          apiVersion: `${group ? `${group}/` : ""}${rt!.version}`,
          kind,
          namespace,
          name,
        });
    if (!obj) {
      const plural = cached ? `${kind.toLowerCase()}s` : rt!.plural;
      return { error: errors.notFound({ group, resource: plural, name }).message };
    }
    const s = specOf<{ replicas?: number; selector?: unknown }>(obj);
    const sel = s.selector as Record<string, unknown> | undefined;
    let selector: LabelMatcher | undefined;
    if (sel && (sel.matchLabels || sel.matchExpressions)) selector = labelSelectorAsMatcher(sel);
    else if (sel && Object.keys(sel).length > 0) selector = selectorFromSet(sel as Record<string, string>);
    return { obj, replicas: s.replicas ?? 1, selector };
  };

  const reconcile = async (key: string): Promise<void> => {
    const { namespace = "", name } = splitKey(key);
    const hpa = cache.hpas.get(namespace, name);
    if (!hpa || isTerminating(hpa)) {
      histories.delete(key);
      return;
    }
    const nowMs = now();
    const at = rfc3339(nowMs);
    const spec = specOf<HpaSpec>(hpa);
    const old = statusOf<HpaStatus>(hpa);
    let conditions = [...(old.conditions ?? [])];
    const setCondition = (type: string, status: "True" | "False", reason: string, message: string) => {
      const i = conditions.findIndex((c) => c.type === type);
      const prev = i >= 0 ? conditions[i] : undefined;
      const next = {
        type,
        status,
        lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : at,
        reason,
        message,
      };
      conditions = i >= 0 ? conditions.with(i, next) : [...conditions, next];
    };
    const event = (type: "Normal" | "Warning", reason: string, message: string) =>
      recordEvent(env, hpa, COMPONENT, { type, reason, message });
    const status = (current: number, desired: number | undefined, metrics: unknown, lastScaleTime?: string) =>
      omitEmpty({
        lastScaleTime,
        currentReplicas: current || undefined,
        desiredReplicas: desired ?? 0,
        currentMetrics: metrics,
        conditions: conditions.length > 0 ? conditions : undefined,
      });

    const target = await scaleTarget(namespace, spec);
    if ("error" in target) {
      event("Warning", "FailedGetScale", target.error);
      setCondition(
        "AbleToScale",
        "False",
        "FailedGetScale",
        `the HPA controller was unable to get the target's current scale: ${target.error}`,
      );
      await writeStatus(env, hpa, omitEmpty({ ...old, conditions }));
      return;
    }
    setCondition(
      "AbleToScale",
      "True",
      "SucceededGetScale",
      "the HPA controller was able to get the target's current scale",
    );
    const history = histories.get(key) ?? newHistory();
    histories.set(key, history);
    const currentReplicas = target.replicas;
    recordInitial(history, currentReplicas, nowMs);
    const minReplicas = spec.minReplicas ?? 1;
    const maxReplicas = spec.maxReplicas ?? 0;
    let desired = 0;
    let reason = "";
    let rescale = true;
    let metricStatuses: Record<string, unknown>[] | undefined;

    if (currentReplicas === 0 && minReplicas !== 0) {
      rescale = false;
      setCondition(
        "ScalingActive",
        "False",
        "ScalingDisabled",
        "scaling is disabled since the replica count of the target is zero",
      );
    } else if (currentReplicas > maxReplicas) {
      reason = "Current number of replicas above Spec.MaxReplicas";
      desired = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      reason = "Current number of replicas below Spec.MinReplicas";
      desired = minReplicas;
    } else {
      if (!target.selector) {
        event("Warning", "SelectorRequired", "selector is required");
        setCondition(
          "ScalingActive",
          "False",
          "InvalidSelector",
          "the HPA target's scale is missing a selector",
        );
        await writeStatus(
          env,
          hpa,
          status(currentReplicas, old.desiredReplicas, undefined, old.lastScaleTime),
        );
        event("Warning", "FailedComputeMetricsReplicas", "selector is required");
        return;
      }
      const selector = target.selector;
      const outcome = replicasForMetrics({
        metrics: spec.metrics ?? [],
        namespace,
        specReplicas: currentReplicas,
        pods: cache.pods.list(namespace).filter((p) => selector.matches(p.metadata.labels)),
        usage: { ...usage, sharers: sharers(() => cache.pods.list(namespace), env.faults) },
        calculator: { ...DEFAULT_CALCULATOR, ...opts.calculator, nowMs },
        warn: (w) => event("Warning", w.reason, w.message),
      });
      metricStatuses = outcome.statuses;
      setCondition(
        outcome.condition.type,
        outcome.condition.status,
        outcome.condition.reason,
        outcome.condition.message,
      );
      if (outcome.replicas === -1) {
        await writeStatus(
          env,
          hpa,
          status(currentReplicas, old.desiredReplicas, metricStatuses, old.lastScaleTime),
        );
        event("Warning", "FailedComputeMetricsReplicas", outcome.error ?? "");
        return;
      }
      desired = outcome.replicas;
      if (desired > currentReplicas) reason = `${outcome.metric} above target`;
      if (desired < currentReplicas) reason = "All metrics below target";
      const bounds = { current: currentReplicas, desired, min: minReplicas, max: maxReplicas };
      const n = spec.behavior
        ? normalizeWithBehavior(history, spec.behavior, bounds, nowMs, DOWNSCALE_STABILIZATION_MS)
        : normalize(history, bounds, nowMs, DOWNSCALE_STABILIZATION_MS);
      setCondition("AbleToScale", "True", ...n.able);
      setCondition("ScalingLimited", ...n.limited);
      desired = n.replicas;
      rescale = desired !== currentReplicas;
    }

    let lastScaleTime = old.lastScaleTime;
    if (rescale) {
      try {
        await mutate(env, target.obj, (cur) => ({
          ...cur,
          spec: { ...specOf<object>(cur), replicas: desired },
        }));
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        event("Warning", "FailedRescale", `New size: ${desired}; reason: ${reason}; error: ${e.message}`);
        setCondition(
          "AbleToScale",
          "False",
          "FailedUpdateScale",
          `the HPA controller was unable to update the target scale: ${e.message}`,
        );
        await writeStatus(
          env,
          hpa,
          status(currentReplicas, old.desiredReplicas, metricStatuses, old.lastScaleTime),
        );
        return;
      }
      setCondition(
        "AbleToScale",
        "True",
        "SucceededRescale",
        `the HPA controller was able to update the target scale to ${desired}`,
      );
      event("Normal", "SuccessfulRescale", `New size: ${desired}; reason: ${reason}`);
      storeScaleEvent(history, spec.behavior, currentReplicas, desired, nowMs);
      lastScaleTime = at;
    } else desired = currentReplicas;
    await writeStatus(env, hpa, status(currentReplicas, desired, metricStatuses, lastScaleTime));
  };

  const queue = newQueue(env, "horizontal-pod-autoscaler", async (key) => {
    try {
      await reconcile(key);
    } finally {
      // Upstream requeues every HPA one sync period after each sync, whatever happened.
      if (cache.hpas.get(splitKey(key).namespace, splitKey(key).name)) queue.addAfter(key, syncPeriodMs);
    }
  });
  cache.hpas.on((hpa, old, deleted) => {
    const key = keyOf(hpa);
    if (deleted) histories.delete(key);
    // Our own status writes come back here; only a new HPA or a spec change needs a sync now.
    else if (!old || !isDeepStrictEqual(old.spec, hpa.spec)) queue.add(key);
  });
  return {
    name: "horizontal-pod-autoscaler",
    queue,
    reconcile,
    resync: () => {
      for (const hpa of cache.hpas.list()) queue.add(keyOf(hpa));
    },
  };
}

/** Leaves out what Go's omitempty would. */
function omitEmpty<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
