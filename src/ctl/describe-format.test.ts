import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { ensurePki } from "../apiserver/auth/pki.ts";
import { describeObject, humanAge } from "./describe-format.ts";

const now = Date.parse("2026-01-01T12:00:00Z");
const cluster: KubeObject = {
  apiVersion: "mcp.platform/v1",
  kind: "Cluster",
  metadata: {
    name: "east-1",
    labels: { region: "east", env: "prod" },
    uid: "u-1",
    resourceVersion: "19",
    generation: 1,
    creationTimestamp: "2026-01-01T11:55:00Z",
  },
  spec: { mode: "Push", apiEndpoint: "https://east-1:6443", taints: [{ key: "gpu", effect: "NoSchedule" }] },
  status: {
    kubernetesVersion: "v1.30.2",
    conditions: [
      {
        type: "Ready",
        status: "Unknown",
        reason: "HeartbeatMissed",
        message: "no heartbeat for 90s",
        lastTransitionTime: "2026-01-01T11:58:30Z",
      },
    ],
  },
};

test("human ages follow kubectl's rounding", () => {
  const ago = (s: number) => new Date(now - s * 1000).toISOString();
  assert.deepEqual(
    [
      ago(5),
      ago(150),
      ago(3600),
      ago(5 * 3600 + 60 * 7),
      ago(30 * 3600),
      ago(3 * 86400 + 3600),
      ago(800 * 86400),
    ].map((t) => humanAge(t, now)),
    ["5s", "2m30s", "60m", "5h7m", "30h", "3d1h", "2y"],
  );
  assert.equal(humanAge(undefined, now), "<unknown>");
});

test("describe shows metadata, spec and status as YAML, conditions as a table and events", () => {
  const text = describeObject(
    cluster,
    [
      {
        type: "Warning",
        reason: "NotReady",
        message: "missed 3 heartbeats",
        count: 2,
        firstTimestamp: "2026-01-01T11:57:00Z",
        lastTimestamp: "2026-01-01T11:58:30Z",
        source: { component: "cluster-health" },
      },
      {
        type: "Normal",
        reason: "Registered",
        message: "cluster registered",
        lastTimestamp: "2026-01-01T11:55:00Z",
        reportingController: "mcp-hub",
      },
    ],
    now,
  );
  const expected = [
    "Name:               east-1",
    "Labels:             env=prod",
    "                    region=east",
    "Annotations:        <none>",
    "API Version:        mcp.platform/v1",
    "Kind:               Cluster",
    "Created:            2026-01-01T11:55:00Z (5m ago)",
    "UID:                u-1",
    "Resource Version:   19",
    "Generation:         1",
    "Spec:",
    "  mode: Push",
    "  apiEndpoint: https://east-1:6443",
    "  taints:",
    "  - key: gpu",
    "    effect: NoSchedule",
    "Status:",
    "  kubernetesVersion: v1.30.2",
    "Conditions:",
    "  Type    Status    Reason            Age   Message",
    "  Ready   Unknown   HeartbeatMissed   90s   no heartbeat for 90s",
    "Events:",
    "  Type      Reason       Age                From             Message",
    "  ----      ------       ----               ----             -------",
    "  Normal    Registered   5m                 mcp-hub          cluster registered",
    "  Warning   NotReady     90s (x2 over 3m)   cluster-health   missed 3 heartbeats",
    "",
  ];
  assert.equal(text, expected.join("\n"));
});

test("no events reads <none>; events left out (e.g. not allowed to list them) print nothing", () => {
  assert.match(describeObject(cluster, [], now), /\nEvents:\s+<none>\n$/);
  assert.doesNotMatch(describeObject(cluster, undefined, now), /Events/);
});

test("secret values never print, only their sizes", () => {
  const secret: KubeObject = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s", namespace: "shop" },
    data: { password: Buffer.from("hunter2").toString("base64") },
    type: "Opaque",
  };
  const text = describeObject(secret, undefined, now);
  assert.match(text, /Namespace:\s+shop\n/);
  assert.match(text, /Data:\n {2}password: 7 bytes\n/);
  assert.match(text, /Type:\s+Opaque\n/);
  assert.doesNotMatch(text, /aHVudGVyMg|hunter2/);
});

test("a Cluster's caData reads as whose CA it is and when it expires, not base64", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "describe-ca-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const caData = Buffer.from((await ensurePki(dir, { hosts: ["127.0.0.1"] })).ca.certPem).toString("base64");
  const text = describeObject({ ...cluster, spec: { ...(cluster.spec as object), caData } }, undefined, now);
  assert.ok(!text.includes(caData.slice(0, 40)), text);
  assert.match(text, /caData: CN=mcp-ca, expires \d{4}-\d\d-\d\dT[\d:.]+Z \(\d+ bytes\)/);
  const junk = describeObject({ ...cluster, spec: { caData: "bm90IGEgY2VydA==" } }, undefined, now);
  assert.match(junk, /caData: 10 bytes/);
});
