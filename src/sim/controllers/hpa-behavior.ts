// How the HPA controller turns a metric's proposal into the replica count it sets
// (horizontal.go normalizeDesiredReplicas / ...WithBehaviors): recommendations are remembered
// per HPA and stabilized (a scale-down only to the highest recommendation of the last window,
// 300 s unless spec.behavior.scaleDown says otherwise; with spec.behavior a scale-up likewise to
// the lowest of its window), then bounded by minReplicas / maxReplicas and the scaling rate
// (without behavior: at most max(2 × current, 4); with it: the policies over their periods,
// counting the scale events of each period). The outcome names the AbleToScale and
// ScalingLimited conditions with upstream's reasons and messages.

export interface Recommendation {
  replicas: number;
  atMs: number;
}

export interface ScaleEvent {
  change: number;
  atMs: number;
  outdated: boolean;
}

/** What the controller remembers of one HPA between syncs (forgotten when it is deleted). */
export interface HpaHistory {
  recommendations: Recommendation[];
  scaleUp: ScaleEvent[];
  scaleDown: ScaleEvent[];
}

export const newHistory = (): HpaHistory => ({ recommendations: [], scaleUp: [], scaleDown: [] });

export interface ScalingPolicy {
  type: "Pods" | "Percent";
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: "Max" | "Min" | "Disabled";
  policies?: ScalingPolicy[];
}

export interface Behavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

export interface Bounds {
  current: number;
  desired: number;
  min: number;
  max: number;
}

export interface Normalized {
  replicas: number;
  /** AbleToScale (True) reason and message. */
  able: [reason: string, message: string];
  /** ScalingLimited status, reason and message. */
  limited: [status: "True" | "False", reason: string, message: string];
}

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;
const READY: [string, string] = ["ReadyForNewScale", "recommended size matches current size"];
const WITHIN: [string, string] = ["DesiredWithinRange", "the desired count is within the acceptable range"];
const DOWN_STABILIZED: [string, string] = [
  "ScaleDownStabilized",
  "recent recommendations were higher than current one, applying the highest recent recommendation",
];
const UP_STABILIZED: [string, string] = [
  "ScaleUpStabilized",
  "recent recommendations were lower than current one, applying the lowest recent recommendation",
];
const TOO_FEW: [string, string] = [
  "TooFewReplicas",
  "the desired replica count is less than the minimum replica count",
];
const TOO_MANY: [string, string] = [
  "TooManyReplicas",
  "the desired replica count is more than the maximum replica count",
];
const UP_LIMIT: [string, string] = [
  "ScaleUpLimit",
  "the desired replica count is increasing faster than the maximum scale rate",
];
const DOWN_LIMIT: [string, string] = [
  "ScaleDownLimit",
  "the desired replica count is decreasing faster than the maximum scale rate",
];

/** GenerateHPAScaleUpRules / ...ScaleDownRules: what the user left out of spec.behavior. */
export function withDefaults(b: Behavior, downscaleWindowSeconds: number): Required<Behavior> {
  const up = b.scaleUp ?? {};
  const down = b.scaleDown ?? {};
  return {
    scaleUp: {
      stabilizationWindowSeconds: up.stabilizationWindowSeconds ?? 0,
      selectPolicy: up.selectPolicy ?? "Max",
      policies: up.policies ?? [
        { type: "Pods", value: 4, periodSeconds: 15 },
        { type: "Percent", value: 100, periodSeconds: 15 },
      ],
    },
    scaleDown: {
      stabilizationWindowSeconds: down.stabilizationWindowSeconds ?? downscaleWindowSeconds,
      selectPolicy: down.selectPolicy ?? "Max",
      policies: down.policies ?? [{ type: "Percent", value: 100, periodSeconds: 15 }],
    },
  };
}

/** recordInitialRecommendation: the current size is the first recommendation. */
export function recordInitial(h: HpaHistory, current: number, nowMs: number): void {
  if (h.recommendations.length === 0) h.recommendations.push({ replicas: current, atMs: nowMs });
}

/** Records a recommendation, reusing the slot of one older than every window. */
function remember(h: HpaHistory, replicas: number, nowMs: number, oldIndex: number): void {
  if (oldIndex >= 0) h.recommendations[oldIndex] = { replicas, atMs: nowMs };
  else h.recommendations.push({ replicas, atMs: nowMs });
}

/** normalizeDesiredReplicas: the HPA has no spec.behavior. */
export function normalize(h: HpaHistory, b: Bounds, nowMs: number, downscaleWindowMs: number): Normalized {
  const cutoff = nowMs - downscaleWindowMs;
  let stabilized = b.desired;
  let old = -1;
  h.recommendations.forEach((r, i) => {
    if (r.atMs < cutoff) old = i;
    else if (r.replicas > stabilized) stabilized = r.replicas;
  });
  remember(h, b.desired, nowMs, old);
  const able = stabilized !== b.desired ? DOWN_STABILIZED : READY;
  // convertDesiredReplicasWithRules
  const scaleUpLimit = Math.max(SCALE_UP_LIMIT_FACTOR * b.current, SCALE_UP_LIMIT_MINIMUM);
  const [maxAllowed, overMax] = b.max > scaleUpLimit ? [scaleUpLimit, UP_LIMIT] : [b.max, TOO_MANY];
  let replicas = stabilized;
  let why = WITHIN;
  if (stabilized < b.min) [replicas, why] = [b.min, TOO_FEW];
  else if (stabilized > maxAllowed) [replicas, why] = [maxAllowed, overMax];
  return { replicas, able, limited: [replicas === stabilized ? "False" : "True", ...why] };
}

/** normalizeDesiredReplicasWithBehaviors. */
export function normalizeWithBehavior(
  h: HpaHistory,
  behavior: Behavior,
  b: Bounds,
  nowMs: number,
  downscaleWindowMs: number,
): Normalized {
  const rules = withDefaults(behavior, Math.round(downscaleWindowMs / 1000));
  // stabilizeRecommendationWithBehaviors
  const upCutoff = nowMs - (rules.scaleUp.stabilizationWindowSeconds ?? 0) * 1000;
  const downCutoff = nowMs - (rules.scaleDown.stabilizationWindowSeconds ?? 0) * 1000;
  let up = b.desired;
  let down = b.desired;
  let old = -1;
  h.recommendations.forEach((r, i) => {
    if (r.atMs > upCutoff) up = Math.min(r.replicas, up);
    if (r.atMs > downCutoff) down = Math.max(r.replicas, down);
    if (r.atMs < upCutoff && r.atMs < downCutoff) old = i;
  });
  const stabilized = Math.min(Math.max(b.current, up), down);
  remember(h, b.desired, nowMs, old);
  const able = stabilized === b.desired ? READY : b.desired >= b.current ? UP_STABILIZED : DOWN_STABILIZED;
  // convertDesiredReplicasWithBehaviorRate
  let replicas = stabilized;
  let why = WITHIN;
  if (stabilized > b.current) {
    const limit = Math.max(scaleUpLimit(b.current, h, rules.scaleUp, nowMs), b.current);
    const [maxAllowed, over] = b.max > limit ? [limit, UP_LIMIT] : [b.max, TOO_MANY];
    if (stabilized > maxAllowed) [replicas, why] = [maxAllowed, over];
  } else if (stabilized < b.current) {
    const limit = Math.min(scaleDownLimit(b.current, h, rules.scaleDown, nowMs), b.current);
    const [minAllowed, under] = b.min < limit ? [limit, DOWN_LIMIT] : [b.min, TOO_FEW];
    if (stabilized < minAllowed) [replicas, why] = [minAllowed, under];
  }
  return { replicas, able, limited: [replicas === stabilized ? "False" : "True", ...why] };
}

/** getReplicasChangePerPeriod. */
function changeIn(periodSeconds: number, events: ScaleEvent[], nowMs: number): number {
  const cutoff = nowMs - periodSeconds * 1000;
  let sum = 0;
  for (const e of events) if (e.atMs > cutoff) sum += e.change;
  return sum;
}

/** calculateScaleUpLimitWithScalingRules. */
function scaleUpLimit(current: number, h: HpaHistory, r: ScalingRules, nowMs: number): number {
  if (r.selectPolicy === "Disabled") return current;
  const pick = r.selectPolicy === "Min" ? Math.min : Math.max;
  let result = r.selectPolicy === "Min" ? INT32_MAX : INT32_MIN;
  for (const p of r.policies ?? []) {
    const start =
      current - changeIn(p.periodSeconds, h.scaleUp, nowMs) + changeIn(p.periodSeconds, h.scaleDown, nowMs);
    const proposed = p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors. */
function scaleDownLimit(current: number, h: HpaHistory, r: ScalingRules, nowMs: number): number {
  if (r.selectPolicy === "Disabled") return current;
  const pick = r.selectPolicy === "Min" ? Math.max : Math.min;
  let result = r.selectPolicy === "Min" ? INT32_MIN : INT32_MAX;
  for (const p of r.policies ?? []) {
    const start =
      current - changeIn(p.periodSeconds, h.scaleUp, nowMs) + changeIn(p.periodSeconds, h.scaleDown, nowMs);
    const proposed = p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** storeScaleEvent: only HPAs with spec.behavior count their scale events. */
export function storeScaleEvent(
  h: HpaHistory,
  behavior: Behavior | undefined,
  previous: number,
  next: number,
  nowMs: number,
): void {
  if (!behavior) return;
  const rules = withDefaults(behavior, 0);
  const [events, r, change] =
    next > previous
      ? [h.scaleUp, rules.scaleUp, next - previous]
      : [h.scaleDown, rules.scaleDown, previous - next];
  const longest = Math.max(0, ...(r.policies ?? []).map((p) => p.periodSeconds)) * 1000;
  for (const e of events) if (e.atMs < nowMs - longest) e.outdated = true;
  const slot = events.findIndex((e) => e.outdated);
  const event = { change, atMs: nowMs, outdated: false };
  if (slot >= 0) events[slot] = event;
  else events.push(event);
}
