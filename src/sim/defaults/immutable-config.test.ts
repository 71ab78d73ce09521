// Immutable-field update rules of configuration and storage (ConfigMap, Secret,
// PersistentVolumeClaim, RoleBinding/ClusterRoleBinding, StorageClass), as kube-apiserver has them.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ResourceType } from "../../apiserver/resources/resource-type.ts";
import { type Any, causesOf, edit, meta, rejected, stored, typeOf } from "./immutable-testing.ts";

// --- ConfigMap, Secret -------------------------------------------------------------------------

const WHEN_IMMUTABLE = "Forbidden: field is immutable when `immutable` is set";

test("ConfigMap: immutable data, binaryData and immutable itself", () => {
  const rt = typeOf("", "ConfigMap");
  const old = stored(rt, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta("cfg"),
    data: { a: "1" },
    immutable: true,
  });
  const err = rejected(
    rt,
    edit(old, (c) => (c.data.a = "2")),
    old,
  );
  assert.equal(
    err.message,
    'ConfigMap "cfg" is invalid: data: Forbidden: field is immutable when `immutable` is set',
  );
  assert.deepEqual(err.details?.causes, [
    { reason: "FieldValueForbidden", field: "data", message: WHEN_IMMUTABLE },
  ]);
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (c) => (c.binaryData = { b: "AA==" })),
      old,
    ).map((c) => c.field),
    ["binaryData"],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (c) => delete c.immutable),
      old,
    ),
    [{ reason: "FieldValueForbidden", field: "immutable", message: WHEN_IMMUTABLE }],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (c) => (c.data.extra = "")),
      old,
    ).map((c) => c.field),
    ["data"],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (c) => (c.metadata.labels = { a: "b" })),
      old,
    ),
    [],
  );
});

test("ConfigMap: a mutable one may change, and may become immutable", () => {
  const rt = typeOf("", "ConfigMap");
  const old = stored(rt, { apiVersion: "v1", kind: "ConfigMap", metadata: meta("cfg"), data: { a: "1" } });
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (c) => (c.data.a = "2")),
      old,
    ),
    [],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (c) => (c.immutable = true)),
      old,
    ),
    [],
  );
});

test("Secret: type is immutable; an immutable Secret keeps its data, stringData included", () => {
  const rt = typeOf("", "Secret");
  const old = stored(rt, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta("s"),
    stringData: { password: "hunter2" },
    immutable: true,
  });
  assert.deepEqual(old.data, { password: Buffer.from("hunter2").toString("base64") });
  assert.equal(old.stringData, undefined, "stringData is folded into data, never stored");
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (s) => (s.type = "kubernetes.io/basic-auth")),
      old,
    )[0],
    {
      reason: "FieldValueInvalid",
      field: "type",
      message: 'Invalid value: "kubernetes.io/basic-auth": field is immutable',
    },
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (s) => (s.stringData = { password: "changed" })),
      old,
    ),
    [{ reason: "FieldValueForbidden", field: "data", message: WHEN_IMMUTABLE }],
  );
  // The same value through stringData is no change.
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (s) => (s.stringData = { password: "hunter2" })),
      old,
    ),
    [],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (s) => (s.immutable = false)),
      old,
    ),
    [{ reason: "FieldValueForbidden", field: "immutable", message: WHEN_IMMUTABLE }],
  );
  const mutable = stored(rt, { apiVersion: "v1", kind: "Secret", metadata: meta("m"), data: { a: "MQ==" } });
  assert.deepEqual(
    causesOf(
      rt,
      edit(mutable, (s) => (s.data.a = "Mg==")),
      mutable,
    ),
    [],
  );
});

// --- PersistentVolumeClaim ---------------------------------------------------------------------

const pvc = (extra: Any = {}): Any => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: meta("data"),
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, ...extra },
});
const PVC_SPEC =
  "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n";

test("PersistentVolumeClaim: the spec is immutable after creation", () => {
  const rt = typeOf("", "PersistentVolumeClaim");
  const old = stored(rt, pvc({ storageClassName: "standard" }));
  const causes = causesOf(
    rt,
    edit(old, (c) => (c.spec.accessModes = ["ReadWriteMany"])),
    old,
  );
  assert.equal(causes.length, 1);
  assert.equal(causes[0].reason, "FieldValueForbidden");
  assert.equal(causes[0].field, "spec");
  assert.ok(causes[0].message.startsWith(PVC_SPEC), causes[0].message);
  assert.match(
    causes[0].message,
    /- \tAccessModes: \["ReadWriteOnce"\],\n\+ \tAccessModes: \["ReadWriteMany"\],/,
  );
  // An unbound claim may not resize either.
  assert.equal(
    causesOf(
      rt,
      edit(old, (c) => (c.spec.resources.requests.storage = "2Gi")),
      old,
    )[0]?.field,
    "spec",
  );
  // Before 1.29 the message did not mention volumeAttributesClassName.
  const rt28 = typeOf("", "PersistentVolumeClaim", "v1.28.9");
  const old28 = stored(rt28, pvc({ storageClassName: "standard" }));
  assert.ok(
    causesOf(
      rt28,
      edit(old28, (c) => (c.spec.storageClassName = "fast")),
      old28,
    )[0].message.startsWith(
      "Forbidden: spec is immutable after creation except resources.requests for bound claims\n",
    ),
  );
});

test("PersistentVolumeClaim: volumeName may be set once, storageClassName set from nil", () => {
  const rt = typeOf("", "PersistentVolumeClaim");
  const old = stored(rt, pvc());
  const bound = edit(old, (c) => {
    c.spec.volumeName = "pv-1";
    c.spec.storageClassName = "standard";
    c.metadata.annotations = { "pv.kubernetes.io/bind-completed": "yes" };
  });
  assert.deepEqual(causesOf(rt, bound, old), []);
  const rebound = stored(rt, bound);
  assert.equal(
    causesOf(
      rt,
      edit(rebound, (c) => (c.spec.volumeName = "pv-2")),
      rebound,
    )[0]?.field,
    "spec",
  );
  assert.equal(
    causesOf(
      rt,
      edit(rebound, (c) => (c.spec.storageClassName = "fast")),
      rebound,
    )[0]?.field,
    "spec",
  );
});

test("PersistentVolumeClaim: a Bound claim may grow, not shrink below what it has", () => {
  const boundClaim = (rt: ResourceType) => ({
    ...stored(rt, pvc({ storageClassName: "standard", volumeName: "pv-1" })),
    status: { phase: "Bound", capacity: { storage: "1Gi" } },
  });
  const rt = typeOf("", "PersistentVolumeClaim", "v1.32.0");
  const old = boundClaim(rt);
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (c) => (c.spec.resources.requests.storage = "5Gi")),
      old,
    ),
    [],
  );
  // Same size in other units is no change.
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (c) => (c.spec.resources.requests.storage = "1024Mi")),
      old,
    ),
    [],
  );
  // RecoverVolumeExpansionFailure (on by default since 1.32): back down, but not below capacity.
  const grown = edit(old, (c) => (c.spec.resources.requests.storage = "5Gi"));
  assert.deepEqual(
    causesOf(
      rt,
      edit(grown, (c) => (c.spec.resources.requests.storage = "2Gi")),
      grown,
    ),
    [],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (c) => (c.spec.resources.requests.storage = "512Mi")),
      old,
    ),
    [
      {
        reason: "FieldValueForbidden",
        field: "spec.resources.requests.storage",
        message: "Forbidden: field can not be less than status.capacity",
      },
    ],
  );
  // Before, no shrinking at all.
  const rt29 = typeOf("", "PersistentVolumeClaim");
  const grown29 = edit(boundClaim(rt29), (c) => (c.spec.resources.requests.storage = "5Gi"));
  assert.deepEqual(
    causesOf(
      rt29,
      edit(grown29, (c) => (c.spec.resources.requests.storage = "2Gi")),
      grown29,
    ),
    [
      {
        reason: "FieldValueForbidden",
        field: "spec.resources.requests.storage",
        message: "Forbidden: field can not be less than previous value",
      },
    ],
  );
});

test("PersistentVolumeClaim: volumeMode is immutable, reported on upstream's path", () => {
  const rt = typeOf("", "PersistentVolumeClaim");
  const old = stored(rt, pvc({ storageClassName: "standard" }));
  const causes = causesOf(
    rt,
    edit(old, (c) => (c.spec.volumeMode = "Block")),
    old,
  );
  assert.deepEqual(
    causes.map((c) => [c.field, c.reason]),
    [
      ["spec", "FieldValueForbidden"],
      ["volumeMode", "FieldValueInvalid"],
    ],
  );
  assert.equal(causes[1].message, 'Invalid value: "Block": field is immutable');
});

// --- RBAC bindings, StorageClass ---------------------------------------------------------------

test("RoleBinding and ClusterRoleBinding: roleRef cannot change", () => {
  for (const kind of ["RoleBinding", "ClusterRoleBinding"]) {
    const rt = typeOf("rbac.authorization.k8s.io", kind);
    const old = stored(rt, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind,
      metadata: kind === "RoleBinding" ? meta("b") : { name: "b" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "User", name: "alice", apiGroup: "rbac.authorization.k8s.io" }],
    });
    const err = rejected(
      rt,
      edit(old, (b) => (b.roleRef.name = "edit")),
      old,
    );
    assert.equal(
      err.message,
      `${kind}.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef`,
    );
    assert.deepEqual(
      causesOf(
        rt,
        edit(old, (b) => b.subjects.push({ kind: "User", name: "bob" })),
        old,
      ),
      [],
    );
  }
});

test("StorageClass: parameters, provisioner, reclaimPolicy and volumeBindingMode are fixed", () => {
  const rt = typeOf("storage.k8s.io", "StorageClass");
  const old = stored(rt, {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "fast" },
    provisioner: "ebs.csi.aws.com",
    parameters: { type: "gp3" },
  });
  const next = edit(old, (s) => {
    s.parameters.type = "io2";
    s.provisioner = "other";
    s.reclaimPolicy = "Retain";
    s.volumeBindingMode = "WaitForFirstConsumer";
  });
  assert.deepEqual(causesOf(rt, next, old), [
    {
      reason: "FieldValueForbidden",
      field: "parameters",
      message: "Forbidden: updates to parameters are forbidden.",
    },
    {
      reason: "FieldValueForbidden",
      field: "provisioner",
      message: "Forbidden: updates to provisioner are forbidden.",
    },
    {
      reason: "FieldValueForbidden",
      field: "reclaimPolicy",
      message: "Forbidden: updates to reclaimPolicy are forbidden.",
    },
    {
      reason: "FieldValueInvalid",
      field: "volumeBindingMode",
      message: 'Invalid value: "WaitForFirstConsumer": field is immutable',
    },
  ]);
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (s) => (s.allowVolumeExpansion = true)),
      old,
    ),
    [],
  );
});
