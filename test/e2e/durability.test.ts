// Crash durability of the real hub: a write the hub acknowledged survives `kill -9` at once,
// with the same resourceVersion and uid; the restarted hub keeps its CA (old kubeconfigs work)
// and its revision history (watches resume from a resourceVersion seen before the crash).
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type ApiClient, apiClient } from "./support/api.ts";
import { type HubProcess, startHub } from "./support/hub.ts";
import { kubectlOk } from "./support/kubectl.ts";

const CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

interface Meta {
  metadata: { name: string; resourceVersion: string; uid: string };
}

let dataDir: string;
let hub: HubProcess;
let api: ApiClient;
/** A copy of the admin kubeconfig as written by the very first start. */
let firstKubeconfig: string;
let firstCa: string;

/** SIGKILLs the hub and starts it again on the same data dir and port. */
async function crashAndRestart(): Promise<void> {
  hub.child.kill("SIGKILL");
  assert.equal(await hub.exited, "SIGKILL");
  hub = await startHub({ dataDir, listen: `127.0.0.1:${hub.port}` });
}

/** Sends a write and SIGKILLs the hub in the same tick its response arrives. */
async function writeThenKill(method: string, path: string, body?: unknown, contentType?: string) {
  const res = await api.request(method, path, { body, contentType });
  hub.child.kill("SIGKILL");
  return res;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "mcp-e2e-durability-"));
  hub = await startHub({ dataDir });
  firstKubeconfig = join(dataDir, "first.kubeconfig");
  await copyFile(hub.kubeconfigPath, firstKubeconfig);
  firstCa = await readFile(hub.caPath, "utf8");
  api = await apiClient(hub.kubeconfigPath);
});
after(async () => {
  await hub?.close();
  await rm(dataDir, { recursive: true, force: true });
});

test("acknowledged creates survive SIGKILL the moment they are acknowledged (5 cycles)", async () => {
  const acked: Meta[] = [];
  for (let i = 0; i < 5; i++) {
    const body = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `durable-${i}` },
      data: { i: String(i) },
    };
    const res = await writeThenKill("POST", CONFIGMAPS, body);
    assert.equal(res.status, 201, res.text);
    acked.push(res.json<Meta>());
    await crashAndRestart();
    // Every write acknowledged so far, not only the last one, is there exactly as acknowledged.
    for (const want of acked) {
      const got = await api.request("GET", `${CONFIGMAPS}/${want.metadata.name}`);
      assert.equal(got.status, 200, `cycle ${i}: ${want.metadata.name} lost: ${got.text}`);
      const meta = got.json<Meta>().metadata;
      assert.equal(meta.resourceVersion, want.metadata.resourceVersion, `cycle ${i}: ${want.metadata.name}`);
      assert.equal(meta.uid, want.metadata.uid, `cycle ${i}: ${want.metadata.name}`);
    }
  }
  // New writes after the restarts get revisions above everything acknowledged before.
  const next = await api.request("POST", CONFIGMAPS, {
    body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "after-crashes" } },
  });
  assert.equal(next.status, 201, next.text);
  const lastAcked = Math.max(...acked.map((m) => Number(m.metadata.resourceVersion)));
  assert.ok(Number(next.json<Meta>().metadata.resourceVersion) > lastAcked);
});

test("acknowledged updates and deletes survive SIGKILL too", async () => {
  const patch = await writeThenKill(
    "PATCH",
    `${CONFIGMAPS}/durable-1`,
    { data: { i: "patched" } },
    "application/merge-patch+json",
  );
  assert.equal(patch.status, 200, patch.text);
  await crashAndRestart();
  const got = await api.request("GET", `${CONFIGMAPS}/durable-1`);
  const obj = got.json<Meta & { data: Record<string, string> }>();
  assert.equal(obj.data.i, "patched");
  assert.equal(obj.metadata.resourceVersion, patch.json<Meta>().metadata.resourceVersion);

  const del = await writeThenKill("DELETE", `${CONFIGMAPS}/durable-2`);
  assert.equal(del.status, 200, del.text);
  await crashAndRestart();
  assert.equal((await api.request("GET", `${CONFIGMAPS}/durable-2`)).status, 404);
});

test("after restarts the CA is the same and the first admin kubeconfig still works", async () => {
  assert.equal(await readFile(hub.caPath, "utf8"), firstCa, "the hub kept its CA");
  const names = await kubectlOk(["get", "configmaps", "-o", "name"], { kubeconfig: firstKubeconfig });
  assert.match(names, /^configmap\/durable-0$/m);
  assert.match(names, /^configmap\/durable-4$/m);
  assert.doesNotMatch(names, /^configmap\/durable-2$/m);
});

test("a watch from a resourceVersion seen before SIGKILL resumes after the restart", async () => {
  const list = await api.request("GET", CONFIGMAPS);
  const rv0 = list.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
  const w1 = await api.watch(`${CONFIGMAPS}?watch=true&resourceVersion=${rv0}`);
  const created = await api.request("POST", CONFIGMAPS, {
    body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "watched" }, data: { v: "1" } },
  });
  assert.equal(created.status, 201, created.text);
  const seen = await w1.waitFor((e) => e.type === "ADDED" && e.object.metadata?.name === "watched");
  const lastRv = String(seen.object.metadata?.resourceVersion);
  await crashAndRestart();
  w1.close();

  // One change while the client is away (replayed from history), one after it is back (live).
  const patch = await api.request("PATCH", `${CONFIGMAPS}/watched`, {
    body: { data: { v: "2" } },
    contentType: "application/merge-patch+json",
  });
  assert.equal(patch.status, 200, patch.text);
  const w2 = await api.watch(`${CONFIGMAPS}?watch=true&resourceVersion=${lastRv}`);
  try {
    const modified = await w2.waitFor((e) => e.type === "MODIFIED" && e.object.metadata?.name === "watched");
    assert.deepEqual((modified.object as { data?: unknown }).data, { v: "2" });
    const live = await api.request("POST", CONFIGMAPS, {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "after-restart" } },
    });
    assert.equal(live.status, 201, live.text);
    await w2.waitFor((e) => e.type === "ADDED" && e.object.metadata?.name === "after-restart");
    // Resumed, not restarted: nothing at or before lastRv is sent again.
    const replayed = w2.events.filter((e) => e.type !== "BOOKMARK");
    assert.deepEqual(
      replayed.map((e) => `${e.type} ${e.object.metadata?.name}`),
      ["MODIFIED watched", "ADDED after-restart"],
    );
  } finally {
    w2.close();
  }
});
