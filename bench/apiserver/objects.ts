// The objects the API server benchmark writes: ConfigMaps in "default" with a fixed-size payload,
// named so that any index can be addressed without remembering server responses.

export const CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

/** A few hundred bytes of data, typical of a small ConfigMap. */
const PAYLOAD = "x".repeat(256);

export function objectName(i: number): string {
  return `bench-${String(i).padStart(6, "0")}`;
}

export function configMap(i: number) {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: objectName(i), labels: { app: "mcp-bench", shard: String(i % 16) } },
    data: { index: String(i), payload: PAYLOAD },
  };
}

/** Counts failed requests and keeps the first failure's text for the report. */
export class ErrorTally {
  count = 0;
  first?: string;

  check(what: string, status: number, body: string, ok: number[]): void {
    if (ok.includes(status)) return;
    this.count++;
    this.first ??= `${what}: HTTP ${status}: ${body.slice(0, 200)}`;
  }

  report(): { errors: number; firstError?: string } {
    return { errors: this.count, ...(this.first ? { firstError: this.first } : {}) };
  }
}
