import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../../apis/meta/types.ts";
import { context, findingKeys, pod, runCheck, snapshot } from "../testing.ts";
import { crashLoop } from "./crash-loop.ts";

const withStatuses = (p: KubeObject, key: string, reason: string | undefined): KubeObject => {
  (p.status as Record<string, unknown>)[key] = [
    { name: "app", restartCount: 7, state: reason ? { waiting: { reason } } : { running: {} } },
  ];
  return p;
};

test("flags pods with a container or init container in CrashLoopBackOff, kube-system included", () => {
  const snap = snapshot({
    pods: [
      withStatuses(pod("shop", "web-1"), "containerStatuses", undefined),
      withStatuses(pod("shop", "web-2"), "containerStatuses", "CrashLoopBackOff"),
      withStatuses(pod("shop", "migrate"), "initContainerStatuses", "CrashLoopBackOff"),
      withStatuses(pod("shop", "pulling"), "containerStatuses", "ImagePullBackOff"),
      withStatuses(pod("kube-system", "coredns-abc"), "containerStatuses", "CrashLoopBackOff"),
    ],
  });
  const findings = runCheck(crashLoop, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-WL-008 Pod kube-system/coredns-abc",
    "MCP-WL-008 Pod shop/migrate",
    "MCP-WL-008 Pod shop/web-2",
  ]);
  const web2 = findings.find((f) => f.object?.name === "web-2")!;
  assert.match(web2.message, /app \(7 restarts\)/);
  assert.match(web2.fix, /kubectl -n shop logs web-2 -c app --previous/);
});
