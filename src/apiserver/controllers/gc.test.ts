import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { startTestApi, type TestApi } from "../testing/harness.ts";
import { startGarbageCollector } from "./gc.ts";

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const api = await startTestApi();
  const gc = startGarbageCollector(api.store, api.server.registry);
  await gc.synced;
  t.after(async () => {
    await gc.stop();
    await api.close();
  });
  return api;
}

const cmPath = (name = "") => `/api/v1/namespaces/default/configmaps${name ? `/${name}` : ""}`;

async function create(
  api: TestApi,
  name: string,
  owners: KubeObject[] = [],
  block = true,
): Promise<KubeObject> {
  const ownerReferences = owners.map((o) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name!,
    uid: o.metadata.uid!,
    blockOwnerDeletion: block,
  }));
  const r = await api.json<KubeObject>("POST", cmPath(), {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, ...(owners.length ? { ownerReferences } : {}) },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

const get = async (api: TestApi, name: string) => {
  const r = await api.json<KubeObject>("GET", cmPath(name));
  return r.status === 200 ? r.body : undefined;
};
const gone = (api: TestApi, name: string) => async () => (await get(api, name)) === undefined;
const del = (api: TestApi, name: string, propagationPolicy?: string) =>
  api.req("DELETE", cmPath(name), { body: propagationPolicy ? { propagationPolicy } : {} });

test("background deletion removes dependents (recursively) once the owner is gone", async (t) => {
  const api = await setup(t);
  const owner = await create(api, "owner");
  const child = await create(api, "child", [owner]);
  await create(api, "grandchild", [child]);
  const other = await create(api, "other");
  await create(api, "shared", [owner, other]);
  await del(api, "owner");
  await until("child deleted", gone(api, "child"));
  await until("grandchild deleted", gone(api, "grandchild"));
  // A dependent with another live owner stays, without the dangling reference.
  const shared = await until("shared loses its dangling owner", async () => {
    const o = await get(api, "shared");
    return o?.metadata.ownerReferences?.length === 1 ? o : undefined;
  });
  assert.equal(shared.metadata.ownerReferences?.[0].uid, other.metadata.uid);
});

test("an object whose owner never existed is collected", async (t) => {
  const api = await setup(t);
  await create(api, "orphaned", [
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ghost", uid: "00000000-dead" } },
  ]);
  await until("dangling dependent deleted", gone(api, "orphaned"));
});

test("foreground deletion deletes dependents first, then the owner", async (t) => {
  const api = await setup(t);
  const owner = await create(api, "owner");
  const child = await create(api, "child", [owner]);
  await create(api, "grandchild", [child]);
  // A finalizer nobody removes keeps the grandchild, so the chain must wait for it.
  const r = await api.req("PATCH", cmPath("grandchild"), {
    contentType: "application/merge-patch+json",
    body: { metadata: { finalizers: ["example.com/hold"] } },
  });
  assert.equal(r.status, 200);
  assert.equal((await del(api, "owner", "Foreground")).status, 200);
  const marked = await until("grandchild marked for deletion", async () => {
    const o = await get(api, "grandchild");
    return o?.metadata.deletionTimestamp ? o : undefined;
  });
  assert.ok(marked);
  const ownerNow = await get(api, "owner");
  assert.ok(ownerNow?.metadata.deletionTimestamp, "owner waits for its dependents");
  assert.deepEqual(ownerNow?.metadata.finalizers, ["foregroundDeletion"]);
  assert.deepEqual((await get(api, "child"))?.metadata.finalizers, ["foregroundDeletion"]);
  await api.req("PATCH", cmPath("grandchild"), {
    contentType: "application/merge-patch+json",
    body: { metadata: { finalizers: null } },
  });
  await until("grandchild gone", gone(api, "grandchild"));
  await until("child gone", gone(api, "child"));
  await until("owner gone", gone(api, "owner"));
});

test("orphan deletion removes the owner and keeps dependents without the reference", async (t) => {
  const api = await setup(t);
  const owner = await create(api, "owner");
  const other = await create(api, "other");
  await create(api, "child", [owner]);
  await create(api, "both", [owner, other]);
  assert.equal((await del(api, "owner", "Orphan")).status, 200);
  await until("owner gone", gone(api, "owner"));
  const child = await get(api, "child");
  assert.ok(child);
  assert.equal(child.metadata.ownerReferences, undefined);
  assert.deepEqual(
    (await get(api, "both"))?.metadata.ownerReferences?.map((o) => o.uid),
    [other.metadata.uid],
  );
});

test("kinds added by a CRD after start are collected too", async (t) => {
  const api = await setup(t);
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { kind: "Widget", plural: "widgets" },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
  };
  assert.equal(
    (await api.json("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).status,
    201,
  );
  const path = "/apis/example.com/v1/namespaces/default/widgets";
  const widget = await until("CRD served", async () => {
    const r = await api.json<KubeObject>("POST", path, {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w" },
    });
    return r.status === 201 ? r.body : undefined;
  });
  const part = await api.json<KubeObject>("POST", path, {
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: {
      name: "part",
      ownerReferences: [
        { apiVersion: "example.com/v1", kind: "Widget", name: "w", uid: widget.metadata.uid },
      ],
    },
  });
  assert.equal(part.status, 201);
  await create(api, "cm-of-widget", [widget]);
  await api.req("DELETE", `${path}/w`);
  await until("custom dependent deleted", async () => (await api.req("GET", `${path}/part`)).status === 404);
  await until("core dependent of a custom owner deleted", gone(api, "cm-of-widget"));
});
