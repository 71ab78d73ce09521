import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, node, nodeWith, runCheck, snapshot } from "../testing.ts";
import { nodeNotReady } from "./not-ready.ts";

test("flags NotReady and Unknown nodes, not Ready ones or nodes still registering", () => {
  const snap = snapshot({
    nodes: [
      nodeWith("ready"),
      nodeWith("down", { ready: "False" }),
      nodeWith("lost", { ready: "Unknown" }),
      node("registering"), // no conditions yet
      nodeWith("pressured", { pressure: ["DiskPressure"] }), // pressure is MCP-NODE-002's
    ],
  });
  const findings = runCheck(nodeNotReady, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-NODE-001 Node down", "MCP-NODE-001 Node lost"]);
  assert.match(findings.find((f) => f.object?.name === "lost")!.message, /stopped reporting/);
  assert.match(findings[0].fix, /kubectl describe node down/);
});
