// The structural schema walker: alternatives chosen by type/const without copying the value,
// nullable alternatives, patterns compiled once, and field paths under a prefix.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Schema, validateSchema } from "./schema.ts";

const fields = (r: { causes: { field?: string }[] }) => r.causes.map((c) => c.field);

test("anyOf picks the alternative matching the value's type or const, and walks it (defaults, pruning)", () => {
  const schema: Schema = {
    type: "object",
    properties: {
      mode: { anyOf: [{ const: "Push" }, { const: "Pull" }] },
      target: {
        anyOf: [
          { type: "string" },
          {
            type: "object",
            properties: { name: { type: "string" }, weight: { type: "integer", default: 1 } },
          },
        ],
      },
    },
  };
  const value: Record<string, unknown> = { mode: "Pull", target: { name: "a", extra: true } };
  const r = validateSchema(schema, value);
  assert.deepEqual(r.causes, []);
  assert.deepEqual(
    value.target,
    { name: "a", weight: 1 },
    "the object alternative filled its default and pruned",
  );
  assert.deepEqual(r.unknownFields, ["target.extra"]);

  const bad = validateSchema(schema, { mode: "Both", target: 3 });
  assert.deepEqual(fields(bad), ["mode", "target"]);
  assert.match(bad.causes[0].message ?? "", /supported values: "Push", "Pull"/);
});

test("a null value satisfies a nullable alternative", () => {
  const schema: Schema = {
    type: "object",
    properties: { ref: { anyOf: [{ type: "object", nullable: true }, { type: "string" }] } },
  };
  assert.deepEqual(validateSchema(schema, { ref: null }).causes, []);
  assert.deepEqual(validateSchema(schema, { ref: "x" }).causes, []);
  assert.deepEqual(fields(validateSchema(schema, { ref: 1 })), ["ref"]);
});

test("patterns and patternProperties apply to every value, however often the schema is used", () => {
  const schema: Schema = {
    type: "object",
    patternProperties: { "^x-": { type: "string", pattern: "^[a-z]+$" } },
    additionalProperties: false,
  };
  for (let i = 0; i < 3; i++) {
    const value = { "x-a": "ok", "x-b": "NOPE", y: 1 };
    const r = validateSchema(schema, value);
    assert.deepEqual(fields(r), ["x-b"]);
    assert.deepEqual(r.unknownFields, ["y"]);
  }
});

test("field paths start at the given prefix", () => {
  const schema: Schema = { type: "object", properties: { replicas: { type: "integer", minimum: 0 } } };
  assert.deepEqual(fields(validateSchema(schema, { replicas: -1 }, "status")), ["status.replicas"]);
});

test("choosing an alternative leaves the value alone until the chosen one is walked", () => {
  const schema: Schema = {
    type: "object",
    properties: {
      item: {
        anyOf: [
          {
            type: "object",
            properties: { kind: { const: "A" }, size: { type: "integer", default: 1 } },
            required: ["kind", "size"],
            additionalProperties: false,
          },
          {
            type: "object",
            properties: { kind: { const: "B" }, note: { type: "string", default: "b" } },
            required: ["kind"],
          },
        ],
      },
    },
  };
  // The first alternative fails (kind), and its probe must neither fill size nor drop note.
  const b: Record<string, unknown> = { item: { kind: "B", note: "kept" } };
  assert.deepEqual(validateSchema(schema, b).causes, []);
  assert.deepEqual(b.item, { kind: "B", note: "kept" });
  // A required field with a default counts as present: the real walk fills it.
  const a: Record<string, unknown> = { item: { kind: "A" } };
  assert.deepEqual(validateSchema(schema, a).causes, []);
  assert.deepEqual(a.item, { kind: "A", size: 1 });
});
