// RFC 6902 JSON patch (application/json-patch+json) over RFC 6901 JSON pointers. Patches are
// atomic: operations run on a private copy, so a failing operation leaves the input untouched and
// the caller gets a Status naming the operation's index and path.

import { ApiError, errors, type StatusCause } from "../errors.ts";
import { clone, isJsonObject, jsonEqual } from "./json-value.ts";

export type JsonPatchOp = "add" | "remove" | "replace" | "move" | "copy" | "test";

export interface JsonPatchOperation {
  op: JsonPatchOp;
  path: string;
  from?: string;
  value?: unknown;
}

/** Kubernetes refuses larger patches (maxJSONPatchOperations) before applying anything. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

const OPS = new Set<string>(["add", "remove", "replace", "move", "copy", "test"]);

/** Checks the patch document's shape; malformed documents are a 400. */
export function parseJsonPatch(patch: unknown): JsonPatchOperation[] {
  if (!Array.isArray(patch)) throw errors.badRequest("a JSON patch must be an array of operations");
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new ApiError(
      "RequestEntityTooLarge",
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
    );
  }
  return patch.map((raw, i) => {
    const bad = (why: string) => errors.badRequest(`json patch operation ${i}: ${why}`);
    if (!isJsonObject(raw)) throw bad("must be an object");
    const { op, path, from } = raw;
    if (typeof op !== "string" || !OPS.has(op)) throw bad(`unknown op ${JSON.stringify(op)}`);
    if (typeof path !== "string") throw bad(`${op} requires a string "path"`);
    parsePointer(path, bad);
    if ((op === "move" || op === "copy") && typeof from !== "string")
      throw bad(`${op} requires a string "from"`);
    if (typeof from === "string") parsePointer(from, bad);
    if ((op === "add" || op === "replace" || op === "test") && !Object.hasOwn(raw, "value")) {
      throw bad(`${op} requires a "value"`);
    }
    return raw as unknown as JsonPatchOperation;
  });
}

/** Splits a JSON pointer into unescaped reference tokens. */
export function parsePointer(pointer: string, fail: (why: string) => Error = errors.badRequest): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw fail(`JSON pointer ${JSON.stringify(pointer)} must start with "/"`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => {
      if (/~(?![01])/.test(token))
        throw fail(`JSON pointer ${JSON.stringify(pointer)} has an invalid escape`);
      return token.replace(/~1/g, "/").replace(/~0/g, "~");
    });
}

/** Applies a JSON patch to a copy of `doc`; throws 422 Invalid when an operation cannot apply. */
export function applyJsonPatch<T>(doc: T, patch: unknown): T {
  const ops = parseJsonPatch(patch);
  const box: { root: unknown } = { root: clone(doc) };
  ops.forEach((op, i) => {
    try {
      applyOne(box, op);
    } catch (err) {
      if (!(err instanceof PatchFailure)) throw err;
      throw failure(doc, i, op, err.message);
    }
  });
  return box.root as T;
}

class PatchFailure extends Error {}

function applyOne(box: { root: unknown }, op: JsonPatchOperation): void {
  const path = parsePointer(op.path);
  switch (op.op) {
    case "add":
      add(box, path, clone(op.value));
      break;
    case "remove":
      remove(box, path);
      break;
    case "replace":
      get(box.root, path);
      if (path.length === 0) box.root = clone(op.value);
      else set(box, path, clone(op.value));
      break;
    case "move": {
      const from = parsePointer(op.from ?? "");
      if (from.length < path.length && from.every((t, i) => t === path[i])) {
        throw new PatchFailure(`cannot move ${op.from} into one of its own children`);
      }
      if (op.from === op.path) get(box.root, from);
      else add(box, path, remove(box, from));
      break;
    }
    case "copy":
      add(box, path, clone(get(box.root, parsePointer(op.from ?? ""))));
      break;
    case "test":
      if (!jsonEqual(get(box.root, path), op.value)) throw new PatchFailure("test failed: value mismatch");
  }
}

function get(root: unknown, path: string[]): unknown {
  let cur = root;
  for (const token of path) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(token, cur.length - 1);
      cur = cur[i];
    } else if (isJsonObject(cur) && Object.hasOwn(cur, token)) {
      cur = cur[token];
    } else {
      throw new PatchFailure("path does not exist");
    }
  }
  return cur;
}

function parentOf(box: { root: unknown }, path: string[]): unknown {
  const parent = get(box.root, path.slice(0, -1));
  if (!Array.isArray(parent) && !isJsonObject(parent))
    throw new PatchFailure("parent is not an object or array");
  return parent;
}

function add(box: { root: unknown }, path: string[], value: unknown): void {
  if (path.length === 0) {
    box.root = value;
    return;
  }
  const parent = parentOf(box, path);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    const i = last === "-" ? parent.length : arrayIndex(last, parent.length);
    parent.splice(i, 0, value);
  } else {
    (parent as Record<string, unknown>)[last] = value;
  }
}

function set(box: { root: unknown }, path: string[], value: unknown): void {
  const parent = parentOf(box, path);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent[arrayIndex(last, parent.length - 1)] = value;
  else (parent as Record<string, unknown>)[last] = value;
}

function remove(box: { root: unknown }, path: string[]): unknown {
  if (path.length === 0) throw new PatchFailure("cannot remove the whole document");
  const value = get(box.root, path);
  const parent = parentOf(box, path);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length - 1), 1);
  else delete (parent as Record<string, unknown>)[last];
  return value;
}

/** A decimal array index without leading zeros, at most `max`. */
function arrayIndex(token: string, max: number): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token))
    throw new PatchFailure(`${JSON.stringify(token)} is not an array index`);
  const i = Number(token);
  if (i > max) throw new PatchFailure(`array index ${i} is out of bounds`);
  return i;
}

/** `/spec/containers/0/image` → `spec.containers[0].image`, the API's field-path notation. */
export function pointerToFieldPath(pointer: string): string {
  let out = "";
  for (const token of parsePointer(pointer)) {
    out += /^(0|[1-9][0-9]*)$/.test(token) ? `[${token}]` : out === "" ? token : `.${token}`;
  }
  return out;
}

function failure(doc: unknown, index: number, op: JsonPatchOperation, why: string): ApiError {
  const message = `json patch operation ${index} (${op.op} ${op.path}) failed: ${why}`;
  const cause: StatusCause = { reason: "FieldValueInvalid", message, field: pointerToFieldPath(op.path) };
  const meta = isJsonObject(doc) && isJsonObject(doc.metadata) ? doc.metadata : {};
  const apiVersion = isJsonObject(doc) && typeof doc.apiVersion === "string" ? doc.apiVersion : "";
  const kind = isJsonObject(doc) && typeof doc.kind === "string" ? doc.kind : "Object";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  return errors.invalid(kind, typeof meta.name === "string" ? meta.name : "", group, [cause]);
}
