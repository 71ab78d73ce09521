import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, pod, runCheck, snapshot } from "../testing.ts";
import { runAsRoot } from "./run-as-root.ts";

const spec = (podSc: Record<string, unknown> | undefined, ...containers: Record<string, unknown>[]) => ({
  ...(podSc ? { securityContext: podSc } : {}),
  containers,
});

test("MCP-SEC-002 fires on containers that may run as root, judged by effective settings", () => {
  const snap = snapshot({
    pods: [
      pod("app", "unset", { spec: spec(undefined, { name: "c" }) }),
      pod("app", "uid0", { spec: spec({ runAsUser: 0 }, { name: "c" }) }),
      pod("app", "override", {
        spec: spec({ runAsNonRoot: true }, { name: "c", securityContext: { runAsNonRoot: false } }),
      }),
      pod("app", "sidecar", {
        spec: spec(undefined, { name: "main", securityContext: { runAsUser: 1000 } }, { name: "proxy" }),
      }),
      // healthy
      pod("app", "nonroot", { spec: spec({ runAsNonRoot: true }, { name: "c" }) }),
      pod("app", "uid", { spec: spec({ runAsUser: 1000 }, { name: "c" }) }),
      pod("app", "container-level", {
        spec: spec(undefined, { name: "c", securityContext: { runAsNonRoot: true } }),
      }),
      pod("kube-system", "kube-proxy-x", { spec: spec(undefined, { name: "p" }) }),
      pod("app", "iis", { spec: { os: { name: "windows" }, containers: [{ name: "c" }] } }),
    ],
  });
  const findings = runCheck(runAsRoot, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-SEC-002 Pod app/override",
    "MCP-SEC-002 Pod app/sidecar",
    "MCP-SEC-002 Pod app/uid0",
    "MCP-SEC-002 Pod app/unset",
  ]);
  assert.match(findings.find((f) => f.object?.name === "sidecar")?.message ?? "", /: proxy set/);
});

test("MCP-SEC-002 is silent on a healthy cluster", () => {
  const snap = snapshot({
    pods: [pod("app", "ok", { spec: spec({ runAsNonRoot: true, runAsUser: 10001 }, { name: "c" }) })],
  });
  assert.deepEqual(runCheck(runAsRoot, context(snap)), []);
});
