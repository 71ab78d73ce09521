import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isManagedByMcp,
  labelValue,
  manifestId,
  manifestKey,
  manifestRevision,
  objectName,
} from "./identity.ts";

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

describe("derived names", () => {
  const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

  it("keeps valid names as they are and shortens the rest to valid, distinct, stable ones", () => {
    assert.equal(objectName("web-deployment", "seed"), "web-deployment");
    const long = `${"x".repeat(253)}-deployment`;
    const a = objectName(long, "Deployment/shop/x");
    assert.ok(a.length <= 253 && SUBDOMAIN.test(a), a);
    assert.equal(objectName(long, "Deployment/shop/x"), a);
    assert.notEqual(objectName(long, "Deployment/shop/y"), a);
    for (const odd of ["system:Auth..Delegator", "-a.-b.", "::", `${"a.".repeat(200)}b`]) {
      const n = objectName(odd, odd);
      assert.ok(n.length <= 253 && SUBDOMAIN.test(n), `${odd} → ${n}`);
    }
  });

  it("label values: 63 characters at most, hashed beyond", () => {
    assert.equal(labelValue("sim-001"), "sim-001");
    const long = `cluster-${"z".repeat(100)}`;
    const v = labelValue(long);
    assert.ok(v.length <= 63 && /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/i.test(v), v);
    assert.equal(labelValue(long), v);
    assert.notEqual(labelValue(`${long}x`), v);
  });
});
