// `mcp-sim fault` flags → the control API's patch, for the resource-usage loads.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFlags, UsageError } from "../cli/flags.ts";
import { faultFlags, faultPatchFromFlags } from "./fault-command.ts";

const patch = (...argv: string[]) => faultPatchFromFlags(parseFlags(faultFlags, argv).flags);

test("--cpu-load and --memory-load take per-pod fractions, total:PODS, * and none", () => {
  assert.deepEqual(patch("--cpu-load", "shop/web=0.9", "--cpu-load", "*=total:3"), {
    cpuLoad: { "shop/web": 0.9, "*": { total: 3 } },
  });
  assert.deepEqual(patch("--memory-load", "shop/web=0.5,shop/api=0.7"), {
    memoryLoad: { "shop/web": 0.5, "shop/api": 0.7 },
  });
  assert.deepEqual(patch("--cpu-load", "none"), { cpuLoad: {} });
  assert.throws(
    () => patch("--cpu-load", "shop/web"),
    (e: Error) => e instanceof UsageError && /namespace\/name=FRACTION/.test(e.message),
  );
  assert.throws(() => patch("--cpu-load", "shop/web=lots"), UsageError);
});
