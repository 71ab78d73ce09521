// The agent's root logger: JSON lines on stderr, with anything credential-shaped redacted so that
// neither the bootstrap token nor the cluster credential can end up in a log collector.
import pino, { type Logger } from "pino";

const SECRET_KEYS = ["credential", "token", "bootstrapToken", "authorization", "password", "keyPem"];

export function agentLogger(level: string, clusterName: string): Logger {
  return pino(
    {
      level,
      base: { component: "mcp-agent", cluster: clusterName },
      redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`)], censor: "[redacted]" },
    },
    pino.destination(2),
  );
}
