// `--clusters SELECTOR` as the LabelSelector object a DiagnosticScan carries.
import assert from "node:assert/strict";
import { test } from "node:test";
import { UsageError } from "../../cli/flags.ts";
import { toLabelSelector } from "./diag.ts";

test("selector strings become matchLabels and matchExpressions", () => {
  assert.deepEqual(toLabelSelector("region=eu,env in (prod,staging),!legacy,tier!=db,gpu"), {
    matchLabels: { region: "eu" },
    matchExpressions: [
      { key: "env", operator: "In", values: ["prod", "staging"] },
      { key: "gpu", operator: "Exists" },
      { key: "legacy", operator: "DoesNotExist" },
      { key: "tier", operator: "NotIn", values: ["db"] },
    ],
  });
  assert.throws(() => toLabelSelector("a in (b"), UsageError);
});
