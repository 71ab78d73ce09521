// The demo module: its sync interval reaches its clusters (registration creates a Cluster with the
// API's default, 30s), and a stop requested while the fleet comes up stops every process that
// had already started.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bootstrapToken, eventually, fakeMember, startTestAgent, startTestHub } from "../agent/testing.ts";
import { loadKubeconfig } from "../apiserver/auth/kubeconfig.ts";
import { HubClient } from "../ctl/client.ts";
import { setSyncInterval, startDemo } from "./demo.ts";

const CLUSTERS = "/apis/mcp.platform/v1/clusters";

interface ClusterView {
  spec?: { syncInterval?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

test("setSyncInterval gives registered clusters the demo's interval, and their agents use it", async (t) => {
  const h = await startTestHub(t);
  const members = { "sim-001": fakeMember(), "sim-002": fakeMember() };
  for (const [name, member] of Object.entries(members))
    await startTestAgent(t, h, name, { token: await bootstrapToken(h), collect: member.collect });
  await eventually(async () => {
    for (const name of Object.keys(members)) {
      const c = (await h.api<ClusterView>("GET", `${CLUSTERS}/${name}`)).body;
      assert.ok(
        c.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True"),
        name,
      );
    }
  }, 10_000);
  for (const name of Object.keys(members)) {
    const c = (await h.api<ClusterView>("GET", `${CLUSTERS}/${name}`)).body;
    assert.equal(c.spec?.syncInterval, "30s", "registration leaves the API's default");
  }

  const client = new HubClient(await loadKubeconfig(h.hub.kubeconfigPath));
  t.after(() => client.close());
  await setSyncInterval(client, Object.keys(members), "200ms");

  for (const name of Object.keys(members)) {
    const c = (await h.api<ClusterView>("GET", `${CLUSTERS}/${name}`)).body;
    assert.equal(c.spec?.syncInterval, "200ms", name);
  }
  // At the default 30s an agent would have collected its member's status once or twice by now.
  for (const member of Object.values(members)) {
    const before = member.calls;
    await eventually(() => assert.ok(member.calls >= before + 5, `${member.calls} collections`), 10_000);
  }
});

/** Command lines of live processes that mention `text` (a zombie's is empty). */
async function processesMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir("/proc")).filter((e) => /^\d+$/.test(e))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(text)) found.push(cmdline.replaceAll("\0", " "));
  }
  return found;
}

test("a stop requested during start-up stops the hub, simulator and agent already started", {
  timeout: 180_000,
}, async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), "mcp-demo-abort-"));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const stopping = new AbortController();
  const started = startDemo({
    dataDir,
    listen: "127.0.0.1:0",
    clusters: 1,
    nodes: 1,
    syncInterval: "10s",
    signal: stopping.signal,
    // Every process is up once the agent registers; the demo is still waiting for Ready then.
    log: (line) => {
      if (/agent for sim-001 registering/.test(line)) stopping.abort("SIGINT");
    },
  });
  t.after(async () => (await started.catch(() => undefined))?.stop());
  await assert.rejects(started, (e) => e === "SIGINT");
  assert.deepEqual(await processesMentioning(dataDir), []);
});
