import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Taint } from "./cluster-view.ts";
import { formatTaint, judgeTaints, toleratesTaint } from "./tolerations.ts";

const gpu: Taint = { key: "gpu", value: "true", effect: "NoSchedule" };
const maint: Taint = { key: "maintenance", effect: "NoExecute", timeAdded: 1_000_000 };

describe("toleration semantics (Kubernetes)", () => {
  it("Equal (the default) needs the key and value; an absent value equals an empty one", () => {
    assert.equal(toleratesTaint({ key: "gpu", value: "true" }, gpu), true);
    assert.equal(toleratesTaint({ key: "gpu", operator: "Equal", value: "false" }, gpu), false);
    assert.equal(toleratesTaint({ key: "gpu" }, gpu), false);
    assert.equal(toleratesTaint({ key: "maintenance" }, maint), true);
    assert.equal(toleratesTaint({ key: "maintenance", value: "" }, maint), true);
    assert.equal(toleratesTaint({ key: "other", value: "true" }, gpu), false);
  });

  it("Exists needs only the key; an empty key with Exists tolerates everything", () => {
    assert.equal(toleratesTaint({ key: "gpu", operator: "Exists" }, gpu), true);
    assert.equal(toleratesTaint({ operator: "Exists" }, gpu), true);
    assert.equal(toleratesTaint({ operator: "Exists" }, maint), true);
    assert.equal(toleratesTaint({ key: "", operator: "Equal" }, gpu), false);
  });

  it("an effect must match unless the toleration leaves it empty", () => {
    assert.equal(toleratesTaint({ key: "gpu", operator: "Exists", effect: "NoSchedule" }, gpu), true);
    assert.equal(toleratesTaint({ key: "gpu", operator: "Exists", effect: "NoExecute" }, gpu), false);
    assert.equal(toleratesTaint({ operator: "Exists", effect: "NoExecute" }, maint), true);
    assert.equal(toleratesTaint({ operator: "Exists", effect: "NoExecute" }, gpu), false);
  });
});

describe("judging a cluster's taints", () => {
  const now = 2_000_000;

  it("NoSchedule keeps new placements off but leaves placed ones; NoExecute removes both", () => {
    assert.deepEqual(judgeTaints([gpu], [], { placed: false, now }), { untolerated: gpu });
    assert.deepEqual(judgeTaints([gpu], [], { placed: true, now }), {});
    assert.deepEqual(judgeTaints([maint], [], { placed: true, now }), { untolerated: maint });
    assert.deepEqual(judgeTaints([gpu, maint], [{ operator: "Exists" }], { placed: false, now }), {});
  });

  it("PreferNoSchedule filters nothing", () => {
    assert.deepEqual(
      judgeTaints([{ key: "slow", effect: "PreferNoSchedule" }], [], { placed: false, now }),
      {},
    );
  });

  it("a NoExecute toleration with tolerationSeconds lasts that long after the taint was added", () => {
    const tol = [{ key: "maintenance", operator: "Exists" as const, tolerationSeconds: 600 }];
    assert.deepEqual(judgeTaints([maint], tol, { placed: true, now: 1_000_000 + 599_000 }), {
      expiresAt: 1_600_000,
    });
    assert.deepEqual(judgeTaints([maint], tol, { placed: true, now: 1_600_000 }), { untolerated: maint });
    // The longest matching toleration applies; one without tolerationSeconds is forever.
    assert.deepEqual(
      judgeTaints(
        [maint],
        [...tol, { key: "maintenance", operator: "Exists" as const, tolerationSeconds: 1200 }],
        { placed: true, now: 1_700_000 },
      ),
      { expiresAt: 2_200_000 },
    );
    assert.deepEqual(
      judgeTaints([maint], [...tol, { operator: "Exists" as const }], { placed: true, now: 9e12 }),
      {},
    );
  });

  it("prints taints as kubectl does", () => {
    assert.equal(formatTaint(gpu), "{gpu=true:NoSchedule}");
    assert.equal(formatTaint(maint), "{maintenance:NoExecute}");
  });
});
