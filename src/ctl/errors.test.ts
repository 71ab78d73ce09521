import assert from "node:assert/strict";
import { test } from "node:test";
import { UsageError } from "../cli/flags.ts";
import { toApiError } from "./client.ts";
import { ApiError, CtlError, describeFailure } from "./errors.ts";

test("a Status becomes kubectl's one-line 'Error from server (Reason): message'", () => {
  const e = new ApiError(404, {
    kind: "Status",
    reason: "NotFound",
    message: 'clusters.mcp.platform "x" not found',
    code: 404,
  });
  assert.deepEqual(describeFailure(e), {
    line: 'Error from server (NotFound): clusters.mcp.platform "x" not found',
    exitCode: 1,
  });
});

test("field causes missing from the message are added; multi-line messages become one line", () => {
  const e = new ApiError(422, {
    kind: "Status",
    reason: "Invalid",
    message: 'Cluster "x" is invalid',
    details: { causes: [{ field: "spec.mode", message: 'Unsupported value: "Sideways"' }] },
  });
  assert.equal(
    e.message,
    'Error from server (Invalid): Cluster "x" is invalid: spec.mode: Unsupported value: "Sideways"',
  );
  const multi = new ApiError(500, { kind: "Status", reason: "InternalError", message: "first\n  second\n" });
  assert.equal(multi.message, "Error from server (InternalError): first; second");
});

test("an answer that is not a Status still gives one line with a reason", () => {
  const e = toApiError(503, "<html>\n<body>down</body>", "<html>\n<body>down</body>");
  assert.equal(e.message, "Error from server (ServiceUnavailable): <html>");
  assert.equal(
    toApiError(401, undefined, "").message,
    "error: you must be logged in to the hub (Unauthorized)",
  );
});

test("usage mistakes exit 2 and point at the command's help; other errors exit 1", () => {
  assert.deepEqual(
    describeFailure(
      new UsageError("Unknown option '--bogus'. To specify a positional argument..."),
      "mcpctl get",
    ),
    {
      line: "error: unknown flag --bogus (see 'mcpctl get --help')",
      exitCode: 2,
    },
  );
  assert.deepEqual(describeFailure(new CtlError("cannot reach the hub at https://h:1: connection refused")), {
    line: "error: cannot reach the hub at https://h:1: connection refused",
    exitCode: 1,
  });
  assert.equal(
    describeFailure(new Error("boom\n    at stack (x.ts:1)")).line,
    "error: boom; at stack (x.ts:1)",
  );
});
