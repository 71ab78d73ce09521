// The compatibility tables: every row cites a source, rows are well-formed and ordered, and the
// lookups answer the questions the version checks ask of them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { API_REMOVALS, apiStatusAt, removalFor } from "./api-removals.ts";
import { CNI_KUBERNETES_RANGES, cniVersionFor, judgeCni } from "./cni.ts";
import { ETCD_BY_KUBERNETES, etcdRowFor, judgeEtcd } from "./etcd.ts";
import { minorDistance, parseMinor, parseVersion } from "./kube-version.ts";
import { judgeSkew, maxOlderMinors, SKEW_POLICY } from "./skew.ts";

const v = (s: string) => parseVersion(s)!;

test("every row of every table names an https source", () => {
  const rows = [...ETCD_BY_KUBERNETES, ...CNI_KUBERNETES_RANGES, ...SKEW_POLICY, ...API_REMOVALS];
  for (const r of rows) assert.match(r.source, /https:\/\//, JSON.stringify(r));
});

test("versions parse from tags and /version strings", () => {
  assert.deepEqual(parseVersion("v1.30.1-eks-1234"), { major: 1, minor: 30, patch: 1 });
  assert.deepEqual(parseVersion("3.5.12-0"), { major: 3, minor: 5, patch: 12 });
  assert.deepEqual(parseVersion("1.31"), { major: 1, minor: 31, patch: 0 });
  assert.equal(parseVersion("latest"), undefined);
});

test("etcd: kubeadm's table per minor, newer minors use the newest row, older ones are not judged", () => {
  assert.equal(etcdRowFor(v("1.29.4"))?.recommended, "3.5.16");
  assert.equal(etcdRowFor(v("1.40.0"))?.kubernetes, "1.34");
  assert.equal(etcdRowFor(v("1.18.0")), undefined);
  assert.deepEqual(judgeEtcd(v("3.5.9"), v("1.28.0")), { ok: true });
  assert.equal(judgeEtcd(v("3.5.3"), v("1.28.0")).ok, false);
  assert.equal(judgeEtcd(v("3.6.0"), v("1.30.0")).ok, false);
  assert.deepEqual(judgeEtcd(v("3.6.4"), v("1.34.0")), { ok: true });
});

test("CNI ranges are well-formed and judge too old, too new and predating the data", () => {
  for (const r of CNI_KUBERNETES_RANGES)
    assert.ok(minorDistance(parseMinor(r.kubernetes.max), parseMinor(r.kubernetes.min)) >= 0, r.version);
  assert.deepEqual(judgeCni("calico", v("3.27.3"), v("1.28.0")), { ok: true });
  assert.equal(judgeCni("calico", v("3.27.3"), v("1.30.0")).ok, false);
  assert.deepEqual(judgeCni("cilium", v("1.99.0"), v("1.30.0")), { ok: true }); // newer than the data
  assert.equal(judgeCni("cilium", v("1.10.0"), v("1.30.0")).ok, false);
  assert.deepEqual(judgeCni("flannel", v("0.24.0"), v("1.30.0")), { ok: true });
  assert.equal(cniVersionFor("calico", v("1.31.0"))?.version, "3.29");
});

test("skew: kubelet may lag 3 minors from 1.28, 2 before; control-plane components 1; none newer", () => {
  assert.equal(maxOlderMinors("kubelet", v("1.27.0")), 2);
  assert.equal(maxOlderMinors("kubelet", v("1.28.0")), 3);
  assert.equal(maxOlderMinors("kube-proxy", v("1.31.0")), 3);
  assert.deepEqual(judgeSkew("kube-scheduler", v("1.29.0"), v("1.30.0")), { ok: true });
  assert.deepEqual(judgeSkew("kube-scheduler", v("1.28.0"), v("1.30.0")), {
    ok: false,
    reason: "too-old",
    by: 2,
    max: 1,
  });
  assert.deepEqual(judgeSkew("kubelet", v("1.31.0"), v("1.30.0")), {
    ok: false,
    reason: "newer-than-apiserver",
    by: 1,
  });
});

test("API removals: the well-known ones, deprecated before removed, looked up by apiVersion and kind", () => {
  const removed = (apiVersion: string, kind: string) => removalFor(apiVersion, kind)?.removedIn;
  assert.equal(removed("extensions/v1beta1", "Deployment"), "1.16");
  assert.equal(removed("networking.k8s.io/v1beta1", "Ingress"), "1.22");
  assert.equal(removed("batch/v1beta1", "CronJob"), "1.25");
  assert.equal(removed("policy/v1beta1", "PodSecurityPolicy"), "1.25");
  assert.equal(removed("autoscaling/v2beta2", "HorizontalPodAutoscaler"), "1.26");
  assert.equal(removed("storage.k8s.io/v1beta1", "CSIStorageCapacity"), "1.27");
  assert.equal(removed("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"), "1.32");
  assert.equal(removalFor("apps/v1", "Deployment"), undefined);
  for (const r of API_REMOVALS)
    assert.ok(
      minorDistance(parseMinor(r.removedIn), parseMinor(r.deprecatedIn)) > 0,
      `${r.apiVersion} ${r.kind}`,
    );
  const cron = removalFor("batch/v1beta1", "CronJob")!;
  assert.equal(apiStatusAt(cron, v("1.20.0")), undefined);
  assert.equal(apiStatusAt(cron, v("1.24.0")), "deprecated");
  assert.equal(apiStatusAt(cron, v("1.25.0")), "removed");
});
