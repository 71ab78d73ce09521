// Assertions on the hub's error responses: every API error must be a Kubernetes Status with the
// right code and reason and a human message, and must never leak a stack trace or source path.
import assert from "node:assert/strict";
import type { ApiResponse } from "./api.ts";

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface KubeStatus {
  kind: string;
  apiVersion: string;
  status: string;
  message: string;
  reason: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] };
}

/** Asserts res is a failure Status with this HTTP code and reason; returns it for more checks. */
export function assertStatus(res: ApiResponse, code: number, reason: string): KubeStatus {
  assertNoStackTrace(res.text);
  assert.equal(res.status, code, `HTTP status (body: ${res.text})`);
  assert.match(String(res.headers["content-type"]), /application\/json/);
  const st = res.json<KubeStatus>();
  assert.equal(st.kind, "Status", res.text);
  assert.equal(st.apiVersion, "v1", res.text);
  assert.equal(st.status, "Failure", res.text);
  assert.equal(st.code, code, res.text);
  assert.equal(st.reason, reason, res.text);
  assert.ok(typeof st.message === "string" && st.message.length > 0, `empty message: ${res.text}`);
  return st;
}

/** The causes' field paths, for comparing with what a user's manifest got wrong. */
export function causeFields(st: KubeStatus): string[] {
  return (st.details?.causes ?? []).map((c) => c.field ?? "");
}

export function assertNoStackTrace(text: string): void {
  assert.doesNotMatch(text, /\n\s+at |\bat .+\.(ts|js):\d+|node:internal|\/src\/|\/work\//, text);
}
