import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Discovery, objectRef, qualifiedPlural, resolveResource, resourcePath } from "./resources.ts";

// Discovery documents recorded from a running hub (GET /api/v1, /apis and every /apis/<g>/<v>).
const fixture = JSON.parse(
  readFileSync(new URL("./testdata/discovery.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

function fixtureDiscovery(fetched: string[] = []): Discovery {
  return new Discovery(async (path) => {
    fetched.push(path);
    return fixture[path];
  });
}

test("resolves plural, singular, kind and short names, in any case", async () => {
  const all = await fixtureDiscovery().all();
  const cases: [string, string][] = [
    ["clusters", "clusters.mcp.platform"],
    ["cluster", "clusters.mcp.platform"],
    ["Cluster", "clusters.mcp.platform"],
    ["MC", "clusters.mcp.platform"],
    ["deploy", "deployments.apps"],
    ["Deployment", "deployments.apps"],
    ["cm", "configmaps"],
    ["ns", "namespaces"],
    ["pp", "propagationpolicies.mcp.platform"],
    ["cpp", "clusterpropagationpolicies.mcp.platform"],
    ["crds", "customresourcedefinitions.apiextensions.k8s.io"],
  ];
  for (const [typed, want] of cases) {
    const r = resolveResource(all, typed);
    assert.equal(r && qualifiedPlural(r), want, typed);
  }
});

test("resolves kind.group and plural.version.group forms", async () => {
  const all = await fixtureDiscovery().all();
  assert.equal(resolveResource(all, "clusters.mcp.platform")?.kind, "Cluster");
  assert.equal(resolveResource(all, "Cluster.mcp.platform")?.kind, "Cluster");
  assert.equal(resolveResource(all, "deployments.v1.apps")?.kind, "Deployment");
  assert.equal(resolveResource(all, "deployments.apps")?.group, "apps");
  // A group that does not serve the name is no match, even if another group does.
  assert.equal(resolveResource(all, "deployments.batch"), undefined);
});

test("an unknown name is a one-line error worded like kubectl's", async () => {
  await assert.rejects(fixtureDiscovery().resolve("frobs"), {
    message: 'the server doesn\'t have a resource type "frobs"',
  });
});

test("subresources are not resources", async () => {
  const all = await fixtureDiscovery().all();
  assert.ok(all.every((r) => !r.name.includes("/")));
  assert.equal(resolveResource(all, "clusters/status"), undefined);
});

test("forKind maps a manifest's apiVersion and kind, fetching only that group version", async () => {
  const fetched: string[] = [];
  const d = fixtureDiscovery(fetched);
  const cluster = await d.forKind("mcp.platform/v1", "Cluster");
  assert.deepEqual(
    cluster && {
      group: cluster.group,
      version: cluster.version,
      name: cluster.name,
      namespaced: cluster.namespaced,
    },
    { group: "mcp.platform", version: "v1", name: "clusters", namespaced: false },
  );
  assert.equal((await d.forKind("v1", "ConfigMap"))?.namespaced, true);
  assert.equal(await d.forKind("v1", "Nope"), undefined);
  assert.equal(await d.forKind("example.com/v1", "Widget"), undefined);
  assert.deepEqual(fetched, ["/apis/mcp.platform/v1", "/api/v1", "/apis/example.com/v1"]);
});

test("documents are fetched once per invocation until refreshed", async () => {
  const fetched: string[] = [];
  const d = fixtureDiscovery(fetched);
  await d.resolve("mc");
  const first = fetched.length;
  await d.resolve("deploy");
  await d.forKind("v1", "ConfigMap");
  assert.equal(fetched.length, first);
  d.refresh();
  await d.resolve("mc");
  assert.equal(fetched.length, first * 2);
});

test("paths and names follow the Kubernetes conventions", async () => {
  const all = await fixtureDiscovery().all();
  const cm = resolveResource(all, "cm");
  const mc = resolveResource(all, "mc");
  const deploy = resolveResource(all, "deploy");
  assert.ok(cm && mc && deploy);
  assert.equal(resourcePath(cm, "shop", "web"), "/api/v1/namespaces/shop/configmaps/web");
  assert.equal(resourcePath(cm), "/api/v1/configmaps");
  assert.equal(resourcePath(mc, "shop", "east-1"), "/apis/mcp.platform/v1/clusters/east-1");
  assert.equal(
    resourcePath(deploy, "shop", "web", "scale"),
    "/apis/apps/v1/namespaces/shop/deployments/web/scale",
  );
  assert.equal(objectRef(deploy, "web"), "deployment.apps/web");
  assert.equal(objectRef(cm, "x"), "configmap/x");
});
