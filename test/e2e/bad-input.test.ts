// Bad input against the real hub, over raw HTTPS: every mistake a client can make is answered
// with the right 4xx as a Kubernetes Status (reason, message, field causes), never a stack
// trace, and none of them writes anything. kubectl users see a clear error and a non-zero exit.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ApiClient, apiClient } from "./support/api.ts";
import { type HubProcess, startHub } from "./support/hub.ts";
import { kubectl } from "./support/kubectl.ts";
import { manifestFile } from "./support/manifests.ts";
import { assertNoStackTrace, assertStatus, causeFields } from "./support/status.ts";
import { eventually } from "./support/wait.ts";

const CLUSTERS = "/apis/mcp.platform/v1/clusters";
const CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
const DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";
const NAMESPACES = "/api/v1/namespaces";

let hub: HubProcess;
let api: ApiClient;
/**
 * What a user can see of every object in the lists below, before any bad request: identity and
 * content, not resourceVersion, since controllers may legitimately update a Cluster's status.
 */
let before_: Record<string, string[]>;

const cluster = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: "mcp.platform/v1",
  kind: "Cluster",
  metadata: { name },
  spec,
});
const configMap = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, ...extra },
  data: { a: "b" },
});
/** A ConfigMap just over the hub's 3 MiB body limit. */
const oversized = () => ({ ...configMap("too-big"), data: { blob: "x".repeat(3 * 1024 * 1024 + 16) } });
const post = (path: string, body: unknown, contentType?: string) =>
  api.request("POST", path, { body, contentType });

interface Listed {
  metadata: { name: string; uid: string; generation?: number; labels?: unknown; annotations?: unknown };
  spec?: unknown;
  data?: unknown;
}

async function snapshot(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const path of [CLUSTERS, CONFIGMAPS, DEPLOYMENTS, NAMESPACES]) {
    const res = await api.request("GET", path);
    assert.equal(res.status, 200, res.text);
    out[path] = res
      .json<{ items: Listed[] }>()
      .items.map(({ metadata: m, spec, data }) =>
        JSON.stringify([m.name, m.uid, m.generation, m.labels, m.annotations, spec, data]),
      )
      .sort();
  }
  return out;
}

before(async () => {
  hub = await startHub();
  api = await apiClient(hub.kubeconfigPath);
  assert.equal(
    (await post(CLUSTERS, cluster("base", { mode: "Push", apiEndpoint: "https://10.0.0.9" }))).status,
    201,
  );
  assert.equal((await post(CONFIGMAPS, configMap("base"))).status, 201);
  before_ = await snapshot();
});
after(async () => {
  await hub?.close();
});

describe("undecodable bodies are 400 BadRequest", () => {
  test("invalid YAML (application/yaml) names the problem", async () => {
    const res = await post(
      CONFIGMAPS,
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n  bad: [\n",
      "application/yaml",
    );
    const st = assertStatus(res, 400, "BadRequest");
    assert.match(st.message, /YAML/);
  });

  test("more than one YAML document in a create is refused", async () => {
    const two =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\n";
    assertStatus(await post(CONFIGMAPS, two, "application/yaml"), 400, "BadRequest");
  });

  test("invalid JSON names the problem", async () => {
    const st = assertStatus(await post(CONFIGMAPS, '{"apiVersion": "v1", "kind":'), 400, "BadRequest");
    assert.match(st.message, /JSON/);
  });

  test("a body that is not an object, or empty", async () => {
    assertStatus(await post(CONFIGMAPS, "[1, 2]"), 400, "BadRequest");
    assertStatus(await post(CONFIGMAPS, "   "), 400, "BadRequest");
  });

  test("missing apiVersion or kind, with the field as the cause", async () => {
    const noApiVersion = assertStatus(
      await post(CONFIGMAPS, { kind: "ConfigMap", metadata: { name: "x" } }),
      400,
      "BadRequest",
    );
    assert.match(noApiVersion.message, /apiVersion/);
    assert.deepEqual(causeFields(noApiVersion), ["apiVersion"]);
    const noKind = assertStatus(
      await post(CONFIGMAPS, { apiVersion: "v1", metadata: { name: "x" } }),
      400,
      "BadRequest",
    );
    assert.match(noKind.message, /[Kk]ind/);
    assert.deepEqual(causeFields(noKind), ["kind"]);
  });

  test("a kind that does not belong at the URL", async () => {
    const st = assertStatus(
      await post(CONFIGMAPS, { apiVersion: "v1", kind: "Secret", metadata: { name: "x" } }),
      400,
      "BadRequest",
    );
    assert.match(st.message, /Secret/);
  });

  test("a body in an unsupported media type is 415", async () => {
    assertStatus(await post(CONFIGMAPS, "name=x", "text/plain"), 415, "UnsupportedMediaType");
  });
});

describe("invalid objects are 422 Invalid with field causes", () => {
  test("wrong field types on a Cluster: spec.syncInterval 30 (a number)", async () => {
    const st = assertStatus(
      await post(CLUSTERS, cluster("bad-interval", { syncInterval: 30 })),
      422,
      "Invalid",
    );
    assert.deepEqual(causeFields(st), ["spec.syncInterval"]);
    assert.equal(st.details?.kind, "Cluster");
    assert.equal(st.details?.name, "bad-interval");
    assert.match(st.message, /spec\.syncInterval/);
    assert.match(st.message, /string/, "says what type was expected");
  });

  test("every problem is reported at once: bad enum and bad duration", async () => {
    const st = assertStatus(
      await post(CLUSTERS, cluster("bad-both", { mode: "Sideways", syncInterval: "soon" })),
      422,
      "Invalid",
    );
    assert.deepEqual(causeFields(st).sort(), ["spec.mode", "spec.syncInterval"]);
    const mode = st.details?.causes?.find((c) => c.field === "spec.mode");
    assert.equal(mode?.reason, "FieldValueNotSupported");
    assert.match(mode?.message ?? "", /"Push", "Pull"/, "lists the supported values");
  });

  test("nested paths are exact: spec.taints[0].effect", async () => {
    const st = assertStatus(
      await post(CLUSTERS, cluster("bad-taint", { taints: [{ key: "gpu", effect: "Sometimes" }] })),
      422,
      "Invalid",
    );
    assert.deepEqual(causeFields(st), ["spec.taints[0].effect"]);
  });

  test("invalid DNS-1123 names", async () => {
    const cases: [string, unknown, RegExp][] = [
      [CLUSTERS, cluster("-bad-", { mode: "Push" }), /RFC 1123 subdomain/],
      [CONFIGMAPS, configMap("Bad_Name"), /RFC 1123 subdomain/],
      [CONFIGMAPS, configMap("a".repeat(254)), /no more than 253 characters/],
      // Namespaces are DNS-1123 labels: no dots.
      [NAMESPACES, { apiVersion: "v1", kind: "Namespace", metadata: { name: "team.a" } }, /RFC 1123 label/],
    ];
    for (const [path, body, message] of cases) {
      const st = assertStatus(await post(path, body), 422, "Invalid");
      assert.deepEqual(causeFields(st), ["metadata.name"], JSON.stringify(st));
      assert.match(st.message, message);
    }
  });

  test("an invalid label key", async () => {
    const st = assertStatus(
      await post(CONFIGMAPS, configMap("bad-label", { labels: { "bad key!": "v" } })),
      422,
      "Invalid",
    );
    assert.deepEqual(causeFields(st), ["metadata.labels"]);
  });

  test("an invalid patch leaves the object as it was", async () => {
    const res = await api.request("PATCH", `${CLUSTERS}/base`, {
      body: { spec: { syncInterval: 30 } },
      contentType: "application/merge-patch+json",
    });
    assert.deepEqual(causeFields(assertStatus(res, 422, "Invalid")), ["spec.syncInterval"]);
    const badOp = await api.request("PATCH", `${CLUSTERS}/base`, {
      body: [{ op: "frobnicate", path: "/spec/mode" }],
      contentType: "application/json-patch+json",
    });
    assertNoStackTrace(badOp.text);
    assert.ok([400, 422].includes(badOp.status), badOp.text);
    assert.equal(badOp.json<{ kind: string }>().kind, "Status");
  });
});

describe("other client errors", () => {
  test("a body over 3 MiB is 413", async () => {
    const st = assertStatus(await post(CONFIGMAPS, oversized()), 413, "RequestEntityTooLarge");
    assert.match(st.message, /3145728/);
  });

  test("unknown resource paths are 404 NotFound", async () => {
    for (const path of [
      "/apis/mcp.platform/v1/nothings",
      "/apis/nope.example.com/v1/things",
      "/api/v1/namespaces/default/frobs",
      `${CLUSTERS}/base/nosuchsubresource`,
    ]) {
      assertStatus(await api.request("GET", path), 404, "NotFound");
    }
    const missing = assertStatus(await api.request("GET", `${CLUSTERS}/nope`), 404, "NotFound");
    assert.match(missing.message, /clusters\.mcp\.platform "nope" not found/);
  });

  test("creating in a namespace that does not exist is 404", async () => {
    const st = assertStatus(
      await post("/api/v1/namespaces/nope/configmaps", configMap("x")),
      404,
      "NotFound",
    );
    assert.match(st.message, /namespaces "nope" not found/);
  });

  test("creating what exists is 409 AlreadyExists", async () => {
    assertStatus(await post(CLUSTERS, cluster("base", { mode: "Pull" })), 409, "AlreadyExists");
  });

  test("a PUT with a stale resourceVersion is 409 Conflict and changes nothing", async () => {
    // The ConfigMap has no controller: its resourceVersion must not move at all.
    const cm = (await api.request("GET", `${CONFIGMAPS}/base`)).json<
      Listed & { metadata: { resourceVersion: string } }
    >();
    const staleCm = {
      ...configMap("base"),
      data: { a: "changed" },
      metadata: { name: "base", resourceVersion: String(Number(cm.metadata.resourceVersion) - 1) },
    };
    assertStatus(await api.request("PUT", `${CONFIGMAPS}/base`, { body: staleCm }), 409, "Conflict");
    assert.deepEqual((await api.request("GET", `${CONFIGMAPS}/base`)).json(), cm);

    const current = (await api.request("GET", `${CLUSTERS}/base`)).json<{
      metadata: { resourceVersion: string; generation: number };
      spec: Record<string, unknown>;
    }>();
    const stale = String(Number(current.metadata.resourceVersion) - 1);
    const body = {
      ...cluster("base", { mode: "Pull", apiEndpoint: "https://10.9.9.9" }),
      metadata: { name: "base", resourceVersion: stale },
    };
    const st = assertStatus(await api.request("PUT", `${CLUSTERS}/base`, { body }), 409, "Conflict");
    assert.match(st.message, /the object has been modified/);
    const after_ = (await api.request("GET", `${CLUSTERS}/base`)).json<typeof current>();
    assert.deepEqual(after_.spec, current.spec);
    assert.equal(after_.metadata.generation, current.metadata.generation);
  });

  test("a PUT whose name differs from the URL is 400", async () => {
    const body = cluster("other", { mode: "Pull" });
    assertStatus(await api.request("PUT", `${CLUSTERS}/base`, { body }), 400, "BadRequest");
  });
});

test("after all of the above, nothing was written", async () => {
  assert.deepEqual(await snapshot(), before_);
});

describe("kubectl create -f with bad manifests prints a clear error and exits non-zero", () => {
  const run = async (name: string, text: string) => {
    const path = await manifestFile(hub.dataDir, name, text);
    const r = await kubectl(["create", "-f", path], { kubeconfig: hub.kubeconfigPath });
    assert.notEqual(r.code, 0, `kubectl succeeded: ${r.stdout}`);
    assertNoStackTrace(r.stderr);
    return r;
  };

  test("a wrongly typed field names the field and the expected type", async () => {
    const r = await run(
      "bad-type.yaml",
      "apiVersion: mcp.platform/v1\nkind: Cluster\nmetadata: {name: kubectl-bad}\nspec: {mode: Push, syncInterval: 30}\n",
    );
    assert.match(r.stderr, /The Cluster "kubectl-bad" is invalid: spec\.syncInterval: .*string/);
  });

  test("a misspelt field is refused (kubectl asks for strict validation)", async () => {
    const r = await run(
      "typo.yaml",
      "apiVersion: mcp.platform/v1\nkind: Cluster\nmetadata: {name: kubectl-typo}\nspec: {mode: Push, syncIntervall: 30s}\n",
    );
    assert.match(r.stderr, /unknown field "spec\.syncIntervall"/);
  });

  test("broken YAML", async () => {
    const r = await run("broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n bad: [\n");
    assert.match(r.stderr, /yaml/i);
  });

  test("a kind the hub does not serve says so", async () => {
    const r = await run("unknown-kind.yaml", "apiVersion: example.com/v9\nkind: Frob\nmetadata: {name: x}\n");
    assert.match(r.stderr, /no matches for kind "Frob" in version "example\.com\/v9"/);
  });

  test("and none of them was created", async () => {
    for (const name of ["kubectl-bad", "kubectl-typo"]) {
      assertStatus(await api.request("GET", `${CLUSTERS}/${name}`), 404, "NotFound");
    }
  });
});

test('wrong field types on a built-in template kind: Deployment spec.replicas "three"', async () => {
  // Templates are propagated to member clusters as they are: a hub that stores a Deployment no
  // cluster will accept only moves the error to every member, far from the user.
  const body = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "typed" },
    spec: {
      replicas: "three",
      selector: { matchLabels: { app: "typed" } },
      template: {
        metadata: { labels: { app: "typed" } },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
    },
  };
  const res = await post(DEPLOYMENTS, body);
  try {
    assertNoStackTrace(res.text);
    assert.ok(
      res.status === 400 || res.status === 422,
      `expected 400 or 422, got ${res.status}: ${res.text}`,
    );
    const st = res.json<{ kind: string; message: string }>();
    assert.equal(st.kind, "Status");
    assert.match(st.message, /spec\.replicas/);
  } finally {
    if (res.status === 201) await api.request("DELETE", `${DEPLOYMENTS}/typed`);
  }
});

// Last, because when it fails it has taken the hub down with it.
test("a body over 3 MiB sent chunked (no Content-Length) is 413 and the hub keeps serving", async () => {
  const res = await api.request("POST", CONFIGMAPS, { body: oversized(), chunked: true });
  assertStatus(res, 413, "RequestEntityTooLarge");
  const health = await eventually(() => api.request("GET", "/healthz"), { timeoutMs: 10_000 }).catch(
    (e) => e,
  );
  assert.ok(!(health instanceof Error), `hub stopped answering: ${health}\n${hub.output().stderr}`);
  assert.equal(health.status, 200);
  assertStatus(await api.request("GET", `${CONFIGMAPS}/too-big`), 404, "NotFound");
});
