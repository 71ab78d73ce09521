// The audit log: one JSON line per request — who, verb, resource, result, when — appended to a
// file (or any writable stream). Bodies are never logged, so no credential can leak here.
import { createWriteStream, type WriteStream } from "node:fs";
import type { Writable } from "node:stream";

export interface AuditRecord {
  time: string;
  user: string;
  groups: string[];
  verb: string;
  /** group/resource[/subresource], or the path for non-resource requests. */
  resource: string;
  namespace?: string;
  name?: string;
  code: number;
  latencyMs: number;
  sourceIP?: string;
  userAgent?: string;
  /** Set by admission (e.g. which ClusterPolicy rules a write violated). */
  annotations?: Record<string, string>;
}

export class AuditLog {
  private readonly out: Writable;

  constructor(out: Writable) {
    this.out = out;
  }

  static toFile(path: string): AuditLog {
    const stream: WriteStream = createWriteStream(path, { flags: "a", mode: 0o600 });
    return new AuditLog(stream);
  }

  record(r: AuditRecord): void {
    this.out.write(`${JSON.stringify(r)}\n`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.out.end(resolve));
  }
}
