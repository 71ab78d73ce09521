import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { bindingQuery, propagationSection } from "./describe-propagation.ts";

describe("describe: propagation section", () => {
  it("finds the binding by its template's uid, beside a namespaced template and in mcp-system for cluster-scoped ones", () => {
    const deploy = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "shop", uid: "u1" },
    };
    assert.deepEqual(bindingQuery(deploy), {
      namespace: "shop",
      labelSelector: "mcp.platform/template-uid=u1",
    });
    const role = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "r", uid: "u2" },
    };
    assert.deepEqual(bindingQuery(role), {
      namespace: "mcp-system",
      labelSelector: "mcp.platform/template-uid=u2",
    });
    const work = {
      apiVersion: "mcp.platform/v1",
      kind: "Work",
      metadata: { name: "a", namespace: "mcp-system", uid: "u3" },
    };
    assert.equal(bindingQuery(work), undefined);
  });

  it("lists every target cluster with its status, pending ones included", () => {
    const binding = {
      apiVersion: "mcp.platform/v1",
      kind: "ResourceBinding",
      metadata: { name: "web-deployment", namespace: "shop" },
      spec: {
        policy: { kind: "PropagationPolicy", namespace: "shop", name: "app" },
        clusters: [
          { name: "east-1", replicas: 4 },
          { name: "east-2", replicas: 2 },
          { name: "east-3", replicas: 0 },
        ],
      },
      status: {
        aggregatedStatus: [
          { cluster: "east-1", applied: true, health: "Healthy", availableReplicas: 4 },
          {
            cluster: "east-2",
            applied: false,
            reason: "Conflict",
            message: "exists and was not created by MCP",
          },
        ],
      },
    } as unknown as KubeObject;
    const text = propagationSection(binding);
    assert.match(text, /^Propagation:\n {2}Policy: {2}PropagationPolicy\/shop\/app\n/);
    const lines = text.split("\n");
    assert.match(lines.find((l) => l.includes("east-1"))!, /east-1\s+4\s+True\s+Healthy\s+4\s+-/);
    assert.match(
      lines.find((l) => l.includes("east-2"))!,
      /east-2\s+2\s+False \(Conflict\)\s+Unknown\s+-\s+-\s+exists and was not created by MCP/,
    );
    assert.match(lines.find((l) => l.includes("east-3"))!, /east-3\s+0\s+Pending\s+Unknown/);
    assert.equal(propagationSection(undefined), "");
  });
});
