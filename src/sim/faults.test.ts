// Fault patches: validation of the control API's JSON and in-place application.
import assert from "node:assert/strict";
import { test } from "node:test";
import { noFaults } from "./context.ts";
import { applyFaultPatch, FaultError, faultsJson, parseFaultPatch } from "./faults.ts";

const nodes = ["c-control-plane", "c-worker", "c-worker2", "c-worker3"];

test("a patch changes only what it names; sets are replaced in place", () => {
  const f = noFaults();
  const held = f.nodesNotReady;
  applyFaultPatch(f, parseFaultPatch({ nodesNotReady: 2, apiLatencyMs: 200 }), nodes);
  assert.equal(f.nodesNotReady, held, "controllers keep seeing the same Set");
  assert.deepEqual(faultsJson(f).nodesNotReady, ["c-worker2", "c-worker3"]);
  applyFaultPatch(f, parseFaultPatch({ crashLoop: ["default/web"], appErrorRate: 0.2 }), nodes);
  assert.deepEqual(faultsJson(f), {
    offline: false,
    apiLatencyMs: 200,
    nodesNotReady: ["c-worker2", "c-worker3"],
    crashLoop: ["default/web"],
    appErrorRate: 0.2,
    appP99LatencyMs: 50,
  });
  applyFaultPatch(f, { nodesNotReady: ["c-worker"] }, nodes);
  assert.deepEqual([...f.nodesNotReady], ["c-worker"]);
  applyFaultPatch(f, { nodesNotReady: 99 }, nodes);
  assert.equal(f.nodesNotReady.size, 4, "a count larger than the cluster takes every node");
});

test("bad input is a FaultError naming the field", () => {
  const bad: [unknown, RegExp][] = [
    [[], /JSON object/],
    [{ offline: "yes" }, /offline must be true or false/],
    [{ apiLatencyMs: -1 }, /apiLatencyMs must be a number/],
    [{ appErrorRate: 1.5 }, /appErrorRate must be a number from 0 to 1/],
    [{ crashLoop: ["web"] }, /namespace\/name/],
    [{ nodesNotReady: [1] }, /list of names/],
    [{ partition: true }, /unknown fault partition/],
  ];
  for (const [body, re] of bad)
    assert.throws(
      () => parseFaultPatch(body),
      (e: Error) => e instanceof FaultError && re.test(e.message),
    );
  assert.throws(() => applyFaultPatch(noFaults(), { nodesNotReady: ["nope"] }, nodes), /no node named nope/);
});
