// Test support: an agent endpoint on a loopback port over an in-memory store, with a recorder in
// place of the cluster-status controller, and a raw client for speaking the protocol directly.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import pino from "pino";
import { Registry } from "prom-client";
import { HubClient } from "../../agent/hub-client.ts";
import { ensurePki } from "../../apiserver/auth/pki.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import type { Store } from "../../storage/store.ts";
import { hubResourceRegistry } from "../hub.ts";
import { type AgentEndpoint, startAgentEndpoint } from "./server.ts";

export interface Recorded {
  cluster: string;
  observed: Record<string, unknown>;
}

export interface TestEndpoint {
  endpoint: AgentEndpoint;
  store: Store;
  client: InternalClient;
  metrics: Registry;
  caPem: string;
  caPath: string;
  recorded: Recorded[];
  /** A raw protocol client (closed by the test's cleanup). */
  hubClient(): HubClient;
}

export async function startTestEndpoint(
  t: TestContext,
  opts: { requireApproval?: boolean; helloTimeoutMs?: number } = {},
): Promise<TestEndpoint> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-agent-endpoint-"));
  const pki = await ensurePki(dir);
  const store = openMemoryStore();
  const client = new InternalClient(new ObjectStore(store), hubResourceRegistry());
  const metrics = new Registry();
  const recorded: Recorded[] = [];
  const endpoint = await startAgentEndpoint({
    host: "127.0.0.1",
    port: 0,
    serving: pki.serving,
    store,
    client,
    log: pino({ level: "silent" }),
    metricsRegistry: metrics,
    requireApproval: opts.requireApproval ?? false,
    helloTimeoutMs: opts.helloTimeoutMs,
    heartbeats: {
      async recordHeartbeat(_client, cluster, observed) {
        recorded.push({ cluster, observed: observed as unknown as Record<string, unknown> });
      },
      async recordUnreachable(_client, cluster, message) {
        recorded.push({ cluster, observed: { unreachable: message } });
      },
    },
  });
  const clients: HubClient[] = [];
  t.after(async () => {
    for (const c of clients) c.close();
    await endpoint.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    endpoint,
    store,
    client,
    metrics,
    caPem: pki.ca.certPem,
    caPath: pki.paths.caCert,
    recorded,
    hubClient() {
      const c = new HubClient(`127.0.0.1:${endpoint.port}`, Buffer.from(pki.ca.certPem));
      clients.push(c);
      return c;
    },
  };
}
