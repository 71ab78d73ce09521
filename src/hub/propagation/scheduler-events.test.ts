// The scheduler's Events on templates and bindings: what `kubectl describe` of a template shows.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import {
  clusterNames,
  deployment,
  propagationPolicy,
  scheduledCondition,
  startSchedulerTest,
} from "./scheduler-testing.ts";

const policy = (labels: Record<string, string>) =>
  propagationPolicy("app", {
    resourceSelectors: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web" }],
    placement: { clusterAffinity: { labelSelector: { matchLabels: labels } } },
  });

const about = (events: KubeObject[], kind: string) =>
  events
    .filter((e) => (e.involvedObject as { kind: string }).kind === kind)
    .map((e) => `${e.type} ${e.reason} x${e.count}: ${e.message}`)
    .sort();

test("scheduling records events on the template and its binding, once per change of the decision", async (t) => {
  const h = await startSchedulerTest(t);
  await h.cluster("east-1", { region: "east" });
  await h.cluster("east-2", { region: "east" });
  const web = await h.apply(deployment("web", { replicas: 3 }));
  await h.apply(policy({ region: "east" }));
  await h.waitBinding("shop", "web-deployment", (b) => clusterNames(b).length === 2);
  await h.scheduler.idle();
  const events = await h.client.list("v1", "Event", "shop");
  assert.deepEqual(about(events, "Deployment"), [
    "Normal ApplyPolicySucceed x1: Apply policy(PropagationPolicy shop/app) succeed",
    "Normal ScheduleBindingSucceed x1: Binding has been scheduled successfully. Result: {east-1:3, east-2:3}",
  ]);
  assert.deepEqual(about(events, "ResourceBinding"), about(events, "Deployment"), "the same on the binding");
  const onTemplate = events.find((e) => (e.involvedObject as { kind: string }).kind === "Deployment")!;
  assert.equal((onTemplate.involvedObject as { uid: string }).uid, web.metadata.uid);
  assert.deepEqual(onTemplate.source, { component: "mcp-scheduler" });

  // Deciding again without a change (a resync, an unrelated cluster) records nothing.
  h.scheduler.resync();
  await h.cluster("west-1", { region: "west" });
  await h.scheduler.idle();
  assert.equal((await h.client.list("v1", "Event", "shop")).length, events.length);

  // No cluster fits: a Warning saying why.
  await h.apply(policy({ region: "mars" }));
  await h.waitBinding("shop", "web-deployment", (b) => scheduledCondition(b)?.status === "False");
  await h.scheduler.idle();
  const failed = about(await h.client.list("v1", "Event", "shop"), "Deployment").filter((e) =>
    e.includes("ScheduleBindingFailed"),
  );
  assert.equal(failed.length, 1, failed.join("\n"));
  assert.match(
    failed[0],
    /^Warning ScheduleBindingFailed x1: NoClusterFit: .*did not match the cluster affinity/,
  );

  // Back where it was: the same success event again, counted.
  await h.apply(policy({ region: "east" }));
  await h.waitBinding("shop", "web-deployment", (b) => clusterNames(b).length === 2);
  await h.scheduler.idle();
  assert.ok(
    about(await h.client.list("v1", "Event", "shop"), "Deployment").includes(
      "Normal ScheduleBindingSucceed x2: Binding has been scheduled successfully. Result: {east-1:3, east-2:3}",
    ),
  );
});
