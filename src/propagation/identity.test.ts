import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isManagedByMcp, manifestId, manifestKey, manifestRevision } from "./identity.ts";

describe("manifest identity", () => {
  const deploy = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { namespace: "shop", name: "web", annotations: { "mcp.platform/revision": "7" } },
  };

  it("keys by group, kind, namespace and name, not version", () => {
    assert.equal(manifestKey(deploy), "apps/Deployment/shop/web");
    assert.equal(manifestKey({ ...deploy, apiVersion: "apps/v1beta2" }), "apps/Deployment/shop/web");
    assert.equal(manifestKey({ apiVersion: "v1", kind: "Namespace", name: "shop" }), "/Namespace//shop");
    assert.deepEqual(manifestId(deploy), {
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: "shop",
      name: "web",
    });
  });

  it("reads the revision annotation and the managed label", () => {
    assert.equal(manifestRevision(deploy), 7);
    assert.equal(
      manifestRevision({ ...deploy, metadata: { name: "x", annotations: { "mcp.platform/revision": "x" } } }),
      0,
    );
    assert.equal(isManagedByMcp(deploy), false);
    assert.equal(
      isManagedByMcp({ ...deploy, metadata: { name: "w", labels: { "mcp.platform/managed": "true" } } }),
      true,
    );
  });
});
