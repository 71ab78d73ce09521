// Pod update rules, as kube-apiserver's ValidatePodUpdate has them: what may change, the one
// Forbidden on spec for anything else, and the release-dependent wording.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { validateStatus } from "../../apiserver/validation/object.ts";
import { type Any, causesOf, edit, meta, rejected, stored, typeOf } from "./immutable-testing.ts";

// --- Pod ---------------------------------------------------------------------------------------

const pod = (): Any => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: meta("p", { labels: { app: "p" } }),
  spec: { containers: [{ name: "web", image: "nginx:1.25" }] },
});
const POD_FIELDS =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

test("Pod: images, labels, annotations and added tolerations may change", () => {
  const rt = typeOf("", "Pod");
  const old = stored(rt, pod());
  const next = edit(old, (p) => {
    p.spec.containers[0].image = "nginx:1.27";
    p.metadata.labels.tier = "web";
    p.metadata.annotations = { note: "x" };
    p.spec.tolerations.push({ key: "gpu", operator: "Exists", effect: "NoSchedule" });
    p.spec.tolerations[0].tolerationSeconds = 60;
    p.spec.activeDeadlineSeconds = 600;
  });
  assert.deepEqual(causesOf(rt, next, old), []);
});

test("Pod: any other spec change is one Forbidden on spec, with the diff", () => {
  const rt = typeOf("", "Pod");
  const old = stored(rt, pod());
  const err = rejected(
    rt,
    edit(old, (p) => (p.spec.nodeName = "node-1")),
    old,
  );
  const [cause] = err.details?.causes ?? [];
  assert.equal(cause.reason, "FieldValueForbidden");
  assert.equal(cause.field, "spec");
  assert.ok(cause.message.startsWith(`Forbidden: ${POD_FIELDS}\n  core.PodSpec{\n`), cause.message);
  assert.match(cause.message, /- \tNodeName: nil,\n\+ \tNodeName: "node-1",/);
  assert.ok(err.message.startsWith(`Pod "p" is invalid: spec: Forbidden: ${POD_FIELDS}\n`));
  for (const change of [
    (p: Any) => (p.spec.containers[0].command = ["sh"]),
    (p: Any) => (p.spec.restartPolicy = "Never"),
    (p: Any) => (p.spec.serviceAccountName = "other"),
  ])
    assert.deepEqual(
      causesOf(rt, edit(old, change), old).map((c) => c.field),
      ["spec"],
    );
});

test("Pod: before 1.27 the updatable fields were listed with 'or'", () => {
  const rt = typeOf("", "Pod", "v1.26.15");
  const old = stored(rt, pod());
  const [cause] = causesOf(
    rt,
    edit(old, (p) => (p.spec.hostname = "h")),
    old,
  );
  assert.ok(
    cause.message.startsWith(
      "Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations) or `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n",
    ),
    cause.message,
  );
});

test("Pod: containers may not be added or removed", () => {
  const rt = typeOf("", "Pod");
  const old = stored(rt, pod());
  const next = edit(old, (p) => p.spec.containers.push({ name: "side", image: "busybox" }));
  assert.deepEqual(causesOf(rt, next, old), [
    {
      reason: "FieldValueForbidden",
      field: "spec.containers",
      message: "Forbidden: pod updates may not add or remove containers",
    },
  ]);
});

test("Pod: activeDeadlineSeconds may only be set or lowered; tolerations only added to", () => {
  const rt = typeOf("", "Pod");
  const old = stored(
    rt,
    edit(pod(), (p) => (p.spec.activeDeadlineSeconds = 100)),
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (p) => (p.spec.activeDeadlineSeconds = 200)),
      old,
    ),
    [
      {
        reason: "FieldValueInvalid",
        field: "spec.activeDeadlineSeconds",
        message: "Invalid value: 200: must be less than or equal to previous value",
      },
    ],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (p) => delete p.spec.activeDeadlineSeconds),
      old,
    ),
    [
      {
        reason: "FieldValueInvalid",
        field: "spec.activeDeadlineSeconds",
        message: 'Invalid value: "null": must not update from a positive integer to nil value',
      },
    ],
  );
  const withGpu = stored(
    rt,
    edit(pod(), (p) => (p.spec.tolerations = [{ key: "gpu", operator: "Exists" }])),
  );
  const changed = edit(withGpu, (p) => (p.spec.tolerations[0].effect = "NoSchedule"));
  assert.deepEqual(causesOf(rt, changed, withGpu), [
    {
      reason: "FieldValueForbidden",
      field: "spec.tolerations",
      message: "Forbidden: existing toleration can not be modified except its tolerationSeconds",
    },
  ]);
});

test("Pod: scheduling gates may only be removed; a gated pod may gain nodeSelector entries", () => {
  const rt = typeOf("", "Pod");
  const gated = stored(
    rt,
    edit(pod(), (p) => {
      p.spec.schedulingGates = [{ name: "wait" }];
      p.spec.nodeSelector = { zone: "a" };
    }),
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(gated, (p) => (p.spec.schedulingGates = [])),
      gated,
    ),
    [],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(gated, (p) => (p.spec.nodeSelector.disk = "ssd")),
      gated,
    ),
    [],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(gated, (p) => p.spec.schedulingGates.push({ name: "more" })),
      gated,
    ),
    [
      {
        reason: "FieldValueForbidden",
        field: "spec.schedulingGates[1].name",
        message: "Forbidden: only deletion is allowed, but found new scheduling gate 'more'",
      },
    ],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(gated, (p) => (p.spec.nodeSelector = { zone: "b" })),
      gated,
    ),
    [
      {
        reason: "FieldValueInvalid",
        field: "spec.nodeSelector",
        message:
          'Invalid value: map[string]string{"zone":"b"}: only additions to spec.nodeSelector are allowed (no mutations or deletions)',
      },
    ],
  );
});

test("Pod: terminationGracePeriodSeconds may go from negative to 1, and nowhere else", () => {
  const rt = typeOf("", "Pod");
  const old = stored(
    rt,
    edit(pod(), (p) => (p.spec.terminationGracePeriodSeconds = -1)),
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (p) => (p.spec.terminationGracePeriodSeconds = 1)),
      old,
    ),
    [],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (p) => (p.spec.terminationGracePeriodSeconds = 5)),
      old,
    ).map((c) => c.field),
    ["spec"],
  );
});

test("Pod: a /status write is never a spec change", () => {
  const rt = typeOf("", "Pod");
  const old = stored(rt, { ...pod(), spec: { ...pod().spec, nodeName: "node-1" } });
  const next = { ...old, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } };
  assert.doesNotThrow(() => validateStatus(rt, next as KubeObject, old as KubeObject));
});
