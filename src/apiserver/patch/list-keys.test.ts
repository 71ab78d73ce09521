import assert from "node:assert/strict";
import { test } from "node:test";
import { isAlwaysPresent, isAtomicStruct, smpListMeta, ssaListType } from "./list-keys.ts";

const path = (p: string) => p.split(".");

test("containers are keyed by name wherever a pod spec sits", () => {
  for (const p of [
    "spec.containers",
    "spec.template.spec.containers",
    "spec.template.spec.initContainers",
    "spec.jobTemplate.spec.template.spec.containers",
    "template.spec.ephemeralContainers",
  ]) {
    assert.deepEqual(ssaListType(path(p)), { type: "map", keys: ["name"], defaults: {} }, p);
    assert.deepEqual(smpListMeta(path(p)), { strategy: "merge", mergeKey: "name" }, p);
  }
});

test("container ports: SMP merges by containerPort, SSA keys by containerPort+protocol (default TCP)", () => {
  const p = path("spec.template.spec.containers.ports");
  assert.deepEqual(smpListMeta(p), { strategy: "merge", mergeKey: "containerPort" });
  assert.deepEqual(ssaListType(p), {
    type: "map",
    keys: ["containerPort", "protocol"],
    defaults: { protocol: "TCP" },
  });
  assert.deepEqual(ssaListType(path("spec.ports")), {
    type: "map",
    keys: ["port", "protocol"],
    defaults: { protocol: "TCP" },
  });
  assert.equal(smpListMeta(path("spec.ports")).mergeKey, "port");
});

test("other pod-level and container-level lists", () => {
  assert.equal(smpListMeta(path("spec.template.spec.containers.env")).mergeKey, "name");
  assert.equal(smpListMeta(path("spec.template.spec.containers.volumeMounts")).mergeKey, "mountPath");
  assert.equal(smpListMeta(path("spec.template.spec.volumes")).mergeKey, "name");
  assert.equal(smpListMeta(path("spec.template.spec.imagePullSecrets")).mergeKey, "name");
  assert.equal(smpListMeta(path("spec.template.spec.hostAliases")).mergeKey, "ip");
  assert.deepEqual(ssaListType(path("spec.template.spec.topologySpreadConstraints")), {
    type: "map",
    keys: ["topologyKey", "whenUnsatisfiable"],
    defaults: {},
  });
  assert.deepEqual(ssaListType(path("spec.template.spec.tolerations")), { type: "atomic" });
  assert.deepEqual(smpListMeta(path("spec.template.spec.tolerations")), { strategy: "replace" });
  assert.deepEqual(ssaListType(path("spec.template.spec.containers.args")), { type: "atomic" });
});

test("metadata lists and conditions hold for custom resources too; built-in lists do not", () => {
  const cr = { builtin: false };
  assert.deepEqual(ssaListType(path("metadata.finalizers"), cr), { type: "set" });
  assert.deepEqual(smpListMeta(path("metadata.finalizers")), { strategy: "merge" });
  assert.deepEqual(ssaListType(path("metadata.ownerReferences"), cr), {
    type: "map",
    keys: ["uid"],
    defaults: {},
  });
  assert.deepEqual(ssaListType(path("status.conditions"), cr), { type: "map", keys: ["type"], defaults: {} });
  assert.deepEqual(ssaListType(path("spec.template.spec.containers"), cr), { type: "atomic" });
  assert.deepEqual(ssaListType(path("spec.whatever")), { type: "atomic" });
});

test("atomic structs and always-present struct fields", () => {
  assert.equal(isAtomicStruct(path("spec.selector")), true);
  assert.equal(isAtomicStruct(path("spec.template.spec.affinity.podAffinity.x.labelSelector")), true);
  assert.equal(isAtomicStruct(path("spec.template.spec.containers.env.valueFrom.secretKeyRef")), true);
  assert.equal(
    isAtomicStruct(
      path("spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
    ),
    true,
  );
  assert.equal(
    isAtomicStruct(
      path("spec.template.spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
    ),
    false,
  );
  assert.equal(isAtomicStruct(path("spec.selector"), { builtin: false }), false);
  assert.equal(isAtomicStruct(path("metadata.labels")), false);
  assert.equal(isAlwaysPresent(path("spec.template.spec")), true);
  assert.equal(isAlwaysPresent(path("metadata.labels")), false);
  assert.equal(isAlwaysPresent(path("spec"), { builtin: false }), false);
});
