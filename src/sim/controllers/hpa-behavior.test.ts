// Stabilization and scaling limits of the HPA controller, on an explicit clock: the default
// 5-minute scale-down window, spec.behavior windows and policies, min/max and the conditions
// they name.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type Behavior,
  newHistory,
  normalize,
  normalizeWithBehavior,
  recordInitial,
  storeScaleEvent,
} from "./hpa-behavior.ts";

const T0 = 1_000_000;
const WINDOW = 300_000;
const bounds = (current: number, desired: number, min = 1, max = 10) => ({ current, desired, min, max });

test("without behavior a scale-down waits for the highest recommendation of the last 5 minutes", () => {
  const h = newHistory();
  recordInitial(h, 5, T0);
  const early = normalize(h, bounds(5, 2), T0 + 60_000, WINDOW);
  assert.equal(early.replicas, 5);
  assert.deepEqual(early.able, [
    "ScaleDownStabilized",
    "recent recommendations were higher than current one, applying the highest recent recommendation",
  ]);
  assert.deepEqual(early.limited, [
    "False",
    "DesiredWithinRange",
    "the desired count is within the acceptable range",
  ]);
  assert.equal(normalize(h, bounds(5, 2), T0 + 200_000, WINDOW).replicas, 5);
  const late = normalize(h, bounds(5, 2), T0 + 301_000, WINDOW);
  assert.equal(late.replicas, 2, "the initial 5 fell out of the window");
  assert.deepEqual(late.able, ["ReadyForNewScale", "recommended size matches current size"]);
  assert.ok(h.recommendations.length <= 3, "old samples are reused, not piled up");
});

test("without behavior: at most max(2 × current, 4), and within min/max", () => {
  const up = normalize(newHistory(), bounds(2, 20, 1, 30), T0, WINDOW);
  assert.equal(up.replicas, 4);
  assert.deepEqual(up.limited, [
    "True",
    "ScaleUpLimit",
    "the desired replica count is increasing faster than the maximum scale rate",
  ]);
  const max = normalize(newHistory(), bounds(8, 40, 1, 10), T0, WINDOW);
  assert.equal(max.replicas, 10);
  assert.deepEqual(max.limited, [
    "True",
    "TooManyReplicas",
    "the desired replica count is more than the maximum replica count",
  ]);
  const min = normalize(newHistory(), bounds(3, 1, 2, 10), T0, WINDOW);
  assert.equal(min.replicas, 2);
  assert.deepEqual(min.limited, [
    "True",
    "TooFewReplicas",
    "the desired replica count is less than the minimum replica count",
  ]);
});

test("spec.behavior: a zero scale-down window scales down at once; an absent one is 5 minutes", () => {
  const now: Behavior = { scaleDown: { stabilizationWindowSeconds: 0 } };
  const h = newHistory();
  recordInitial(h, 6, T0);
  assert.equal(normalizeWithBehavior(h, now, bounds(6, 2), T0 + 1000, WINDOW).replicas, 2);
  const h2 = newHistory();
  recordInitial(h2, 6, T0);
  const held = normalizeWithBehavior(h2, {}, bounds(6, 2), T0 + 1000, WINDOW);
  assert.equal(held.replicas, 6);
  assert.equal(held.able[0], "ScaleDownStabilized");
});

test("spec.behavior: a scale-up window applies the lowest recent recommendation", () => {
  const slow: Behavior = { scaleUp: { stabilizationWindowSeconds: 120 } };
  const h = newHistory();
  recordInitial(h, 2, T0);
  const r = normalizeWithBehavior(h, slow, bounds(2, 6), T0 + 60_000, WINDOW);
  assert.equal(r.replicas, 2);
  assert.deepEqual(r.able, [
    "ScaleUpStabilized",
    "recent recommendations were lower than current one, applying the lowest recent recommendation",
  ]);
  assert.equal(normalizeWithBehavior(h, slow, bounds(2, 6), T0 + 121_000, WINDOW).replicas, 6);
});

test("spec.behavior policies limit the rate, counting this period's scale events", () => {
  const b: Behavior = {
    scaleUp: { policies: [{ type: "Pods", value: 2, periodSeconds: 60 }] },
    scaleDown: {
      stabilizationWindowSeconds: 0,
      policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
    },
  };
  const h = newHistory();
  const first = normalizeWithBehavior(h, b, bounds(2, 9), T0, WINDOW);
  assert.equal(first.replicas, 4);
  assert.deepEqual(first.limited, [
    "True",
    "ScaleUpLimit",
    "the desired replica count is increasing faster than the maximum scale rate",
  ]);
  storeScaleEvent(h, b, 2, 4, T0);
  assert.equal(
    normalizeWithBehavior(h, b, bounds(4, 9), T0 + 30_000, WINDOW).replicas,
    4,
    "2 pods this minute",
  );
  assert.equal(normalizeWithBehavior(h, b, bounds(4, 9), T0 + 61_000, WINDOW).replicas, 6, "a new minute");
  const down = normalizeWithBehavior(newHistory(), b, bounds(8, 1), T0, WINDOW);
  assert.equal(down.replicas, 4);
  assert.equal(down.limited[1], "ScaleDownLimit");
  const disabled = normalizeWithBehavior(
    newHistory(),
    { scaleDown: { selectPolicy: "Disabled" } },
    bounds(8, 1),
    T0,
    WINDOW,
  );
  assert.equal(disabled.replicas, 8);
});

test("spec.behavior still bounds by minReplicas and maxReplicas", () => {
  const b: Behavior = { scaleDown: { stabilizationWindowSeconds: 0 } };
  assert.deepEqual(
    normalizeWithBehavior(newHistory(), b, bounds(4, 1, 3, 10), T0, WINDOW).limited[1],
    "TooFewReplicas",
  );
  const max = normalizeWithBehavior(newHistory(), b, bounds(8, 30, 1, 10), T0, WINDOW);
  assert.equal(max.replicas, 10);
  assert.equal(max.limited[1], "TooManyReplicas");
});
