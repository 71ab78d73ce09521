// Connection timeouts of an API server's HTTPS listener (the hub's and every simulated cluster's),
// as kube-apiserver sets them: no overall request timeout (watches are long-lived), a deadline for
// a request's headers, and idle keep-alive connections kept for 90 s — kube-apiserver's
// IdleTimeout — instead of Node's 5 s, so that clients polling every sync interval reuse their
// TLS connections rather than handshaking again each time.
import type { Server } from "node:https";

export const IDLE_CONNECTION_MS = 90_000;

export function applyServingTimeouts(server: Server): void {
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
}
