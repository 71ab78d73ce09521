import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bootstrapRbac } from "./bootstrap-rbac.ts";
import { authorizeSync } from "./rbac.ts";
import { MemoryRbacSource } from "./rbac-cache.ts";
import { bob, can, clusterBinding, G, roleBinding, user, userSubject } from "./rbac-fixtures.ts";
import type { AuthzAttributes, UserInfo } from "./types.ts";

describe("bootstrap RBAC", () => {
  const objects = bootstrapRbac();
  const source = MemoryRbacSource.of([
    ...objects,
    roleBinding("dev", "v", ["ClusterRole", "view"], [userSubject("viewer")]),
    roleBinding("dev", "e", ["ClusterRole", "edit"], [userSubject("editor")]),
    roleBinding("dev", "a", ["ClusterRole", "admin"], [userSubject("owner")]),
    clusterBinding("root", ["ClusterRole", "cluster-admin"], [userSubject("root")]),
  ]);
  const path = (u: UserInfo, p: string): AuthzAttributes => ({
    user: u,
    verb: "get",
    resourceRequest: false,
    path: p,
  });

  test("is well-formed data the server can store", () => {
    for (const o of objects) {
      assert.equal(o.apiVersion, "rbac.authorization.k8s.io/v1");
      assert.ok(o.metadata.name);
    }
    assert.deepEqual(
      objects.filter((o) => o.kind === "ClusterRole").map((o) => o.metadata.name),
      ["cluster-admin", "admin", "edit", "view", "system:discovery", "system:basic-user"],
    );
    objects[0].metadata.name = "mutated";
    assert.equal(bootstrapRbac()[0].metadata.name, "cluster-admin", "fresh copies");
  });

  test("every authenticated user may discover the API, and nothing else", () => {
    for (const p of [
      "/api",
      "/apis",
      "/apis/mcp.platform/v1",
      "/version",
      "/openapi/v2",
      "/healthz",
      "/readyz",
      "/livez",
    ]) {
      assert.equal(authorizeSync(source, path(bob, p)).allowed, true, p);
    }
    assert.equal(authorizeSync(source, path(bob, "/metrics")).allowed, false);
    assert.equal(
      authorizeSync(source, path({ name: "system:anonymous", groups: ["system:unauthenticated"] }, "/apis"))
        .allowed,
      false,
    );
    assert.equal(can(source, bob, { verb: "list", resource: "pods", namespace: "dev" }), false);
    assert.equal(
      can(source, bob, {
        verb: "create",
        apiGroup: "authorization.k8s.io",
        resource: "selfsubjectaccessreviews",
      }),
      true,
    );
  });

  test("view reads but not secrets; edit writes workloads but not RBAC; admin manages RBAC in its namespace", () => {
    const viewer = user("viewer");
    const editor = user("editor");
    const owner = user("owner");
    assert.equal(can(source, viewer, { verb: "list", resource: "pods", namespace: "dev" }), true);
    assert.equal(
      can(source, viewer, { verb: "get", resource: "secrets", namespace: "dev", name: "s" }),
      false,
    );
    assert.equal(
      can(source, viewer, { verb: "delete", resource: "pods", namespace: "dev", name: "p" }),
      false,
    );
    const deploy = { apiGroup: "apps", resource: "deployments", namespace: "dev" };
    assert.equal(can(source, editor, { verb: "create", ...deploy }), true);
    assert.equal(
      can(source, editor, { verb: "get", resource: "secrets", namespace: "dev", name: "s" }),
      true,
    );
    assert.equal(
      can(source, editor, { verb: "create", apiGroup: G, resource: "rolebindings", namespace: "dev" }),
      false,
    );
    assert.equal(
      can(source, owner, { verb: "create", apiGroup: G, resource: "rolebindings", namespace: "dev" }),
      true,
    );
    assert.equal(
      can(source, owner, { verb: "create", apiGroup: G, resource: "rolebindings", namespace: "prod" }),
      false,
    );
    assert.equal(
      can(source, user("root"), { verb: "delete", apiGroup: "mcp.platform", resource: "clusters" }),
      true,
    );
    assert.equal(authorizeSync(source, path(user("root"), "/metrics")).allowed, true);
  });
});
