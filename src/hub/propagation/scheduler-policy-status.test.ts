import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { eventually } from "../clusters/testing.ts";
import { placementError } from "./scheduler-policy-status.ts";
import { clusterNames, deployment, propagationPolicy, startSchedulerTest } from "./scheduler-testing.ts";

const condition = (p: KubeObject | undefined, type: string) =>
  (
    p?.status as { conditions?: { type: string; status: string; reason: string; message: string }[] }
  )?.conditions?.find((c) => c.type === type);

test("placementError: selectors that do not compile, spread constraints nothing could meet", () => {
  assert.equal(placementError({ placement: { clusterAffinity: { clusterNames: ["a"] } } }), undefined);
  assert.match(
    placementError({
      placement: {
        clusterAffinity: {
          // Not a topology field (a policy read from JSON may say anything).
          fieldSelector: { matchExpressions: [{ key: "color" as "region", operator: "In", values: ["x"] }] },
        },
      },
    })!,
    /unknown key "color"/,
  );
  assert.match(
    placementError({
      placement: { spreadConstraints: [{ spreadByField: "region", minGroups: 3, maxGroups: 2 }] },
    })!,
    /minGroups 3 is more than maxGroups 2/,
  );
});

test("a policy's status says whether it is valid and how many templates it places", async (t) => {
  const h = await startSchedulerTest(t);
  await h.cluster("east-1", { region: "east" });
  const ref = { apiVersion: "mcp.platform/v1", kind: "PropagationPolicy", namespace: "shop", name: "app" };
  const policy = (placement: Record<string, unknown>) =>
    propagationPolicy("app", {
      resourceSelectors: [
        { apiVersion: "apps/v1", kind: "Deployment", labelSelector: { matchLabels: { tier: "web" } } },
      ],
      placement,
    });
  await h.apply(policy({ clusterAffinity: { clusterNames: ["east-1"] } }));
  for (const name of ["a", "b", "c"]) await h.apply(deployment(name, { labels: { tier: "web" } }));
  await h.waitBinding("shop", "c-deployment", (b) => clusterNames(b).length === 1);
  await h.scheduler.idle();
  let p = await eventually(
    () => h.client.get(ref),
    (x) => condition(x, "Applied")?.message === "selects 3 templates",
  );
  assert.equal(condition(p, "Applied")?.status, "True");
  assert.equal(condition(p, "Valid")?.status, "True");
  assert.equal(
    (p?.status as { observedGeneration?: number } | undefined)?.observedGeneration,
    p?.metadata.generation,
  );

  // A rewrite without change writes nothing.
  const rv = p?.metadata.resourceVersion;
  h.scheduler.resync();
  await h.scheduler.idle();
  assert.equal((await h.client.get(ref))?.metadata.resourceVersion, rv);

  await h.client.delete({ apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "a" });
  await h.apply(policy({ spreadConstraints: [{ spreadByField: "region", minGroups: 3, maxGroups: 2 }] }));
  p = await eventually(
    () => h.client.get(ref),
    (x) => condition(x, "Valid")?.status === "False",
  );
  assert.equal(condition(p, "Valid")?.reason, "InvalidPlacement");
  assert.match(condition(p, "Valid")!.message, /minGroups 3 is more than maxGroups 2/);
  assert.equal(condition(p, "Applied")?.message, "selects 2 templates");
});
