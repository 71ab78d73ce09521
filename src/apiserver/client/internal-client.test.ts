// The in-process client's cheap paths: writes based on a cached copy (no store read), status
// writes that validate and compare only status, and the fallbacks when the cache is stale.
import assert from "node:assert/strict";
import { test } from "node:test";
import { platformResourceTypes } from "../../apis/mcp.platform/v1/index.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import type { Store } from "../../storage/store.ts";
import { ApiError } from "../errors.ts";
import { ObjectStore } from "../registry/object-store.ts";
import { builtinResourceTypes } from "../resources/builtin.ts";
import { ResourceRegistry } from "../resources/registry.ts";
import { InternalClient } from "./internal-client.ts";

const ref = { apiVersion: "mcp.platform/v1", kind: "Cluster", name: "c1" };

/** A client over a memory store that counts the store's point reads. */
function setup(): { client: InternalClient; reads: () => number; store: Store } {
  const store = openMemoryStore();
  let reads = 0;
  const get = store.get.bind(store);
  store.get = (key, rev) => {
    reads++;
    return get(key, rev);
  };
  const registry = new ResourceRegistry([...builtinResourceTypes(), ...platformResourceTypes()]);
  return { client: new InternalClient(new ObjectStore(store), registry), reads: () => reads, store };
}

async function created(client: InternalClient): Promise<KubeObject> {
  return client.create({ ...ref, metadata: { name: "c1", labels: { env: "dev" } }, spec: { mode: "Pull" } });
}

test("an update based on a cached copy reads nothing; a stale copy is a Conflict", async () => {
  const { client, reads } = setup();
  const c = await created(client);
  const before = reads();
  const next = { ...c, metadata: { ...c.metadata, labels: { env: "prod" } } };
  const stored = await client.update(next, { base: c });
  assert.equal(reads(), before, "no store read");
  assert.equal(stored.metadata.labels?.env, "prod");
  assert.notEqual(stored.metadata.resourceVersion, c.metadata.resourceVersion);

  // The cached copy is now stale: a write based on it must not win over the newer one.
  const stale = { ...c, metadata: { ...c.metadata, labels: { env: "stale" } } };
  await assert.rejects(
    client.update(stale, { base: c }),
    (e) => e instanceof ApiError && e.reason === "Conflict",
  );
  assert.equal((await client.get(ref))?.metadata.labels?.env, "prod");
});

test("a base that is not the version written from is ignored: the store is read", async () => {
  const { client, reads } = setup();
  const c = await created(client);
  const newer = await client.update({ ...c, metadata: { ...c.metadata, labels: { env: "qa" } } });
  const before = reads();
  // obj is based on `newer`, the base offered is the older `c`: it cannot stand in.
  await client.update({ ...newer, metadata: { ...newer.metadata, labels: { env: "prod" } } }, { base: c });
  assert.equal(reads(), before + 1);
  assert.equal((await client.get(ref))?.metadata.labels?.env, "prod");
});

test("mutate from a stale base retries on the stored object", async () => {
  const { client, reads } = setup();
  const c = await created(client);
  await client.update({ ...c, metadata: { ...c.metadata, labels: { env: "qa" } } });
  const before = reads();
  const seen: (string | undefined)[] = [];
  const out = await client.mutate(
    ref,
    (cur) => {
      seen.push(cur.metadata.labels?.env);
      return { ...cur, metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, tier: "1" } } };
    },
    { base: c, owned: true },
  );
  assert.deepEqual(seen, ["dev", "qa"], "first the base, then the stored object after the Conflict");
  assert.ok(reads() > before);
  assert.deepEqual(out?.metadata.labels, { env: "qa", tier: "1" });
  assert.equal(c.metadata.labels?.env, "dev", "the base itself is never modified");
});

test("mutate without `owned` hands change a copy, so an in-place edit leaves the base alone", async () => {
  const { client } = setup();
  const c = await created(client);
  await client.mutate(
    ref,
    (cur) => {
      cur.metadata.labels = { env: "edited" };
      return cur;
    },
    { base: c },
  );
  assert.equal(c.metadata.labels?.env, "dev");
  assert.equal((await client.get(ref))?.metadata.labels?.env, "edited");
});

test("a status write validates status (with its field path) and writes nothing when status is unchanged", async () => {
  const { client } = setup();
  const c = await created(client);
  const withStatus = await client.updateStatus(
    { ...c, status: { kubernetesVersion: "v1.30.2" } },
    { base: c },
  );
  assert.equal((withStatus.status as { kubernetesVersion: string }).kubernetesVersion, "v1.30.2");
  assert.equal(withStatus.spec && (withStatus.spec as { mode: string }).mode, "Pull", "spec is carried over");

  const same = await client.updateStatus({ ...withStatus, status: { kubernetesVersion: "v1.30.2" } });
  assert.equal(same.metadata.resourceVersion, withStatus.metadata.resourceVersion, "no write");

  await assert.rejects(
    client.updateStatus({ ...withStatus, status: { kubernetesVersion: 130 } }, { base: withStatus }),
    (e) =>
      e instanceof ApiError &&
      e.reason === "Invalid" &&
      JSON.stringify(e.toStatus()).includes("status.kubernetesVersion"),
  );
  // A status write cannot change the spec, whatever the object sent says.
  const sneaky = await client.updateStatus({
    ...withStatus,
    spec: { mode: "Push" },
    status: { kubernetesVersion: "v1.31.0" },
  });
  assert.equal((sneaky.spec as { mode: string }).mode, "Pull");
});
