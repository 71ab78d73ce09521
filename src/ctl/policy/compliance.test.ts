// The compliance summary of `mcpctl policy report`: per cluster, per policy across clusters, the
// failures listed, clusters without a report, and the table layout.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatCompliance, summarize } from "./compliance.ts";

const east = {
  cluster: "east",
  status: {
    summary: { pass: 8, fail: 1, warn: 1, error: 0 },
    policies: [
      { name: "no-privileged", pass: 4, fail: 1, warn: 0, error: 0 },
      { name: "pinned-images", pass: 4, fail: 0, warn: 1, error: 0 },
    ],
    results: [
      {
        policy: "no-privileged",
        rule: "privileged-containers",
        result: "fail" as const,
        action: "deny" as const,
        message: "privileged containers: c",
        resource: { apiVersion: "v1", kind: "Pod", namespace: "shop", name: "root" },
      },
      {
        policy: "pinned-images",
        rule: "latest-image-tag",
        result: "warn" as const,
        action: "warn" as const,
        message: "images without a pinned tag: c=nginx",
        resource: { apiVersion: "v1", kind: "Pod", namespace: "shop", name: "web" },
      },
    ],
    objectsAudited: 5,
    lastAuditTime: "2030-01-01T00:00:00Z",
  },
};
const west = {
  cluster: "west",
  status: {
    summary: { pass: 6, fail: 0, warn: 0, error: 0 },
    policies: [
      { name: "no-privileged", pass: 3, fail: 0, warn: 0, error: 0 },
      { name: "pinned-images", pass: 3, fail: 0, warn: 0, error: 0 },
    ],
    results: [],
    objectsAudited: 3,
    lastAuditTime: "2030-01-01T00:00:30Z",
  },
};

test("per cluster, per policy and the failures", () => {
  const s = summarize([west, east, { cluster: "new" }]);
  assert.deepEqual(
    s.clusters.map((c) => [c.cluster, c.compliance, c.auditError]),
    [
      ["east", 80, undefined],
      ["new", null, "no report yet"],
      ["west", 100, undefined],
    ],
  );
  assert.deepEqual(
    s.policies.map((p) => [p.policy, p.clusters, p.compliantClusters, p.fail, p.warn]),
    [
      ["no-privileged", 2, 1, 1, 0],
      ["pinned-images", 2, 1, 0, 1],
    ],
  );
  assert.deepEqual(
    s.results.map((r) => `${r.cluster}:${r.resource?.name}`),
    ["east:root", "east:web"],
  );
});

test("the tables", () => {
  const text = formatCompliance(summarize([east, west]), Date.parse("2030-01-01T00:01:00Z"));
  const lines = text.split("\n");
  assert.match(
    lines[0],
    /^CLUSTER\s+POLICIES\s+OBJECTS\s+PASS\s+FAIL\s+WARN\s+ERROR\s+COMPLIANCE\s+LAST AUDIT\s+STATUS$/,
  );
  assert.match(lines[1], /^east\s+2\s+5\s+8\s+1\s+1\s+0\s+80%\s+60s ago\s+ok$/);
  assert.match(text, /\nno-privileged\s+2\s+1\/2\s+7\s+1\s+0\s+0\s+87\.5%\n/);
  assert.match(
    text,
    /\neast\s+no-privileged\s+privileged-containers\s+deny\s+fail\s+pod\/shop\/root\s+privileged containers: c\n/,
  );
  const clean = formatCompliance(summarize([west]), Date.now());
  assert.match(clean, /No violations reported\./);
});
