// The kubelet's event wording: Go's duration format in Pulled messages, and "Created container"
// as each Kubernetes version writes it.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { EventInfo } from "../events/shapes.ts";
import type { ControllerEnv } from "./env.ts";
import { goDuration, KubeletEvents } from "./kubelet-events.ts";
import { testProfile } from "./testing.ts";

test("durations print as Go's time.Duration does", () => {
  assert.equal(goDuration(0), "0s");
  assert.equal(goDuration(823), "823ms");
  assert.equal(goDuration(1000), "1s");
  assert.equal(goDuration(1500), "1.5s");
  assert.equal(goDuration(2512), "2.512s");
  assert.equal(goDuration(62_250), "1m2.25s");
  assert.equal(goDuration(3_600_000), "1h0m0s");
});

function recorded(kubernetesVersion: string, namespace = "default"): string[] {
  const seen: string[] = [];
  const env = {
    profile: testProfile({ kubernetesVersion }),
    events: { record: (_o: KubeObject, i: EventInfo) => seen.push(`${i.reason}: ${i.message}`) },
  } as unknown as ControllerEnv;
  const events = new KubeletEvents(env);
  const pod: KubeObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace, uid: "u" },
    spec: { containers: [{ name: "app", image: "nginx:1.25" }] },
  };
  events.creating(pod, "node-1");
  events.started(pod, "node-1", 1500);
  return seen;
}

test("a first pull, then Created as the cluster's version words it", () => {
  assert.deepEqual(recorded("v1.29.4"), [
    'Pulling: Pulling image "nginx:1.25"',
    'Pulled: Successfully pulled image "nginx:1.25" in 1.5s (1.5s including waiting). Image size: 104255085 bytes.',
    "Created: Created container app",
    "Started: Started container app",
  ]);
  assert.ok(recorded("v1.32.1").includes("Created: Created container: app"));
});

test("kube-system's add-on images come with the node", () => {
  assert.deepEqual(recorded("v1.29.4", "kube-system").slice(0, 1), [
    'Pulled: Container image "nginx:1.25" already present on machine',
  ]);
});
