// Immutable fields against a scripted kube-apiserver answering as the real one does (422 Invalid,
// "field is immutable"): reported with what resolves it by default, deleted and re-created with
// immutableFieldChange: Recreate, and left to the next resync while a finalizer holds the object.
import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import type { KubeObject } from "../apis/meta/types.ts";
import { MemberApplier } from "./applier.ts";
import { MemberApiError } from "./client.ts";
import {
  type FakeApiserver,
  type Recorded,
  startFakeApiserver,
  status,
  withStore,
} from "./fake-apiserver.ts";
import { immutableFields } from "./recreate.ts";
import { marked } from "./testing.ts";

const PATH = "/apis/apps/v1/namespaces/shop/deployments/web";

function deployment(app: string, revision: number, annotations: Record<string, string> = {}): KubeObject {
  return marked(
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "shop" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app } },
        template: { metadata: { labels: { app } }, spec: { containers: [{ name: "c", image: "nginx" }] } },
      },
    },
    revision,
    annotations,
  );
}

const RECREATE = { "mcp.platform/immutable-field-change": "Recreate" };

const selectorOf = (o: KubeObject | undefined) =>
  JSON.stringify((o?.spec as { selector?: unknown })?.selector);

/** The member refuses a selector change of a stored Deployment, as apps/v1 validation does. */
function member(fake: FakeApiserver) {
  const store = withStore(fake, (r: Recorded) => {
    const stored = store.get(r.path);
    if (r.method !== "PATCH" || !stored || selectorOf(r.body as KubeObject) === selectorOf(stored)) return;
    return status(
      422,
      "Invalid",
      `Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"v2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable`,
      [
        {
          reason: "FieldValueInvalid",
          field: "spec.selector",
          message: "Invalid value: …: field is immutable",
        },
      ],
    );
  });
  return store;
}

function applier(t: { after(fn: () => unknown): void }, fake: FakeApiserver, recreateTimeoutMs = 2000) {
  const a = new MemberApplier({
    kubeConfig: fake.kc,
    log: pino({ level: "silent" }),
    retry: () => undefined,
    recreateTimeoutMs,
  });
  t.after(() => a.close());
  return a;
}

const methods = (fake: FakeApiserver) => fake.requests.map((r) => r.method);

test("immutableFields reads the fields a 422 names; other errors have none", () => {
  const invalid = (causes: { field: string; message: string }[], message = "is invalid") =>
    new MemberApiError(422, "Invalid", message, causes);
  assert.deepEqual(
    immutableFields(invalid([{ field: "spec.selector", message: "Invalid value: x: field is immutable" }])),
    ["spec.selector"],
  );
  assert.deepEqual(
    immutableFields(
      invalid([
        {
          field: "spec",
          message:
            "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        },
      ]),
    ),
    ["spec"],
  );
  assert.deepEqual(
    immutableFields(
      invalid([{ field: "data", message: "Forbidden: field is immutable when `immutable` is set" }]),
    ),
    ["data"],
  );
  assert.deepEqual(
    immutableFields(
      invalid([{ field: "spec.replicas", message: "Invalid value: -1: must be greater than or equal to 0" }]),
    ),
    [],
  );
  assert.deepEqual(immutableFields(new MemberApiError(409, "Conflict", "field is immutable")), []);
  assert.deepEqual(immutableFields(new Error("field is immutable")), []);
});

test("by default a changed immutable field fails the manifest, says how to resolve it, and deletes nothing", async (t) => {
  const fake = await startFakeApiserver(t);
  const store = member(fake);
  const a = applier(t, fake);
  await a.apply({ revision: 1, full: true, deletions: [], manifests: [deployment("v1", 1)] });
  const [s] =
    (await a.apply({ revision: 2, full: true, deletions: [], manifests: [deployment("v2", 2)] })) ?? [];
  assert.equal(s.applied, false);
  assert.equal(s.reason, "ApplyFailed");
  assert.match(s.message ?? "", /spec\.selector: Invalid value: .*field is immutable/);
  assert.match(
    s.message ?? "",
    /spec\.selector cannot be changed in place; set immutableFieldChange: Recreate/,
  );
  assert.ok(!methods(fake).includes("DELETE"));
  assert.equal(selectorOf(store.get(PATH)), JSON.stringify({ matchLabels: { app: "v1" } }));
});

test("with immutableFieldChange: Recreate the object is deleted by uid and created again", async (t) => {
  const fake = await startFakeApiserver(t);
  const store = member(fake);
  const a = applier(t, fake);
  await a.apply({ revision: 1, full: true, deletions: [], manifests: [deployment("v1", 1, RECREATE)] });
  fake.requests.length = 0;
  const [s] =
    (await a.apply({ revision: 2, full: true, deletions: [], manifests: [deployment("v2", 2, RECREATE)] })) ??
    [];
  assert.equal(s.applied, true, s.message);
  assert.equal(s.revision, 2);
  assert.equal(s.message, "re-created in the member: spec.selector cannot be changed in place");
  assert.equal(selectorOf(store.get(PATH)), JSON.stringify({ matchLabels: { app: "v2" } }));
  // The refused apply, a read for the uid, a delete of exactly that object, a read showing it
  // gone, and the apply that creates it.
  assert.deepEqual(methods(fake), ["PATCH", "GET", "DELETE", "GET", "PATCH"]);
  const del = fake.requests.find((r) => r.method === "DELETE")?.body as
    | { preconditions?: unknown; propagationPolicy?: string }
    | undefined;
  assert.deepEqual(del?.preconditions, { uid: `uid-${PATH}` });
  assert.equal(del?.propagationPolicy, "Background");
  // The re-created object is MCP's as before: a resync finds no drift.
  const [again] = await a.resync();
  assert.equal(again.applied, true);
  assert.equal(again.drift, undefined);
});

test("an object a finalizer holds is reported Recreating; the next resync re-creates it once it is gone", async (t) => {
  const fake = await startFakeApiserver(t);
  let held = true;
  const store = member(fake);
  const handle = fake.handle!;
  fake.handle = (r) => {
    if (r.method === "DELETE" && held) {
      const o = store.get(r.path)!;
      o.metadata.deletionTimestamp = "2026-12-07T00:00:00Z";
      o.metadata.finalizers = ["example.com/hold"];
      return { status: 200, body: o };
    }
    return handle(r);
  };
  const a = applier(t, fake, 300);
  await a.apply({ revision: 1, full: true, deletions: [], manifests: [deployment("v1", 1, RECREATE)] });
  const [during] =
    (await a.apply({ revision: 2, full: true, deletions: [], manifests: [deployment("v2", 2, RECREATE)] })) ??
    [];
  assert.equal(during.applied, false);
  assert.equal(during.reason, "Recreating");
  assert.match(
    during.message ?? "",
    /Deployment shop\/web is being deleted to be re-created \(spec\.selector/,
  );
  // The finalizer is removed: the object goes, and the resync creates the new one.
  held = false;
  store.delete(PATH);
  const [after] = await a.resync();
  assert.equal(after.applied, true, after.message);
  assert.equal(selectorOf(store.get(PATH)), JSON.stringify({ matchLabels: { app: "v2" } }));
});
