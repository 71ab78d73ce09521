// The immutable-field update rules, kind by kind, through the same defaulting and validation a
// write to a simulated cluster gets: each rule rejects the change kube-apiserver rejects, with
// its reason, field and wording, and lets through what kube-apiserver lets through.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError, type StatusCause } from "../../apiserver/errors.ts";
import type { ResourceType } from "../../apiserver/resources/resource-type.ts";
import { validateObject, validateStatus } from "../../apiserver/validation/object.ts";
import { labelSelector, releaseOf, same, shown } from "./field-errors.ts";
import { ServiceAllocator, simResourceTypes } from "./index.ts";

// biome-ignore lint/suspicious/noExplicitAny: fixtures are untyped JSON, as clients send them
type Any = Record<string, any>;

const types = new Map<string, ResourceType[]>();
function typeOf(group: string, kind: string, version = "v1.29.4"): ResourceType {
  if (!types.has(version)) types.set(version, simResourceTypes(new ServiceAllocator(), version));
  const rt = types.get(version)!.find((t) => t.group === group && t.kind === kind);
  assert.ok(rt, `${group}/${kind}`);
  return rt;
}

/** The object as a create stores it: defaulted and validated. */
function stored(rt: ResourceType, obj: Any): Any {
  const o = structuredClone(obj) as KubeObject;
  o.metadata.uid ??= "0b6f7a9c-1111-4222-8333-444455556666";
  validateObject(rt, o, undefined, "Ignore");
  return o as Any;
}

/** An update of `old` to `next`: the causes of the 422, [] when it is accepted. */
function causesOf(rt: ResourceType, next: Any, old: Any): StatusCause[] {
  try {
    validateObject(rt, structuredClone(next) as KubeObject, old as KubeObject, "Ignore");
    return [];
  } catch (e) {
    assert.ok(e instanceof ApiError && e.reason === "Invalid", String(e));
    assert.equal(e.code, 422);
    return e.details?.causes ?? [];
  }
}

function rejected(rt: ResourceType, next: Any, old: Any): ApiError {
  try {
    validateObject(rt, structuredClone(next) as KubeObject, old as KubeObject, "Ignore");
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  assert.fail("the update was accepted");
}

const edit = (o: Any, change: (x: Any) => void): Any => {
  const x = structuredClone(o);
  change(x);
  return x;
};

const meta = (name: string, extra: Any = {}) => ({ name, namespace: "default", ...extra });
const podTemplate = (app: string, image = "nginx:1.25") => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: "web", image }] },
});

// --- Deployment, ReplicaSet, DaemonSet --------------------------------------------------------

const deployment = (app = "web"): Any => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: meta("web"),
  spec: { replicas: 2, selector: { matchLabels: { app } }, template: podTemplate(app) },
});

test("Deployment: a changed selector is Invalid, worded and formatted as kube-apiserver does", () => {
  const rt = typeOf("apps", "Deployment");
  const old = stored(rt, deployment());
  const err = rejected(rt, deployment("api"), old);
  const value =
    'v1.LabelSelector{MatchLabels:map[string]string{"app":"api"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}';
  assert.equal(
    err.message,
    `Deployment.apps "web" is invalid: spec.selector: Invalid value: ${value}: field is immutable`,
  );
  assert.deepEqual(err.details, {
    name: "web",
    group: "apps",
    kind: "Deployment",
    causes: [
      {
        reason: "FieldValueInvalid",
        field: "spec.selector",
        message: `Invalid value: ${value}: field is immutable`,
      },
    ],
  });
});

test("Deployment: since 1.34 the selector is shown as JSON", () => {
  const rt = typeOf("apps", "Deployment", "v1.34.1");
  const old = stored(rt, deployment());
  const next = edit(deployment("api"), (d) => {
    d.spec.selector.matchExpressions = [{ key: "tier", operator: "In", values: ["a", "b"] }];
    d.spec.template.metadata.labels.tier = "a";
  });
  assert.deepEqual(causesOf(rt, next, old), [
    {
      reason: "FieldValueInvalid",
      field: "spec.selector",
      message:
        'Invalid value: {"matchLabels":{"app":"api"},"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]}: field is immutable',
    },
  ]);
});

test("Deployment: replicas, template, strategy and metadata may change; an equal selector is no change", () => {
  const rt = typeOf("apps", "Deployment");
  const old = stored(rt, deployment());
  const next = edit(old, (d) => {
    d.spec.replicas = 5;
    d.spec.template.spec.containers[0].image = "nginx:1.27";
    d.spec.strategy = { type: "Recreate" };
    d.metadata.labels = { team: "a" };
    d.metadata.annotations = { note: "x" };
    d.spec.selector.matchExpressions = [];
  });
  assert.deepEqual(causesOf(rt, next, old), []);
});

test("ReplicaSet and DaemonSet: spec.selector is immutable too", () => {
  for (const kind of ["ReplicaSet", "DaemonSet"]) {
    const rt = typeOf("apps", kind);
    const obj = {
      ...deployment(),
      kind,
      spec: { selector: { matchLabels: { app: "web" } }, template: podTemplate("web") },
    };
    const old = stored(rt, obj);
    const next = edit(old, (o) => {
      o.spec.selector = { matchLabels: { app: "web", tier: "x" } };
      o.spec.template.metadata.labels.tier = "x";
    });
    const causes = causesOf(rt, next, old);
    assert.equal(causes.length, 1, kind);
    assert.equal(causes[0].field, "spec.selector");
    assert.match(
      causes[0].message,
      /^Invalid value: v1\.LabelSelector\{MatchLabels:map\[string\]string\{"app":"web", "tier":"x"\}, .*: field is immutable$/,
    );
    assert.deepEqual(
      causesOf(
        rt,
        edit(old, (o) => (o.spec.minReadySeconds = 5)),
        old,
      ),
      [],
      kind,
    );
  }
});

// --- StatefulSet -------------------------------------------------------------------------------

const statefulSet = (): Any => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: meta("db"),
  spec: {
    serviceName: "db",
    replicas: 1,
    selector: { matchLabels: { app: "db" } },
    template: podTemplate("db"),
    volumeClaimTemplates: [
      {
        metadata: { name: "data" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
    ],
  },
});

const STS_1_29 =
  "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

test("StatefulSet: other spec fields are one Forbidden on spec", () => {
  const rt = typeOf("apps", "StatefulSet");
  const old = stored(rt, statefulSet());
  for (const change of [
    (s: Any) => (s.spec.serviceName = "other"),
    (s: Any) => (s.spec.volumeClaimTemplates[0].spec.resources.requests.storage = "2Gi"),
    (s: Any) => (s.spec.podManagementPolicy = "Parallel"),
    (s: Any) => (s.spec.revisionHistoryLimit = 3),
  ])
    assert.deepEqual(causesOf(rt, edit(old, change), old), [
      { reason: "FieldValueForbidden", field: "spec", message: STS_1_29 },
    ]);
});

test("StatefulSet: replicas, template, updateStrategy, retention policy and minReadySeconds may change", () => {
  const rt = typeOf("apps", "StatefulSet");
  const old = stored(rt, statefulSet());
  const next = edit(old, (s) => {
    s.spec.replicas = 3;
    s.spec.template.spec.containers[0].image = "postgres:16";
    s.spec.updateStrategy = { type: "OnDelete" };
    s.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete", whenScaled: "Retain" };
    s.spec.minReadySeconds = 10;
    s.spec.ordinals = { start: 1 };
  });
  assert.deepEqual(causesOf(rt, next, old), []);
});

test("StatefulSet: since 1.33 revisionHistoryLimit may change, and the message says so", () => {
  const rt = typeOf("apps", "StatefulSet", "v1.33.0");
  const old = stored(rt, statefulSet());
  assert.deepEqual(
    causesOf(
      rt,
      edit(old, (s) => (s.spec.revisionHistoryLimit = 3)),
      old,
    ),
    [],
  );
  assert.equal(
    causesOf(
      rt,
      edit(old, (s) => (s.spec.serviceName = "x")),
      old,
    )[0].message,
    "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  );
});

// --- Job ---------------------------------------------------------------------------------------

const job = (spec: Any = {}): Any => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: meta("pi"),
  spec: {
    template: { spec: { restartPolicy: "Never", containers: [{ name: "pi", image: "perl:5.34" }] } },
    ...spec,
  },
});

test("Job: a running Job's template is immutable", () => {
  const rt = typeOf("batch", "Job");
  const old = stored(rt, job());
  const next = edit(old, (j) => (j.spec.template.spec.containers[0].image = "perl:5.36"));
  const causes = causesOf(rt, next, old);
  assert.equal(causes.length, 1);
  assert.equal(causes[0].reason, "FieldValueInvalid");
  assert.equal(causes[0].field, "spec.template");
  assert.match(causes[0].message, /^Invalid value: \{.*"image":"perl:5\.36".*\}: field is immutable$/);
});

test("Job: the generated selector is immutable", () => {
  const rt = typeOf("batch", "Job");
  const old = stored(rt, job());
  const next = edit(old, (j) => (j.spec.selector = { matchLabels: { other: "x" } }));
  const causes = causesOf(rt, next, old).filter((c) => c.field === "spec.selector");
  assert.deepEqual(causes, [
    {
      reason: "FieldValueInvalid",
      field: "spec.selector",
      message:
        'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"other":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    },
  ]);
});

test("Job: parallelism, suspend, activeDeadlineSeconds, backoffLimit and labels may change", () => {
  const rt = typeOf("batch", "Job");
  const old = stored(rt, job());
  const next = edit(old, (j) => {
    j.spec.parallelism = 3;
    j.spec.suspend = true;
    j.spec.activeDeadlineSeconds = 60;
    j.spec.backoffLimit = 2;
    j.metadata.labels = { ...j.metadata.labels, team: "a" };
  });
  assert.deepEqual(causesOf(rt, next, old), []);
});

test("Job: completions are immutable, except in tandem with parallelism on an Indexed Job", () => {
  const rt = typeOf("batch", "Job");
  const plain = stored(rt, job({ completions: 3 }));
  assert.deepEqual(
    causesOf(
      rt,
      edit(plain, (j) => (j.spec.completions = 4)),
      plain,
    ),
    [
      {
        reason: "FieldValueInvalid",
        field: "spec.completions",
        message: "Invalid value: 4: field is immutable",
      },
    ],
  );
  const indexed = stored(rt, job({ completions: 3, parallelism: 3, completionMode: "Indexed" }));
  assert.deepEqual(
    causesOf(
      rt,
      edit(indexed, (j) => Object.assign(j.spec, { completions: 5, parallelism: 5 })),
      indexed,
    ),
    [],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(indexed, (j) => (j.spec.completions = 5)),
      indexed,
    ),
    [
      {
        reason: "FieldValueInvalid",
        field: "spec.completions",
        message: "Invalid value: 5: can only be modified in tandem with spec.parallelism",
      },
    ],
  );
  assert.deepEqual(
    causesOf(
      rt,
      edit(indexed, (j) => (j.spec.completionMode = "NonIndexed")),
      indexed,
    ),
    [
      {
        reason: "FieldValueInvalid",
        field: "spec.completionMode",
        message: 'Invalid value: "NonIndexed": field is immutable',
      },
    ],
  );
});

test("Job: a suspended Job that never started may change its scheduling directives, labels and annotations", () => {
  const rt = typeOf("batch", "Job");
  const old = stored(rt, job({ suspend: true }));
  const rescheduled = edit(old, (j) => {
    const t = j.spec.template;
    t.spec.nodeSelector = { zone: "a" };
    t.spec.tolerations = [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }];
    t.spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }],
        },
      },
    };
    t.metadata.labels.queue = "q1";
    t.metadata.annotations = { note: "x" };
  });
  assert.deepEqual(causesOf(rt, rescheduled, old), []);
  // Anything else in the template stays put, suspended or not.
  const reimaged = edit(old, (j) => (j.spec.template.spec.containers[0].image = "perl:5.36"));
  assert.equal(causesOf(rt, reimaged, old)[0]?.field, "spec.template");
  // Once it has started (status.startTime), the exception is gone.
  const started = { ...old, status: { startTime: "2024-01-01T00:00:00Z" } };
  assert.equal(causesOf(rt, { ...rescheduled, status: started.status }, started)[0]?.field, "spec.template");
});

test("Job: the restartPolicy rule still applies beside the immutable fields", () => {
  const rt = typeOf("batch", "Job");
  const old = stored(rt, job());
  const next = edit(old, (j) => {
    j.spec.template.spec.restartPolicy = "Always";
  });
  assert.deepEqual(
    causesOf(rt, next, old).map((c) => c.field),
    ["spec.template.spec.restartPolicy", "spec.template"],
  );
});

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

// --- the building blocks -----------------------------------------------------------------------

test("bad values print as each release prints them", () => {
  const old = releaseOf("v1.30.2");
  const json = releaseOf("v1.34.0");
  assert.equal(shown(old, "a"), '"a"');
  assert.equal(shown(old, 3), "3");
  assert.equal(shown(old, undefined), '"null"');
  assert.equal(shown(json, undefined), "null");
  const sel = { matchLabels: { b: "2", a: "1" }, matchExpressions: [{ key: "k", operator: "Exists" }] };
  assert.equal(
    shown(old, sel, labelSelector),
    'v1.LabelSelector{MatchLabels:map[string]string{"a":"1", "b":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"k", Operator:"Exists", Values:[]string(nil)}}}',
  );
  assert.equal(
    shown(json, sel, labelSelector),
    '{"matchLabels":{"a":"1","b":"2"},"matchExpressions":[{"key":"k","operator":"Exists"}]}',
  );
});

test("semantic equality: absent, null, empty and zero are the same; values are not", () => {
  assert.ok(same({ a: [], b: {}, c: null, d: "", e: 0, f: false }, {}));
  assert.ok(same({ x: { y: [1, { z: "q" }] } }, { x: { y: [1, { z: "q", w: null }] } }));
  assert.ok(!same({ a: "1" }, { a: 1 }));
  assert.ok(!same([1, 2], [2, 1]));
});
