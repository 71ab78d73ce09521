// Behaviour of the API machinery as a client sees it: verbs, concurrency, status, finalizers,
// selectors, paging, discovery and bad input. (Watch semantics: watch.test.ts.)
import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestApi } from "./testing/harness.ts";

const cm = (name: string, data: Record<string, string> = { a: "1" }, labels?: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});
const CMS = "/api/v1/namespaces/default/configmaps";
const CLUSTERS = "/apis/mcp.platform/v1/clusters";

test("create, get, update with optimistic concurrency, delete", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const created = await api.json<{
    metadata: { uid: string; resourceVersion: string; creationTimestamp: string };
  }>("POST", CMS, cm("one"));
  assert.equal(created.status, 201);
  assert.match(created.body.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.ok(created.body.metadata.creationTimestamp);
  const dup = await api.json<{ reason: string; code: number }>("POST", CMS, cm("one"));
  assert.equal(dup.status, 409);
  assert.equal(dup.body.reason, "AlreadyExists");

  const rv = created.body.metadata.resourceVersion;
  const upd = await api.json<{ metadata: { resourceVersion: string; uid: string } }>("PUT", `${CMS}/one`, {
    ...cm("one", { a: "2" }),
    metadata: { name: "one", resourceVersion: rv },
  });
  assert.equal(upd.status, 200);
  assert.ok(Number(upd.body.metadata.resourceVersion) > Number(rv));
  assert.equal(upd.body.metadata.uid, created.body.metadata.uid, "uid is server-owned and kept");

  const stale = await api.json<{ reason: string }>("PUT", `${CMS}/one`, {
    ...cm("one", { a: "3" }),
    metadata: { name: "one", resourceVersion: rv },
  });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.reason, "Conflict");
  const got = await api.json<{ data: { a: string } }>("GET", `${CMS}/one`);
  assert.equal(got.body.data.a, "2", "the stale write changed nothing");

  const del = await api.json<{ status: string }>("DELETE", `${CMS}/one`);
  assert.equal(del.status, 200);
  assert.equal((await api.json("GET", `${CMS}/one`)).status, 404);
});

test("finalizers hold deletion until removed", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  await api.json("POST", CMS, {
    ...cm("held"),
    metadata: { name: "held", finalizers: ["example.com/hold"] },
  });
  const del = await api.json<{ metadata: { deletionTimestamp?: string } }>("DELETE", `${CMS}/held`);
  assert.equal(del.status, 200);
  assert.ok(del.body.metadata.deletionTimestamp);
  const still = await api.json<{ metadata: { deletionTimestamp?: string; resourceVersion: string } }>(
    "GET",
    `${CMS}/held`,
  );
  assert.equal(still.status, 200);
  const r = await api.req("PATCH", `${CMS}/held`, {
    raw: JSON.stringify({ metadata: { finalizers: null } }),
    contentType: "application/merge-patch+json",
  });
  assert.equal(r.status, 200);
  assert.equal(
    (await api.json("GET", `${CMS}/held`)).status,
    404,
    "removing the last finalizer deletes the object",
  );
});

test("status subresource: spec and status change separately; generation follows spec only", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const c = await api.json<{ metadata: { generation: number; resourceVersion: string }; status?: unknown }>(
    "POST",
    CLUSTERS,
    {
      apiVersion: "mcp.platform/v1",
      kind: "Cluster",
      metadata: { name: "east-1", labels: { region: "east" } },
      spec: { mode: "Push", apiEndpoint: "https://10.0.0.1:6443" },
      status: { kubernetesVersion: "ignored-on-create" },
    },
  );
  assert.equal(c.status, 201, JSON.stringify(c.body));
  assert.equal(c.body.metadata.generation, 1);
  assert.equal(c.body.status, undefined, "status cannot be set on create");
  const withStatus = await api.json<{
    metadata: { generation: number; resourceVersion: string };
    status: { kubernetesVersion: string };
  }>("PUT", `${CLUSTERS}/east-1/status`, {
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    metadata: { name: "east-1", resourceVersion: c.body.metadata.resourceVersion },
    spec: { mode: "Pull" },
    status: { kubernetesVersion: "v1.30.2" },
  });
  assert.equal(withStatus.status, 200, JSON.stringify(withStatus.body));
  assert.equal(withStatus.body.status.kubernetesVersion, "v1.30.2");
  assert.equal(withStatus.body.metadata.generation, 1, "a status write does not bump generation");
  const full = await api.json<{ spec: { mode: string; syncInterval: string } }>("GET", `${CLUSTERS}/east-1`);
  assert.equal(full.body.spec.mode, "Push", "a status write cannot change spec");
  assert.equal(full.body.spec.syncInterval, "30s", "schema defaults are filled");
  const specChange = await api.json<{
    metadata: { generation: number };
    status: { kubernetesVersion: string };
  }>("PUT", `${CLUSTERS}/east-1`, {
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    metadata: { name: "east-1", resourceVersion: withStatus.body.metadata.resourceVersion },
    spec: { mode: "Pull" },
  });
  assert.equal(specChange.status, 200, JSON.stringify(specChange.body));
  assert.equal(specChange.body.metadata.generation, 2);
  assert.equal(specChange.body.status.kubernetesVersion, "v1.30.2", "a main-resource write keeps status");
});

test("label selectors, field selectors and limit/continue paging", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  for (let i = 0; i < 25; i++)
    await api.json("POST", CMS, cm(`cm-${String(i).padStart(2, "0")}`, {}, { tier: i % 2 ? "odd" : "even" }));
  const odd = await api.json<{ items: unknown[] }>(
    "GET",
    `${CMS}?labelSelector=${encodeURIComponent("tier in (odd)")}`,
  );
  assert.equal(odd.body.items.length, 12);
  const named = await api.json<{ items: { metadata: { name: string } }[] }>(
    "GET",
    `${CMS}?fieldSelector=metadata.name%3Dcm-07`,
  );
  assert.deepEqual(
    named.body.items.map((i) => i.metadata.name),
    ["cm-07"],
  );
  const names: string[] = [];
  let cont = "";
  let pages = 0;
  do {
    const page = await api.json<{ items: { metadata: { name: string } }[]; metadata: { continue?: string } }>(
      "GET",
      `${CMS}?limit=10&labelSelector=tier%3Deven${cont ? `&continue=${cont}` : ""}`,
    );
    names.push(...page.body.items.map((i) => i.metadata.name));
    cont = page.body.metadata.continue ?? "";
    pages++;
  } while (cont);
  assert.equal(pages, 2);
  assert.equal(names.length, 13);
  assert.equal(new Set(names).size, 13);
  const bad = await api.json<{ reason: string }>(
    "GET",
    `${CMS}?labelSelector=${encodeURIComponent("a in (")}`,
  );
  assert.equal(bad.status, 400);
});

test("bad input gets a Status with field causes and writes nothing", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const count = async () => (await api.json<{ items: unknown[] }>("GET", CLUSTERS)).body.items.length;
  const cases: {
    name: string;
    path: string;
    raw: string;
    ct?: string;
    code: number;
    reason: string;
    field?: string;
  }[] = [
    { name: "invalid JSON", path: CLUSTERS, raw: "{not json", code: 400, reason: "BadRequest" },
    {
      name: "invalid YAML",
      path: CLUSTERS,
      raw: "kind: [unclosed",
      ct: "application/yaml",
      code: 400,
      reason: "BadRequest",
    },
    {
      name: "missing kind",
      path: CLUSTERS,
      raw: JSON.stringify({ apiVersion: "mcp.platform/v1", metadata: { name: "x" } }),
      code: 400,
      reason: "BadRequest",
      field: "kind",
    },
    {
      name: "missing apiVersion",
      path: CLUSTERS,
      raw: JSON.stringify({ kind: "Cluster", metadata: { name: "x" } }),
      code: 400,
      reason: "BadRequest",
      field: "apiVersion",
    },
    {
      name: "wrong field type",
      path: CLUSTERS,
      raw: JSON.stringify({
        apiVersion: "mcp.platform/v1",
        kind: "Cluster",
        metadata: { name: "x" },
        spec: { syncInterval: 30 },
      }),
      code: 422,
      reason: "Invalid",
      field: "spec.syncInterval",
    },
    {
      name: "unsupported enum value",
      path: CLUSTERS,
      raw: JSON.stringify({
        apiVersion: "mcp.platform/v1",
        kind: "Cluster",
        metadata: { name: "x" },
        spec: { mode: "Sideways" },
      }),
      code: 422,
      reason: "Invalid",
      field: "spec.mode",
    },
    {
      name: "invalid DNS-1123 name",
      path: CLUSTERS,
      raw: JSON.stringify({
        apiVersion: "mcp.platform/v1",
        kind: "Cluster",
        metadata: { name: "Bad_Name" },
        spec: {},
      }),
      code: 422,
      reason: "Invalid",
      field: "metadata.name",
    },
  ];
  for (const c of cases) {
    const r = await api.req("POST", c.path, { raw: c.raw, contentType: c.ct });
    const body = (await r.json()) as {
      kind: string;
      reason: string;
      message: string;
      details?: { causes?: { field?: string }[] };
    };
    assert.equal(r.status, c.code, `${c.name}: ${JSON.stringify(body)}`);
    assert.equal(body.kind, "Status", c.name);
    assert.equal(body.reason, c.reason, c.name);
    assert.ok(body.message.length > 0, c.name);
    assert.doesNotMatch(body.message, /\n\s+at /, `${c.name}: no stack trace`);
    if (c.field)
      assert.ok(
        body.details?.causes?.some((x) => x.field === c.field),
        `${c.name}: cause names ${c.field}: ${JSON.stringify(body)}`,
      );
  }
  const big = await api.req("POST", CMS, {
    raw: JSON.stringify(cm("big", { x: "y".repeat(3 * 1024 * 1024 + 10) })),
  });
  assert.equal(big.status, 413);
  assert.equal(((await big.json()) as { reason: string }).reason, "RequestEntityTooLarge");
  const unknown = await api.req("GET", "/apis/nope.example.com/v1/widgets");
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { kind: string }).kind, "Status");
  assert.equal(await count(), 0, "nothing was written");
  assert.equal((await api.json("GET", `${CMS}/big`)).status, 404);
});

test("unknown fields: Strict rejects, Warn drops with a Warning header", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const body = {
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    metadata: { name: "c1" },
    spec: { bogus: 1 },
  };
  const strict = await api.req("POST", `${CLUSTERS}?fieldValidation=Strict`, { body });
  assert.equal(strict.status, 400);
  assert.match(((await strict.json()) as { message: string }).message, /unknown field "spec.bogus"/);
  const warn = await api.req("POST", `${CLUSTERS}?fieldValidation=Warn`, { body });
  assert.equal(warn.status, 201);
  assert.match(warn.headers.get("warning") ?? "", /unknown field \\?"spec.bogus\\?"/);
  const stored = (await warn.json()) as { spec: Record<string, unknown> };
  assert.equal(stored.spec.bogus, undefined);
});

test("namespaced objects need an existing namespace; deleting a namespace empties it", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const missing = await api.json<{ reason: string }>(
    "POST",
    "/api/v1/namespaces/nowhere/configmaps",
    cm("x"),
  );
  assert.equal(missing.status, 404);
  assert.equal(
    (
      await api.json("POST", "/api/v1/namespaces", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "team-a" },
      })
    ).status,
    201,
  );
  assert.equal((await api.json("POST", "/api/v1/namespaces/team-a/configmaps", cm("x"))).status, 201);
  assert.equal((await api.json("DELETE", "/api/v1/namespaces/team-a")).status, 200);
  for (let i = 0; i < 50; i++) {
    if ((await api.json("GET", "/api/v1/namespaces/team-a")).status === 404) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal((await api.json("GET", "/api/v1/namespaces/team-a")).status, 404);
  assert.equal((await api.json("GET", "/api/v1/namespaces/team-a/configmaps/x")).status, 404);
});

test("discovery and OpenAPI describe served kinds; a CRD adds one", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const groups = await api.json<{ groups: { name: string }[] }>("GET", "/apis");
  assert.ok(groups.body.groups.some((g) => g.name === "mcp.platform"));
  assert.ok(groups.body.groups.some((g) => g.name === "apps"));
  const mcp = await api.json<{ resources: { name: string; namespaced: boolean; kind: string }[] }>(
    "GET",
    "/apis/mcp.platform/v1",
  );
  assert.ok(mcp.body.resources.some((r) => r.name === "clusters" && !r.namespaced && r.kind === "Cluster"));
  assert.ok(mcp.body.resources.some((r) => r.name === "clusters/status"));
  const idx = await api.json<{ paths: Record<string, { serverRelativeURL: string }> }>("GET", "/openapi/v3");
  const doc = await api.json<{ paths: Record<string, { patch?: { parameters: { name: string }[] } }> }>(
    "GET",
    idx.body.paths["apis/mcp.platform/v1"].serverRelativeURL.split("?")[0],
  );
  assert.ok(
    doc.body.paths["/apis/mcp.platform/v1/clusters/{name}"].patch?.parameters.some(
      (p) => p.name === "fieldValidation",
    ),
  );

  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { kind: "Widget", plural: "widgets", singular: "widget", shortNames: ["wd"] },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: { spec: { type: "object", properties: { size: { type: "integer" } } } },
            },
          },
        },
      ],
    },
  };
  assert.equal(
    (await api.json("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).status,
    201,
  );
  let listed = 0;
  for (let i = 0; i < 50 && listed !== 200; i++) {
    listed = (await api.req("GET", "/apis/example.com/v1/namespaces/default/widgets")).status;
    if (listed !== 200) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(listed, 200);
  const w = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1" }, spec: { size: 3 } };
  assert.equal((await api.json("POST", "/apis/example.com/v1/namespaces/default/widgets", w)).status, 201);
  const bad = await api.json<{ reason: string }>("POST", "/apis/example.com/v1/namespaces/default/widgets", {
    ...w,
    metadata: { name: "w2" },
    spec: { size: "big" },
  });
  assert.equal(bad.status, 422);
  const est = await api.json<{ status: { conditions: { type: string; status: string }[] } }>(
    "GET",
    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com",
  );
  assert.ok(est.body.status.conditions.some((c) => c.type === "Established" && c.status === "True"));
});

test("authentication and authorization: 401 without credentials, 403 names user, verb and resource", async (t) => {
  const api = await startTestApi({ users: { bob: { name: "bob", groups: ["system:authenticated"] } } });
  t.after(() => api.close());
  const anon = await api.req("GET", CMS, { token: "" });
  assert.equal(anon.status, 401);
  const bad = await api.req("GET", CMS, { token: "nope" });
  assert.equal(bad.status, 401);
  const denied = await api.req("GET", CMS, { token: "bob" });
  assert.equal(denied.status, 403);
  const msg = ((await denied.json()) as { message: string }).message;
  assert.match(
    msg,
    /User "bob" cannot list resource "configmaps" in API group "" in the namespace "default"/,
  );
  assert.equal((await api.req("GET", "/healthz", { token: "" })).status, 200);
  assert.equal((await api.req("GET", "/metrics", { token: "" })).status, 200);
});

test("re-applying an unchanged object writes nothing; namespaces get Kubernetes' defaults", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const apply = async (path: string, obj: unknown) => {
    const r = await api.req("PATCH", `${path}?fieldManager=tester`, {
      raw: JSON.stringify(obj),
      contentType: "application/apply-patch+yaml",
    });
    return (await r.json()) as {
      metadata: { resourceVersion: string; labels?: Record<string, string> };
      status?: { phase?: string };
    };
  };
  const cluster = {
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    metadata: { name: "c1" },
    spec: { mode: "Push" },
  };
  const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "n1" } };
  for (const [path, obj] of [
    [`${CLUSTERS}/c1`, cluster],
    ["/api/v1/namespaces/n1", ns],
  ] as const) {
    const first = await apply(path, obj);
    const again = await apply(path, obj);
    assert.equal(again.metadata.resourceVersion, first.metadata.resourceVersion, `${path}: no write`);
  }
  const n1 = await api.json<{ metadata: { labels: Record<string, string> }; status: { phase: string } }>(
    "GET",
    "/api/v1/namespaces/n1",
  );
  assert.equal(n1.body.metadata.labels["kubernetes.io/metadata.name"], "n1");
  assert.equal(n1.body.status.phase, "Active");
});

test("events can be selected by their involved object, as kubectl describe does", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const sel = encodeURIComponent(
    "involvedObject.name=web,involvedObject.namespace=default,involvedObject.uid=u1",
  );
  const r = await api.req("GET", `/api/v1/namespaces/default/events?fieldSelector=${sel}`);
  assert.equal(r.status, 200);
});

test("self subject reviews answer `kubectl auth can-i` and `whoami` for the caller", async (t) => {
  const api = await startTestApi({ users: { bob: { name: "bob", groups: ["system:authenticated"] } } });
  t.after(() => api.close());
  const review = (resource: string, token: string) =>
    api.req("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
      token,
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { verb: "list", resource, namespace: "default" } },
      },
    });
  const admin = await review("configmaps", "admin");
  assert.equal(admin.status, 201);
  assert.equal(((await admin.json()) as { status: { allowed: boolean } }).status.allowed, true);
  const bob = await review("configmaps", "bob");
  assert.equal(((await bob.json()) as { status: { allowed: boolean } }).status.allowed, false);
  const who = await api.req("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", {
    token: "bob",
    body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
  });
  assert.equal(
    ((await who.json()) as { status: { userInfo: { username: string } } }).status.userInfo.username,
    "bob",
  );
  assert.equal((await api.json("GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")).status, 405);
});
