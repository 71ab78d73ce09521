import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { authorizeSync, forbiddenMessage, rbacAuthorizer, rulesFor } from "./rbac.ts";
import { MemoryRbacSource } from "./rbac-cache.ts";
import {
  bob,
  can,
  clusterBinding,
  clusterRole,
  groupSubject,
  res,
  role,
  roleBinding,
  user,
  userSubject,
} from "./rbac-fixtures.ts";
import type { AuthzAttributes } from "./types.ts";

describe("RBAC over Roles and RoleBindings", () => {
  const source = MemoryRbacSource.of([
    role("dev", "pod-reader", [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }]),
    roleBinding("dev", "bob-reads-pods", ["Role", "pod-reader"], [userSubject("bob")]),
    // A binding in prod that names a Role only dev has must not borrow dev's Role.
    roleBinding("prod", "bob-borrow", ["Role", "pod-reader"], [userSubject("bob")]),
  ]);

  test("grants exactly the verbs and resources of the role, in its namespace", () => {
    assert.equal(can(source, bob, { verb: "list", resource: "pods", namespace: "dev" }), true);
    assert.equal(can(source, bob, { verb: "get", resource: "pods", namespace: "dev", name: "web-1" }), true);
    assert.equal(can(source, bob, { verb: "list", resource: "pods", namespace: "prod" }), false);
    assert.equal(can(source, bob, { verb: "create", resource: "pods", namespace: "dev" }), false);
    assert.equal(can(source, bob, { verb: "list", resource: "secrets", namespace: "dev" }), false);
    assert.equal(can(source, bob, { verb: "list", resource: "pods" }), false, "cluster scope");
    assert.equal(
      can(source, bob, { verb: "list", resource: "pods", namespace: "dev", apiGroup: "apps" }),
      false,
    );
    assert.equal(can(source, user("carol"), { verb: "list", resource: "pods", namespace: "dev" }), false);
  });

  test("a subresource needs its own grant", () => {
    assert.equal(
      can(source, bob, { verb: "get", resource: "pods", subresource: "status", namespace: "dev" }),
      false,
    );
  });

  test("denials carry Kubernetes' message and the authorizer interface agrees", async () => {
    const decision = await rbacAuthorizer(source).authorize(
      res(bob, { verb: "list", resource: "pods", namespace: "prod" }),
    );
    assert.deepEqual(decision, {
      allowed: false,
      reason: 'User "bob" cannot list resource "pods" in API group "" in the namespace "prod"',
    });
    const allowed = await rbacAuthorizer(source).authorize(
      res(bob, { verb: "list", resource: "pods", namespace: "dev" }),
    );
    assert.equal(allowed.allowed, true);
    assert.match(allowed.reason ?? "", /RoleBinding "bob-reads-pods" of Role "pod-reader" to User "bob"/);
  });
});

describe("RBAC over ClusterRoles", () => {
  const source = MemoryRbacSource.of([
    clusterRole("pod-reader", [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }]),
    clusterRole("node-reader", [{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list"] }]),
    clusterRole("secret-reader", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]),
    roleBinding("dev", "alice-pods", ["ClusterRole", "pod-reader"], [userSubject("alice")]),
    clusterBinding("sre-nodes", ["ClusterRole", "node-reader"], [groupSubject("sre")]),
    // A ClusterRoleBinding may only reference a ClusterRole; this one is ignored.
    role("dev", "secret-reader", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]),
    clusterBinding("wrong-kind", ["Role", "secret-reader"], [userSubject("alice")]),
  ]);
  const alice = user("alice");

  test("a RoleBinding to a ClusterRole grants only in the binding's namespace", () => {
    assert.equal(can(source, alice, { verb: "watch", resource: "pods", namespace: "dev" }), true);
    assert.equal(can(source, alice, { verb: "watch", resource: "pods", namespace: "prod" }), false);
    assert.equal(can(source, alice, { verb: "list", resource: "pods" }), false);
  });

  test("a ClusterRoleBinding to a group grants everywhere, to members only", () => {
    const sam = user("sam", "sre");
    assert.equal(can(source, sam, { verb: "list", resource: "nodes" }), true);
    assert.equal(can(source, sam, { verb: "get", resource: "nodes", namespace: "any" }), true);
    assert.equal(can(source, sam, { verb: "delete", resource: "nodes" }), false);
    assert.equal(can(source, bob, { verb: "list", resource: "nodes" }), false);
  });

  test("a ClusterRoleBinding that references a Role grants nothing", () => {
    assert.equal(
      can(source, alice, { verb: "get", resource: "secrets", namespace: "dev", name: "x" }),
      false,
    );
  });

  test("members of system:masters are always allowed", () => {
    const root = user("root", "system:masters");
    assert.equal(can(source, root, { verb: "delete", resource: "anything", apiGroup: "x.io" }), true);
    assert.equal(
      authorizeSync(source, { user: root, verb: "post", resourceRequest: false, path: "/x" }).allowed,
      true,
    );
  });
});

describe("RBAC rule matching", () => {
  const source = MemoryRbacSource.of([
    role("dev", "named", [
      { apiGroups: [""], resources: ["configmaps"], resourceNames: ["app-config"], verbs: ["get", "update"] },
    ]),
    role("dev", "wild", [
      { apiGroups: ["*"], resources: ["*/scale"], verbs: ["*"] },
      { apiGroups: ["apps"], resources: ["deployments/status"], verbs: ["get"] },
    ]),
    clusterRole("everything-in-batch", [{ apiGroups: ["batch"], resources: ["*"], verbs: ["*"] }]),
    roleBinding("dev", "bob-named", ["Role", "named"], [userSubject("bob")]),
    roleBinding("dev", "bob-wild", ["Role", "wild"], [userSubject("bob")]),
    roleBinding("dev", "bob-batch", ["ClusterRole", "everything-in-batch"], [userSubject("bob")]),
  ]);
  const cm = { resource: "configmaps", namespace: "dev" };

  test("resourceNames restrict to the named objects, and so cannot allow list or create", () => {
    assert.equal(can(source, bob, { verb: "get", ...cm, name: "app-config" }), true);
    assert.equal(can(source, bob, { verb: "update", ...cm, name: "app-config" }), true);
    assert.equal(can(source, bob, { verb: "get", ...cm, name: "other" }), false);
    assert.equal(can(source, bob, { verb: "list", ...cm }), false);
    assert.equal(can(source, bob, { verb: "create", ...cm }), false);
  });

  test("wildcards match any verb, group or resource; */scale matches any scale subresource only", () => {
    const scale = { subresource: "scale", namespace: "dev", name: "web" };
    assert.equal(
      can(source, bob, { verb: "patch", apiGroup: "apps", resource: "deployments", ...scale }),
      true,
    );
    assert.equal(
      can(source, bob, { verb: "update", apiGroup: "", resource: "replicationcontrollers", ...scale }),
      true,
    );
    assert.equal(
      can(source, bob, { verb: "get", apiGroup: "apps", resource: "deployments", namespace: "dev" }),
      false,
    );
    const status = { apiGroup: "apps", resource: "deployments", subresource: "status", namespace: "dev" };
    assert.equal(can(source, bob, { verb: "get", ...status }), true);
    assert.equal(can(source, bob, { verb: "update", ...status }), false);
    assert.equal(
      can(source, bob, { verb: "deletecollection", apiGroup: "batch", resource: "jobs", namespace: "dev" }),
      true,
    );
    const jobStatus = { apiGroup: "batch", resource: "jobs", subresource: "status", namespace: "dev" };
    assert.equal(can(source, bob, { verb: "update", ...jobStatus }), true, "* covers subresources");
    assert.equal(
      can(source, bob, { verb: "list", apiGroup: "batch", resource: "jobs", namespace: "qa" }),
      false,
    );
  });

  test("rulesFor lists what applies in a namespace", () => {
    assert.equal(rulesFor(source, bob, "dev").length, 4);
    assert.equal(rulesFor(source, bob, "qa").length, 0);
  });
});

describe("RBAC subjects", () => {
  const source = MemoryRbacSource.of([
    clusterRole("reader", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }]),
    roleBinding("ci", "deployer", ["ClusterRole", "reader"], [{ kind: "ServiceAccount", name: "deployer" }]),
    clusterBinding(
      "monitor",
      ["ClusterRole", "reader"],
      [{ kind: "ServiceAccount", name: "prom", namespace: "mon" }],
    ),
    clusterBinding("no-ns", ["ClusterRole", "reader"], [{ kind: "ServiceAccount", name: "ghost" }]),
    roleBinding("shared", "all-sas", ["ClusterRole", "reader"], [groupSubject("system:serviceaccounts:ci")]),
    roleBinding(
      "shared",
      "ci-bot",
      ["ClusterRole", "reader"],
      [{ kind: "ServiceAccount", name: "bot", namespace: "ci" }],
    ),
  ]);
  const sa = (ns: string, name: string) =>
    user(`system:serviceaccount:${ns}:${name}`, "system:serviceaccounts", `system:serviceaccounts:${ns}`);
  const get = (namespace: string) => ({ verb: "get", resource: "configmaps", namespace, name: "c" });

  test("a ServiceAccount subject without a namespace means the binding's namespace", () => {
    assert.equal(can(source, sa("ci", "deployer"), get("ci")), true);
    assert.equal(can(source, sa("other", "deployer"), get("ci")), false);
    assert.equal(can(source, user("deployer"), get("ci")), false, "a plain user of the same name");
  });

  test("a ServiceAccount subject's own namespace wins over the binding's", () => {
    assert.equal(can(source, sa("ci", "bot"), get("shared")), true);
    assert.equal(can(source, sa("shared", "bot"), get("shared")), false);
    assert.equal(can(source, sa("ci", "bot"), get("ci")), false);
  });

  test("a ServiceAccount subject in a ClusterRoleBinding needs its namespace", () => {
    assert.equal(can(source, sa("mon", "prom"), get("anywhere")), true);
    assert.equal(can(source, sa("default", "ghost"), get("anywhere")), false);
  });

  test("service-account groups work as Group subjects", () => {
    assert.equal(can(source, sa("ci", "builder"), get("shared")), true);
    assert.equal(can(source, sa("qa", "builder"), get("shared")), false);
  });
});

describe("non-resource URLs", () => {
  const source = MemoryRbacSource.of([
    clusterRole("probes", [{ nonResourceURLs: ["/healthz", "/metrics*", "/apis/*"], verbs: ["get"] }]),
    clusterBinding("probes", ["ClusterRole", "probes"], [userSubject("bob")]),
    // Non-resource rules only count through ClusterRoleBindings.
    clusterRole("logs", [{ nonResourceURLs: ["/logs"], verbs: ["get"] }]),
    roleBinding("dev", "logs", ["ClusterRole", "logs"], [userSubject("bob")]),
  ]);
  const path = (p: string, verb = "get"): AuthzAttributes => ({
    user: bob,
    verb,
    resourceRequest: false,
    path: p,
  });

  test("match exactly or by a trailing-* prefix, for the granted verbs", () => {
    assert.equal(authorizeSync(source, path("/healthz")).allowed, true);
    assert.equal(authorizeSync(source, path("/healthz/etcd")).allowed, false);
    assert.equal(authorizeSync(source, path("/metrics")).allowed, true);
    assert.equal(authorizeSync(source, path("/metrics/cadvisor")).allowed, true);
    assert.equal(authorizeSync(source, path("/apis/mcp.platform/v1")).allowed, true);
    assert.equal(authorizeSync(source, path("/apis")).allowed, false);
    assert.equal(authorizeSync(source, path("/healthz", "post")).allowed, false);
    assert.equal(authorizeSync(source, path("/logs")).allowed, false);
  });

  test("a resource rule never allows a path", () => {
    const s = MemoryRbacSource.of([
      clusterRole("all-resources", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]),
      clusterBinding("x", ["ClusterRole", "all-resources"], [userSubject("bob")]),
    ]);
    assert.equal(authorizeSync(s, path("/version")).allowed, false);
  });
});

test("forbiddenMessage is Kubernetes' text", () => {
  const base = { user: bob, resourceRequest: true, apiGroup: "" };
  assert.equal(
    forbiddenMessage({ ...base, verb: "list", resource: "pods", namespace: "dev" }),
    'User "bob" cannot list resource "pods" in API group "" in the namespace "dev"',
  );
  assert.equal(
    forbiddenMessage({ ...base, verb: "get", apiGroup: "mcp.platform", resource: "clusters", name: "east" }),
    'User "bob" cannot get resource "clusters" in API group "mcp.platform" at the cluster scope',
  );
  assert.equal(
    forbiddenMessage({
      ...base,
      verb: "update",
      apiGroup: "apps",
      resource: "deployments",
      subresource: "scale",
      namespace: "dev",
    }),
    'User "bob" cannot update resource "deployments/scale" in API group "apps" in the namespace "dev"',
  );
  assert.equal(
    forbiddenMessage({ user: bob, verb: "get", resourceRequest: false, path: "/metrics" }),
    'User "bob" cannot get path "/metrics"',
  );
});
