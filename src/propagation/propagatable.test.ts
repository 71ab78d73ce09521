import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPropagatable, isPropagatableKind, type TemplateCandidate } from "./propagatable.ts";

const obj = (
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
  more: Partial<TemplateCandidate> = {},
) => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  ...more,
});

describe("which objects may be templates", () => {
  it("ordinary objects of any kind, built-in or custom", () => {
    for (const o of [
      obj("apps/v1", "Deployment", "web", "shop"),
      obj("v1", "ConfigMap", "cfg", "shop"),
      obj("v1", "Namespace", "shop"),
      obj("rbac.authorization.k8s.io/v1", "ClusterRole", "reader"),
      obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "games.example.com"),
      obj("example.com/v1", "Game", "chess", "shop"),
      obj("v1", "Secret", "tls", "shop", { type: "kubernetes.io/tls" }),
    ])
      assert.equal(isPropagatable(o), true, `${o.kind}/${o.metadata.name}`);
  });

  it("not MCP's own kinds, events, leases, nodes and other per-cluster objects", () => {
    for (const o of [
      obj("mcp.platform/v1", "PropagationPolicy", "p", "shop"),
      obj("mcp.platform/v1", "Cluster", "c"),
      obj("v1", "Event", "e", "shop"),
      obj("events.k8s.io/v1", "Event", "e", "shop"),
      obj("coordination.k8s.io/v1", "Lease", "l", "shop"),
      obj("v1", "Node", "n"),
      obj("discovery.k8s.io/v1", "EndpointSlice", "s", "shop"),
      obj("v1", "Secret", "t", "shop", { type: "kubernetes.io/service-account-token" }),
      obj("v1", "ServiceAccount", "default", "shop"),
      obj("v1", "ConfigMap", "kube-root-ca.crt", "shop"),
    ])
      assert.equal(isPropagatable(o), false, `${o.kind}/${o.metadata.name}`);
  });

  it("by kind alone, for deciding what to watch", () => {
    assert.equal(isPropagatableKind("apps", "Deployment"), true);
    assert.equal(isPropagatableKind("example.com", "Game"), true);
    assert.equal(isPropagatableKind("mcp.platform", "Work"), false);
    assert.equal(isPropagatableKind("coordination.k8s.io", "Lease"), false);
    assert.equal(isPropagatableKind("", "Event"), false);
  });

  it("not the system namespaces nor anything in them, nor the default namespace itself", () => {
    for (const ns of ["kube-system", "kube-public", "kube-node-lease", "mcp-system", "default"])
      assert.equal(isPropagatable(obj("v1", "Namespace", ns)), false, ns);
    assert.equal(isPropagatable(obj("v1", "ConfigMap", "x", "kube-system")), false);
    assert.equal(isPropagatable(obj("v1", "ConfigMap", "x", "mcp-system")), false);
    assert.equal(isPropagatable(obj("v1", "ConfigMap", "x", "default")), true);
  });

  it("not the RBAC objects the bootstrap owns", () => {
    const rbac = "rbac.authorization.k8s.io/v1";
    assert.equal(isPropagatable(obj(rbac, "ClusterRole", "system:basic-user")), false);
    assert.equal(
      isPropagatable({
        apiVersion: rbac,
        kind: "ClusterRole",
        metadata: { name: "admin", labels: { "kubernetes.io/bootstrapping": "rbac-defaults" } },
      }),
      false,
    );
    assert.equal(isPropagatable(obj(rbac, "ClusterRoleBinding", "team-readers")), true);
  });
});
