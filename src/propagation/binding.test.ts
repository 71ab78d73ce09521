import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bindingLocation, desiredBinding, desiredBindingSpec } from "./binding.ts";

const web = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web", uid: "u-web" };
const api = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "api", uid: "u-api" };
const policy = {
  ref: {
    apiVersion: "mcp.platform/v1",
    kind: "PropagationPolicy",
    namespace: "shop",
    name: "app",
    uid: "u-p",
  },
  options: {
    conflictResolution: "Overwrite" as const,
    retainFields: ["spec.replicas"],
    preserveResourcesOnDeletion: true,
  },
};

describe("the desired ResourceBinding", () => {
  it("is named <name>-<kind lower> beside the template, in mcp-system for cluster-scoped ones", () => {
    assert.deepEqual(bindingLocation(web), { namespace: "shop", name: "web-deployment" });
    assert.deepEqual(bindingLocation({ kind: "ClusterRole", name: "reader" }), {
      namespace: "mcp-system",
      name: "reader-clusterrole",
    });
  });

  it("is shortened with a stable hash when <name>-<kind> is no valid name (253 characters, RBAC names)", () => {
    const long = { kind: "Deployment", namespace: "shop", name: `${"a".repeat(250)}bc` };
    const loc = bindingLocation(long);
    assert.equal(loc.name.length, 253);
    assert.match(loc.name, /^a+-[0-9a-f]{10}$/);
    assert.equal(bindingLocation(long).name, loc.name, "the same template, the same name");
    const sibling = bindingLocation({ ...long, name: `${"a".repeat(250)}bd` });
    assert.notEqual(sibling.name, loc.name, "names sharing the cut prefix still differ");
    assert.notEqual(bindingLocation({ ...long, kind: "StatefulSet" }).name, loc.name);
    // ClusterRoles may have ':' and upper case, which no binding name may.
    const role = bindingLocation({ kind: "ClusterRole", name: "Team:Readers" });
    assert.match(role.name, /^team-readers-clusterrole-[0-9a-f]{10}$/);
    assert.notEqual(bindingLocation({ kind: "ClusterRole", name: "team:readers" }).name, role.name);
    const b = desiredBinding({ template: { ...web, name: long.name }, clusters: [] });
    assert.equal(b.metadata.name, loc.name);
    assert.equal(b.metadata.labels?.["mcp.platform/template-uid"], "u-web");
    assert.equal(
      desiredBinding({ template: web, at: { namespace: "shop", name: "kept" }, clusters: [] }).metadata.name,
      "kept",
    );
  });

  it("is owned by the template without blocking its deletion, and carries the policy's decision and options", () => {
    const b = desiredBinding({
      template: web,
      policy,
      clusters: [
        { name: "b", replicas: 2 },
        { name: "a", replicas: 4 },
      ],
      replicas: 6,
    });
    assert.deepEqual(b.metadata, {
      name: "web-deployment",
      namespace: "shop",
      labels: { "mcp.platform/template-uid": "u-web" },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: "web",
          uid: "u-web",
          controller: true,
          blockOwnerDeletion: false,
        },
      ],
    });
    assert.deepEqual(b.spec, {
      resource: web,
      policy: policy.ref,
      clusters: [
        { name: "a", replicas: 4 },
        { name: "b", replicas: 2 },
      ],
      replicas: 6,
      conflictResolution: "Overwrite",
      retainFields: ["spec.replicas"],
      preserveResourcesOnDeletion: true,
    });
  });

  it("a dependency: clusters are the union of its requirers', options follow them", () => {
    const spec = desiredBindingSpec({
      template: { apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "cfg", uid: "u-cfg" },
      clusters: [],
      requiredBy: [
        { ref: web, clusters: ["b", "a"], options: { conflictResolution: "Overwrite" } },
        {
          ref: api,
          clusters: ["c", "a"],
          options: { suspendDispatching: true, immutableFieldChange: "Recreate" },
        },
      ],
    });
    assert.deepEqual(spec, {
      resource: { apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "cfg", uid: "u-cfg" },
      requiredBy: [api, web],
      clusters: [{ name: "a" }, { name: "b" }, { name: "c" }],
      conflictResolution: "Overwrite",
      // An immutable ConfigMap changed at the hub: re-created if any requirer's policy says so.
      immutableFieldChange: "Recreate",
    });
  });

  it("a Namespace only needed by templates is kept in the members on deletion; one a policy selects follows the policy", () => {
    const ns = { apiVersion: "v1", kind: "Namespace", name: "shop", uid: "u-ns" };
    const required = desiredBindingSpec({
      template: ns,
      clusters: [],
      requiredBy: [{ ref: web, clusters: ["a"], options: {} }],
    });
    assert.equal(required.preserveResourcesOnDeletion, true);
    const selected = desiredBindingSpec({
      template: ns,
      policy: { ...policy, options: {} },
      clusters: [{ name: "c" }],
      requiredBy: [{ ref: web, clusters: ["a"], options: {} }],
    });
    assert.equal(selected.preserveResourcesOnDeletion, undefined);
    assert.deepEqual(selected.clusters, [{ name: "a" }, { name: "c" }]);
  });

  it("carries graceful evictions", () => {
    const evictions = [{ cluster: "a", reason: "ClusterNotReady", since: "2026-01-01T00:00:00.000Z" }];
    const spec = desiredBindingSpec({
      template: web,
      policy,
      clusters: [{ name: "b", replicas: 6 }],
      replicas: 6,
      evictions,
    });
    assert.deepEqual(spec.gracefulEvictions, evictions);
  });
});
