// Immutable-field update rules of workloads (Deployment, ReplicaSet, DaemonSet, StatefulSet, Job):
// each rejects the change kube-apiserver rejects, with its reason, field and wording, and lets
// through what kube-apiserver lets through.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type Any,
  causesOf,
  edit,
  meta,
  podTemplate,
  rejected,
  stored,
  typeOf,
} from "./immutable-testing.ts";

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
