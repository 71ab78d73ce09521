// MemberObjectApi against a scripted kube-apiserver: the server-side apply request as
// kube-apiserver expects it, REST mapping from the member's own discovery (CRD kinds, scope,
// kinds that stop being served), Status errors with their causes, repeats of 429/5xx, and the
// Warning headers of a response.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { MemberConnections } from "../kube/member-connections.ts";
import { MemberApiError, MemberObjectApi, parseWarnings, UnknownKindError, warningsOf } from "./client.ts";
import { type FakeApiserver, startFakeApiserver, status } from "./fake-apiserver.ts";
import { parseRetryAfter, retryDelayMs } from "./retry.ts";

const cm = (ns?: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "settings", ...(ns ? { namespace: ns } : {}) },
  data: { a: "1" },
});

function api(t: { after(fn: () => unknown): void }, fake: FakeApiserver, retry = retryDelayMs) {
  const a = MemberObjectApi.create(fake.kc, { timeoutMs: 5_000, retry: (c, h, n) => retry(c, h, n) });
  t.after(() => a.close());
  return a;
}

test("apply is a PATCH with application/apply-patch+yaml, fieldManager mcp, and force only when asked", async (t) => {
  const fake = await startFakeApiserver(t);
  const a = api(t, fake);
  await a.apply(cm("shop"), { force: false });
  await a.apply(cm("shop"), { force: true });
  assert.deepEqual(
    fake.requests.map((r) => [r.method, r.path, r.contentType, r.query]),
    [
      [
        "PATCH",
        "/api/v1/namespaces/shop/configmaps/settings",
        "application/apply-patch+yaml",
        { fieldManager: "mcp" },
      ],
      [
        "PATCH",
        "/api/v1/namespaces/shop/configmaps/settings",
        "application/apply-patch+yaml",
        { fieldManager: "mcp", force: "true" },
      ],
    ],
  );
  assert.deepEqual(fake.requests[0].body, cm("shop"), "the manifest as JSON, unchanged");
});

test("deletes in the background, only the object with the uid that was read", async (t) => {
  const fake = await startFakeApiserver(t);
  const a = api(t, fake);
  assert.equal(
    await a.deleteObject(
      { apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "settings" },
      { uid: "u-7" },
    ),
    true,
  );
  assert.deepEqual(fake.requests[0].body, {
    apiVersion: "v1",
    kind: "DeleteOptions",
    // batch/v1 Jobs would otherwise orphan their Pods (their default policy).
    propagationPolicy: "Background",
    preconditions: { uid: "u-7" },
  });
});

test("scope and plural come from the member's discovery: a CRD kind, namespaced or cluster-scoped", async (t) => {
  const fake = await startFakeApiserver(t);
  fake.served.set("example.com/v1", [
    { name: "widgets", kind: "Widget", namespaced: true },
    { name: "gadgetclasses", kind: "GadgetClass", namespaced: false },
  ]);
  const a = api(t, fake);
  const widget: KubeObject = {
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: { name: "w", namespace: "shop" },
  };
  // The hub thought it namespaced; the member's CRD says cluster-scoped: no namespace is sent.
  const gadget: KubeObject = {
    apiVersion: "example.com/v1",
    kind: "GadgetClass",
    metadata: { name: "g", namespace: "shop" },
  };
  await a.apply(widget, { force: true });
  await a.apply(gadget, { force: true });
  assert.deepEqual(
    fake.requests.map((r) => r.path),
    ["/apis/example.com/v1/namespaces/shop/widgets/w", "/apis/example.com/v1/gadgetclasses/g"],
  );
  assert.equal((fake.requests[1].body as KubeObject).metadata.namespace, undefined);
});

test("a namespaced object without a namespace goes to default, not the kubeconfig's (in a Pod: the agent's)", async (t) => {
  const fake = await startFakeApiserver(t, "mcp-system");
  const a = api(t, fake);
  await a.apply(cm(), { force: true });
  assert.equal(fake.requests[0].path, "/api/v1/namespaces/default/configmaps/settings");
});

test("a kind the member does not serve: unknown group (404 page not found), and a CRD removed after discovery", async (t) => {
  const fake = await startFakeApiserver(t);
  const a = api(t, fake);
  const widget: KubeObject = {
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: { name: "w", namespace: "shop" },
  };
  await assert.rejects(a.apply(widget, { force: true }), UnknownKindError);
  await assert.rejects(a.apply(widget, { force: true }), /CustomResourceDefinition installed/);
  await assert.rejects(
    a.apply(
      { apiVersion: "autoscaling/v2beta2", kind: "HorizontalPodAutoscaler", metadata: { name: "h" } },
      { force: true },
    ),
    /not served by this Kubernetes version/,
  );

  // Installed: served from then on.
  fake.served.set("example.com/v1", [{ name: "widgets", kind: "Widget", namespaced: true }]);
  await a.apply(widget, { force: true });
  // Removed again: discovery is cached, the apply answers 404, and discovery is asked afresh.
  fake.served.set("example.com/v1", []);
  fake.handle = (r) =>
    r.path.startsWith("/apis/example.com/")
      ? status(404, "NotFound", "the server could not find the requested resource")
      : undefined;
  await assert.rejects(a.apply(widget, { force: true }), UnknownKindError);
  // A 404 for a missing namespace (the kind is served) stays what it is.
  fake.handle = () => status(404, "NotFound", 'namespaces "shop" not found');
  await assert.rejects(
    a.apply(cm("shop"), { force: true }),
    (e) => e instanceof MemberApiError && e.code === 404,
  );
});

test("errors carry the Status' reason, message and causes (409 apply conflict, 422, 403)", async (t) => {
  const fake = await startFakeApiserver(t);
  const a = api(t, fake);
  const causes = [
    { reason: "FieldManagerConflict", message: 'conflict with "kubectl-edit" using v1', field: ".data.a" },
  ];
  fake.handle = () =>
    status(
      409,
      "Conflict",
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.a',
      causes,
    );
  const conflict = await a.apply(cm("shop"), { force: false }).catch((e) => e);
  assert.ok(conflict instanceof MemberApiError);
  assert.equal(conflict.code, 409);
  assert.equal(conflict.reason, "Conflict");
  assert.deepEqual(conflict.causes, causes);
  assert.match(conflict.message, /kubectl-edit/);

  fake.handle = () =>
    status(
      422,
      "Invalid",
      'ConfigMap "settings" is invalid: data[a b]: Invalid value: "a b": a valid config key',
      [{ reason: "FieldValueInvalid", field: "data[a b]" }],
    );
  const invalid = await a.apply(cm("shop"), { force: true }).catch((e) => e);
  assert.equal(invalid.code, 422);
  assert.deepEqual(invalid.causes, [{ reason: "FieldValueInvalid", field: "data[a b]" }]);

  fake.handle = () =>
    status(
      403,
      "Forbidden",
      'configmaps "settings" is forbidden: User "system:serviceaccount:mcp-system:mcp-agent" cannot patch resource "configmaps"',
    );
  const forbidden = await a.apply(cm("shop"), { force: true }).catch((e) => e);
  assert.equal(forbidden.code, 403);
  assert.match(forbidden.message, /cannot patch resource "configmaps"/);
});

test("429 and 5xx with Retry-After are repeated after the wait; a plain 500 is not", async (t) => {
  const fake = await startFakeApiserver(t);
  const waits: number[] = [];
  const a = api(t, fake, (code, after, attempt) => {
    const ms = retryDelayMs(code, after, attempt);
    if (ms !== undefined) waits.push(ms);
    return ms === undefined ? undefined : 1;
  });
  let n = 0;
  fake.handle = (r) => {
    if (r.method !== "PATCH") return undefined;
    n++;
    if (n === 1)
      return { ...status(429, "TooManyRequests", "too many requests"), headers: { "Retry-After": "1" } };
    if (n === 2)
      return {
        ...status(504, "Timeout", "the server was unable to return a response"),
        headers: { "Retry-After": "2" },
      };
    return undefined;
  };
  const out = await a.apply(cm("shop"), { force: true });
  assert.equal(out.metadata.uid, "uid-1");
  assert.equal(fake.requests.length, 3);
  assert.deepEqual(waits, [1000, 2000]);

  fake.requests.length = 0;
  fake.handle = () => status(500, "InternalError", 'Internal error occurred: failed calling webhook "x"');
  await assert.rejects(
    a.apply(cm("shop"), { force: true }),
    (e) => e instanceof MemberApiError && e.code === 500,
  );
  assert.equal(fake.requests.length, 1);
  // Always 429: given up after the retries.
  fake.requests.length = 0;
  fake.handle = () => status(429, "TooManyRequests", "too many requests");
  await assert.rejects(
    a.apply(cm("shop"), { force: true }),
    (e) => e instanceof MemberApiError && e.code === 429,
  );
  assert.equal(fake.requests.length, 4);
});

test("retry policy: what is repeated, after how long", () => {
  assert.equal(retryDelayMs(429, "3", 0), 3000);
  assert.equal(retryDelayMs(429, undefined, 1), 500);
  assert.equal(retryDelayMs(503, undefined, 0), 250);
  assert.equal(retryDelayMs(500, "1", 0), 1000);
  assert.equal(retryDelayMs(500, undefined, 0), undefined);
  assert.equal(retryDelayMs(409, "1", 0), undefined);
  assert.equal(retryDelayMs(429, "600", 0), 10_000, "a long Retry-After is capped");
  assert.equal(retryDelayMs(429, "1", 3), undefined, "three repeats at most");
  assert.equal(
    parseRetryAfter("Wed, 21 Oct 2026 07:28:10 GMT", Date.parse("Wed, 21 Oct 2026 07:28:00 GMT")),
    10_000,
  );
  assert.equal(parseRetryAfter("soon"), undefined);
});

test("Warning headers of a response are kept with the object", async (t) => {
  const fake = await startFakeApiserver(t);
  const a = api(t, fake);
  fake.handle = (r) =>
    r.method === "PATCH"
      ? { status: 200, body: r.body, headers: { Warning: '299 - "unknown field \\"spec.foo\\""' } }
      : undefined;
  const out = await a.apply(cm("shop"), { force: true });
  assert.deepEqual(warningsOf(out), ['unknown field "spec.foo"']);
  assert.deepEqual(parseWarnings('299 - "a", 299 - "b, c"'), ["a", "b, c"]);
});

test("requests go through a shared pool when given one, and close() leaves it to its owner", async (t) => {
  const fake = await startFakeApiserver(t);
  const shared = new MemberConnections(fake.kc);
  let used = 0;
  let closed = 0;
  const use = shared.use.bind(shared);
  shared.use = (ctx) => {
    used++;
    return use(ctx);
  };
  const close = shared.close.bind(shared);
  shared.close = () => {
    closed++;
    return close();
  };
  t.after(close);
  const a = MemberObjectApi.create(fake.kc, { timeoutMs: 5_000, connections: shared });
  await a.apply(cm("shop"), { force: true });
  assert.ok(used >= 1, "the request went through the shared pool");
  await a.close();
  assert.equal(closed, 0, "not its pool to close");
});
