// Templates whose "<name>-<kind>" is no valid binding name: found by what they bind, not by name.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TEMPLATE_UID_LABEL } from "../../propagation/identity.ts";
import { eventually } from "../clusters/testing.ts";
import { clusterNames, deployment, propagationPolicy, startSchedulerTest } from "./scheduler-testing.ts";

test("a 253-character template name gets a shortened binding, kept and updated across decisions", async (t) => {
  const h = await startSchedulerTest(t);
  await h.cluster("east-1", { region: "east" });
  await h.cluster("east-2", { region: "west" });
  const name = `web-${"x".repeat(245)}-end`;
  assert.equal(name.length, 253);
  const web = await h.apply(deployment(name, { labels: { app: "long" } }));
  const select = (region: string) =>
    propagationPolicy("app", {
      resourceSelectors: [
        { apiVersion: "apps/v1", kind: "Deployment", labelSelector: { matchLabels: { app: "long" } } },
      ],
      placement: { clusterAffinity: { labelSelector: { matchLabels: { region } } } },
    });
  await h.apply(select("east"));
  const byLabel = async () =>
    (await h.client.list("mcp.platform/v1", "ResourceBinding", "shop")).filter(
      (x) => x.metadata.labels?.[TEMPLATE_UID_LABEL] === web.metadata.uid,
    );
  const [b] = await eventually(byLabel, (bs) => bs.length === 1 && clusterNames(bs[0])[0] === "east-1");
  assert.ok(b.metadata.name!.length <= 253, b.metadata.name);
  assert.match(b.metadata.name!, /^web-x+-[0-9a-f]{10}$/);
  assert.equal((b.spec as { resource: { name: string } }).resource.name, name);

  // Re-decided: the same binding is updated, no second one appears.
  await h.apply(select("west"));
  const moved = await eventually(byLabel, (bs) => clusterNames(bs[0])[0] === "east-2");
  assert.equal(moved.length, 1);
  assert.equal(moved[0].metadata.name, b.metadata.name);
  assert.equal((await h.client.list("mcp.platform/v1", "ResourceBinding", "shop")).length, 1);

  // Deselected: it is found and deleted.
  await h.client.delete({
    apiVersion: "mcp.platform/v1",
    kind: "PropagationPolicy",
    namespace: "shop",
    name: "app",
  });
  await eventually(byLabel, (bs) => bs.length === 0);
});
