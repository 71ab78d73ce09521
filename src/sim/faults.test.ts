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
    cpuLoad: {},
    memoryLoad: {},
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
    [{ cpuLoad: 0.5 }, /cpuLoad must be an object of "namespace\/name" \(or "\*"\)/],
    [{ cpuLoad: { web: 0.5 } }, /cpuLoad keys are "namespace\/name" or "\*", got "web"/],
    [{ cpuLoad: { "default/web": "high" } }, /cpuLoad\["default\/web"\] must be a number from 0 to 100/],
    [{ memoryLoad: { "*": -0.1 } }, /memoryLoad\["\*"\] must be a number from 0 to 100/],
    [
      { cpuLoad: { "a/b": { pods: 2 } } },
      /cpuLoad\["a\/b"\] must be a fraction of the request or \{"total": pods' worth\}/,
    ],
    [{ cpuLoad: { "a/b": { total: -1 } } }, /cpuLoad\["a\/b"\]\.total must be a number from 0 to 100000/],
  ];
  for (const [body, re] of bad)
    assert.throws(
      () => parseFaultPatch(body),
      (e: Error) => e instanceof FaultError && re.test(e.message),
    );
  assert.throws(() => applyFaultPatch(noFaults(), { nodesNotReady: ["nope"] }, nodes), /no node named nope/);
});

test("cpuLoad and memoryLoad replace their maps in place and read back sorted", () => {
  const f = noFaults();
  const held = f.cpuLoad;
  applyFaultPatch(f, parseFaultPatch({ cpuLoad: { "shop/web": 0.9, "*": 0.2, "a/b": 1.5 } }), nodes);
  assert.equal(f.cpuLoad, held, "the usage model keeps seeing the same Map");
  assert.deepEqual(Object.keys(faultsJson(f).cpuLoad), ["*", "a/b", "shop/web"]);
  assert.equal(f.cpuLoad.get("shop/web"), 0.9);
  applyFaultPatch(f, parseFaultPatch({ memoryLoad: { "shop/web": 0.7 } }), nodes);
  assert.deepEqual(
    faultsJson(f).cpuLoad,
    { "*": 0.2, "a/b": 1.5, "shop/web": 0.9 },
    "memory leaves cpu alone",
  );
  applyFaultPatch(f, parseFaultPatch({ cpuLoad: { "shop/api": { total: 2.4 } } }), nodes);
  assert.deepEqual(faultsJson(f).cpuLoad, { "shop/api": { total: 2.4 } });
  applyFaultPatch(f, parseFaultPatch({ cpuLoad: {} }), nodes);
  assert.equal(f.cpuLoad.size, 0);
  assert.deepEqual(faultsJson(f).memoryLoad, { "shop/web": 0.7 });
});
