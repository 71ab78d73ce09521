import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../../apis/meta/types.ts";
import { context, findingKeys, obj, pod, runCheck, snapshot } from "../testing.ts";
import { etcdSnapshot } from "./etcd-snapshot.ts";

const etcdPod = pod("kube-system", "etcd-cp-1", { labels: { component: "etcd", tier: "control-plane" } });
const cronJob = (name: string, command: string[], suspend = false): KubeObject =>
  obj("batch/v1", "CronJob", name, "kube-system", {
    spec: {
      schedule: "0 */6 * * *",
      suspend,
      jobTemplate: {
        spec: { template: { spec: { containers: [{ name: "c", image: "alpine:3", command }] } } },
      },
    },
  });
const schedule = (paused: boolean) =>
  obj("velero.io/v1", "Schedule", "daily", "velero", { spec: { schedule: "0 2 * * *", paused } });

test("MCP-OPS-003 warns when etcd runs here and nothing snapshots it", () => {
  const snap = snapshot({
    pods: [etcdPod],
    cronjobs: [
      cronJob("log-rotate", ["sh", "-c", "logrotate /etc/logrotate.conf"]),
      cronJob("nightly", ["etcdctl", "snapshot", "save", "/backup/db"], true), // suspended
    ],
    veleroschedules: [schedule(true)], // paused
  });
  const findings = runCheck(etcdSnapshot, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-OPS-003 cluster"]);
  assert.equal(findings[0].severity, "warning");
  assert.match(findings[0].fix, /etcdctl .* snapshot save/);
});

test("MCP-OPS-003 drops to info when etcd is not visible (managed control plane)", () => {
  const findings = runCheck(etcdSnapshot, context(snapshot({ pods: [], cronjobs: [], veleroschedules: [] })));
  assert.deepEqual(findingKeys(findings), ["MCP-OPS-003 cluster"]);
  assert.equal(findings[0].severity, "info");
});

test("MCP-OPS-003 is silent with an etcd CronJob or an active Velero Schedule", () => {
  for (const snap of [
    snapshot({ pods: [etcdPod], cronjobs: [cronJob("etcd-backup", ["/bin/backup.sh"])] }),
    snapshot({
      pods: [etcdPod],
      cronjobs: [cronJob("nightly", ["sh", "-c", "ETCDCTL_API=3 etcdctl snapshot save x"])],
    }),
    snapshot({ pods: [etcdPod], cronjobs: [], veleroschedules: [schedule(false)] }),
  ]) {
    assert.deepEqual(runCheck(etcdSnapshot, context(snap)), []);
  }
});
