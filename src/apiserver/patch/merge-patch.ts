// RFC 7386 JSON merge patch (application/merge-patch+json): objects merge recursively, null
// deletes a member, anything else (arrays included) replaces the target wholesale.

import { errors } from "../errors.ts";
import { clone, isJsonObject } from "./json-value.ts";

/** Applies a merge patch; neither input is mutated and the result shares nothing with them. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return mergeInto(clone(target), patch);
}

function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return clone(patch);
  const out = isJsonObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergeInto(out[key], value);
  }
  return out;
}

/**
 * Applies a merge patch to a stored object. The API server only accepts an object as the patch
 * document: a bare array or scalar would replace the whole resource with something that is not one.
 */
export function mergePatchObject<T extends object>(target: T, patch: unknown): T {
  if (!isJsonObject(patch)) {
    throw errors.badRequest("the merge patch must be a JSON object");
  }
  return applyMergePatch(target, patch) as T;
}
