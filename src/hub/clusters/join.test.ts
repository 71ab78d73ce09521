import assert from "node:assert/strict";
import { test } from "node:test";
import { credentialKey } from "./credentials.ts";
import { startHttpsMember, startTestHub, type TestHub } from "./testing.ts";

const SECRET = "member-Secret-T0ken-do-not-leak-4f9a";
const joinBody = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: "mcp.platform/v1",
  kind: "ClusterJoin",
  metadata: { name },
  spec,
});

async function storedText(hub: TestHub): Promise<string> {
  const { items } = await hub.store.range("/");
  return items.map((kv) => `${kv.key}=${kv.value}`).join("\n");
}

test("a push join verifies the member over TLS, then stores the Cluster and the encrypted credential together", async (t) => {
  const member = await startHttpsMember(SECRET);
  const hub = await startTestHub();
  t.after(async () => {
    await hub.close();
    await member.close();
  });

  const res = await hub.req(
    "POST",
    "/apis/mcp.platform/v1/clusterjoins",
    joinBody("m1", {
      apiEndpoint: member.url,
      caData: member.caData,
      token: SECRET,
      labels: { region: "eu-west", env: "prod" },
      syncInterval: "10s",
    }),
  );
  const text = await res.text();
  assert.equal(res.status, 201, text);
  assert.ok(!text.includes(SECRET), "the response carries no credential");
  const joined = JSON.parse(text);
  assert.equal(joined.kind, "ClusterJoin");
  assert.equal(joined.status.kubernetesVersion, "v1.30.0");
  assert.equal(joined.spec.token, undefined);
  assert.equal(joined.spec.apiEndpoint, member.url);

  const cluster = await hub.client.get({ apiVersion: "mcp.platform/v1", kind: "Cluster", name: "m1" });
  assert.ok(cluster);
  assert.deepEqual(cluster.spec, {
    mode: "Push",
    apiEndpoint: member.url,
    caData: member.caData,
    syncInterval: "10s",
    credentialRef: "m1",
    region: "eu-west",
  });
  assert.deepEqual(cluster.metadata.labels, { region: "eu-west", env: "prod" });
  const cred = await hub.credentials.get("m1");
  assert.deepEqual(cred, { credential: { token: SECRET }, clusterUid: cluster.metadata.uid });
  assert.ok((await hub.store.get(credentialKey("m1")))?.value);
  assert.ok(!(await storedText(hub)).includes(SECRET), "nothing in the store holds the plaintext");
  const events = await hub.client.list("v1", "Event", "default");
  assert.equal(events.find((e) => e.reason === "ClusterJoined")?.type, "Normal");

  // Nothing the API serves carries the credential: GET, list, YAML (-o yaml), Table, watch.
  const reads = [
    hub.req("GET", "/apis/mcp.platform/v1/clusters/m1"),
    hub.req("GET", "/apis/mcp.platform/v1/clusters"),
    hub.req("GET", "/apis/mcp.platform/v1/clusters/m1", undefined, { accept: "application/yaml" }),
    hub.req("GET", "/apis/mcp.platform/v1/clusters", undefined, {
      accept: "application/json;as=Table;v=v1;g=meta.k8s.io",
    }),
    hub.req("GET", "/api/v1/events"),
  ];
  for (const r of await Promise.all(reads)) {
    const body = await r.text();
    assert.equal(r.status, 200, body);
    assert.ok(!body.includes(SECRET), body.slice(0, 200));
  }
  const watch = await hub.req(
    "GET",
    "/apis/mcp.platform/v1/clusters?watch=1&resourceVersion=0",
    undefined,
    {},
  );
  const reader = watch.body!.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  assert.match(first, /"ADDED"/);
  assert.ok(!first.includes(SECRET));
  await reader.cancel();
  assert.ok(!hub.logs.join("").includes(SECRET), "the credential never reaches the log");
  assert.ok(hub.logs.join("").includes("cluster joined in push mode"));

  // A second join of the same name is refused before the member is contacted.
  const again = await hub.req(
    "POST",
    "/apis/mcp.platform/v1/clusterjoins",
    joinBody("m1", { apiEndpoint: member.url, caData: member.caData, token: SECRET }),
  );
  assert.equal(again.status, 409);
});

test("a join with the wrong CA fails with a clear TLS message and stores nothing", async (t) => {
  const member = await startHttpsMember(SECRET);
  const hub = await startTestHub();
  t.after(async () => {
    await hub.close();
    await member.close();
  });
  const before = await hub.store.currentRevision();

  const res = await hub.req(
    "POST",
    "/apis/mcp.platform/v1/clusterjoins",
    joinBody("bad-ca", { apiEndpoint: member.url, caData: member.otherCaData, token: SECRET }),
  );
  const status = (await res.json()) as {
    code: number;
    reason: string;
    message: string;
    details: { causes: { field: string }[] };
  };
  assert.equal(res.status, 422);
  assert.equal(status.reason, "Invalid");
  assert.match(
    status.message,
    /spec\.caData: cannot verify the member's certificate with the given CA: x509: certificate signed by unknown authority/,
  );
  assert.equal(status.details.causes[0].field, "spec.caData");
  t.diagnostic(status.message);
  assert.ok(!JSON.stringify(status).includes(SECRET));
  assert.equal(await hub.store.currentRevision(), before, "no write at all");
  assert.equal(
    await hub.client.get({ apiVersion: "mcp.platform/v1", kind: "Cluster", name: "bad-ca" }),
    undefined,
  );
  assert.equal(await hub.store.get(credentialKey("bad-ca")), undefined);
  assert.ok(!hub.logs.join("").includes(SECRET));
});

test("joins with a rejected credential, no credential, or an unreachable endpoint fail and store nothing", async (t) => {
  const member = await startHttpsMember(SECRET);
  const hub = await startTestHub();
  t.after(async () => {
    await hub.close();
    await member.close();
  });
  const before = await hub.store.currentRevision();
  const post = async (spec: Record<string, unknown>) => {
    const r = await hub.req("POST", "/apis/mcp.platform/v1/clusterjoins", joinBody("m2", spec));
    return { status: r.status, body: (await r.json()) as { message: string } };
  };

  const wrongToken = await post({ apiEndpoint: member.url, caData: member.caData, token: "not-the-token" });
  assert.equal(wrongToken.status, 422);
  assert.match(wrongToken.body.message, /spec\.token: the member rejected the credential: HTTP 401/);
  assert.doesNotMatch(wrongToken.body.message, /not-the-token/);

  const noCred = await post({ apiEndpoint: member.url, caData: member.caData });
  assert.equal(noCred.status, 422);
  assert.match(noCred.body.message, /a token or a client certificate and key/);

  const halfCert = await post({
    apiEndpoint: member.url,
    caData: member.caData,
    clientCertificateData: "Zm9v",
  });
  assert.equal(halfCert.status, 422);
  assert.match(halfCert.body.message, /spec\.clientKeyData/);

  const garbageCa = await post({ apiEndpoint: member.url, caData: "Zm9v", token: SECRET });
  assert.equal(garbageCa.status, 422);
  assert.match(garbageCa.body.message, /spec\.caData: Invalid value: not a base64-encoded PEM certificate/);

  await member.stop();
  const down = await post({ apiEndpoint: member.url, caData: member.caData, token: SECRET });
  assert.equal(down.status, 400);
  assert.match(
    down.body.message,
    /cannot reach the member at https:\/\/127\.0\.0\.1:\d+: connection refused/,
  );

  const plainHttp = await post({ apiEndpoint: "http://127.0.0.1:1", token: SECRET });
  assert.equal(plainHttp.status, 422, "the endpoint must be https");

  assert.equal(await hub.store.currentRevision(), before);
  assert.ok(!hub.logs.join("").includes(SECRET));
});

test("dry-run probes the member but stores nothing", async (t) => {
  const member = await startHttpsMember(SECRET);
  const hub = await startTestHub();
  t.after(async () => {
    await hub.close();
    await member.close();
  });
  const before = await hub.store.currentRevision();
  const res = await hub.req(
    "POST",
    "/apis/mcp.platform/v1/clusterjoins?dryRun=All",
    joinBody("dry", { apiEndpoint: member.url, caData: member.caData, token: SECRET }),
  );
  assert.equal(res.status, 201);
  assert.equal(await hub.store.currentRevision(), before);
});
