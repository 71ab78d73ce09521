import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, nodeWith, runCheck, snapshot } from "../testing.ts";
import { nodePressure } from "./pressure.ts";

test("one finding per node under memory, disk or PID pressure, naming each", () => {
  const snap = snapshot({
    nodes: [
      nodeWith("calm"),
      nodeWith("mem", { pressure: ["MemoryPressure"] }),
      nodeWith("disk-pid", { pressure: ["DiskPressure", "PIDPressure"] }),
      nodeWith("down", { ready: "False" }),
    ],
  });
  const findings = runCheck(nodePressure, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-NODE-002 Node disk-pid", "MCP-NODE-002 Node mem"]);
  const both = findings.find((f) => f.object?.name === "disk-pid")!;
  assert.match(both.message, /DiskPressure, PIDPressure/);
  assert.match(both.fix, /crictl rmi --prune/);
});
