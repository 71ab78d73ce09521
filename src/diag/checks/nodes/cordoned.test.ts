import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, nodeWith, runCheck, snapshot } from "../testing.ts";
import { nodeCordoned } from "./cordoned.ts";

test("flags cordoned nodes only", () => {
  const snap = snapshot({ nodes: [nodeWith("open"), nodeWith("cordoned", { unschedulable: true })] });
  const findings = runCheck(nodeCordoned, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-NODE-003 Node cordoned"]);
  assert.equal(findings[0].fix, "If its maintenance is over: kubectl uncordon cordoned.");
});
