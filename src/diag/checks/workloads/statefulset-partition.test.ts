import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, runCheck, snapshot, statefulSetOf } from "../testing.ts";
import { statefulSetPartition } from "./statefulset-partition.ts";

const sts = (
  name: string,
  partition: number | undefined,
  current: string,
  update: string,
  type = "RollingUpdate",
) =>
  statefulSetOf("data", name, {
    replicas: 3,
    spec: { updateStrategy: { type, ...(partition !== undefined ? { rollingUpdate: { partition } } : {}) } },
    status: { currentRevision: current, updateRevision: update },
  });

test("flags a partition that holds pods back while a rollout is pending", () => {
  const snap = snapshot({
    statefulsets: [
      sts("blocked", 2, "db-5d8f", "db-7c9a"),
      sts("staged", 2, "db-5d8f", "db-5d8f"), // canary staged, nothing pending
      sts("rolling", 0, "db-5d8f", "db-7c9a"), // no partition: a normal rollout
      sts("no-strategy", undefined, "db-5d8f", "db-7c9a"),
      sts("on-delete", 2, "db-5d8f", "db-7c9a", "OnDelete"),
    ],
  });
  const findings = runCheck(statefulSetPartition, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-WL-006 StatefulSet data/blocked"]);
  assert.match(findings[0].message, /ordinals 0-1\) stay on revision db-5d8f while db-7c9a rolls out/);
  assert.match(findings[0].fix, /"partition":0/);
});
