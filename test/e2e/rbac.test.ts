// Authentication and RBAC against the real hub: a service account's token (from
// `kubectl create token`) gets exactly what its Role grants in its namespace and nothing else;
// bad or missing credentials are 401; only /healthz, /readyz and /metrics are open.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { writeKubeconfig } from "../../src/apiserver/auth/kubeconfig.ts";
import { ensurePki, issueClientCert } from "../../src/apiserver/auth/pki.ts";
import { type ApiClient, apiClient } from "./support/api.ts";
import { type HubProcess, startHub } from "./support/hub.ts";
import { kubectl, kubectlOk } from "./support/kubectl.ts";
import { assertStatus } from "./support/status.ts";
import { eventually } from "./support/wait.ts";

const READER = "system:serviceaccount:team-a:reader";

let hub: HubProcess;
let admin: ApiClient;
let reader: ApiClient;
let token: string;
let readerKubeconfig: string;

const asAdmin = (args: string[], input?: string) =>
  kubectlOk(args, { kubeconfig: hub.kubeconfigPath, input });
const asReader = (args: string[]) => kubectl(args, { kubeconfig: readerKubeconfig });

before(async () => {
  hub = await startHub();
  admin = await apiClient(hub.kubeconfigPath);
  await asAdmin(["create", "namespace", "team-a"]);
  await asAdmin(["create", "namespace", "team-b"]);
  await asAdmin(["create", "serviceaccount", "reader", "-n", "team-a"]);
  await asAdmin(["create", "role", "cm-reader", "-n", "team-a", "--verb=get,list", "--resource=configmaps"]);
  await asAdmin([
    "create",
    "rolebinding",
    "reader-cm",
    "-n",
    "team-a",
    "--role=cm-reader",
    "--serviceaccount=team-a:reader",
  ]);
  await asAdmin(["create", "configmap", "settings", "-n", "team-a", "--from-literal=color=blue"]);
  await asAdmin(["create", "configmap", "private", "-n", "team-b", "--from-literal=color=red"]);

  token = (await asAdmin(["create", "token", "reader", "-n", "team-a"])).trim();
  assert.ok(token.length > 20 && !/\s/.test(token), `not a token: ${JSON.stringify(token)}`);
  readerKubeconfig = join(hub.dataDir, "reader.kubeconfig");
  await writeKubeconfig(readerKubeconfig, {
    server: admin.server,
    caPem: admin.config.caPem!,
    user: { token },
    contextName: "reader",
    clusterName: "mcp-hub",
    namespace: "team-a",
  });
  reader = await apiClient(readerKubeconfig);
});
after(async () => {
  await hub?.close();
});

describe("a service account token bound to a Role", () => {
  test("can get and list configmaps in its namespace", async () => {
    const list = await asReader(["get", "configmaps"]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^settings\s+1\s+/m);
    const one = await asReader(["get", "configmap", "settings", "-o", "jsonpath={.data.color}"]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout, "blue");
    const raw = await reader.request("GET", "/api/v1/namespaces/team-a/configmaps");
    assert.equal(raw.status, 200, raw.text);
  });

  test("cannot list configmaps in another namespace: 403 naming user, verb and resource", async () => {
    const res = await reader.request("GET", "/api/v1/namespaces/team-b/configmaps");
    const st = assertStatus(res, 403, "Forbidden");
    assert.match(st.message, new RegExp(`User "${READER}" cannot list resource "configmaps"`));
    assert.match(st.message, /namespace "team-b"/);
    assert.ok(!res.text.includes('"private"'), "no data from team-b leaks into the error");

    const k = await asReader(["get", "configmaps", "-n", "team-b"]);
    assert.notEqual(k.code, 0);
    assert.match(k.stderr, /Forbidden/);
    assert.match(k.stderr, new RegExp(`User "${READER}" cannot list resource "configmaps"`));
    const get = await reader.request("GET", "/api/v1/namespaces/team-b/configmaps/private");
    assert.match(assertStatus(get, 403, "Forbidden").message, /cannot get resource "configmaps"/);
  });

  test("cannot create in its own namespace (only get and list were granted)", async () => {
    const k = await asReader(["create", "configmap", "sneaky", "--from-literal=a=b"]);
    assert.notEqual(k.code, 0);
    assert.match(k.stderr, new RegExp(`User "${READER}" cannot create resource "configmaps"`));
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "sneaky" } };
    const res = await reader.request("POST", "/api/v1/namespaces/team-a/configmaps", { body });
    assert.match(assertStatus(res, 403, "Forbidden").message, /cannot create resource "configmaps"/);
    const del = await reader.request("DELETE", "/api/v1/namespaces/team-a/configmaps/settings");
    assertStatus(del, 403, "Forbidden");
    assert.equal((await admin.request("GET", "/api/v1/namespaces/team-a/configmaps/sneaky")).status, 404);
    assert.equal((await admin.request("GET", "/api/v1/namespaces/team-a/configmaps/settings")).status, 200);
  });

  test("cannot read other kinds in its namespace, nor list clusters", async () => {
    assertStatus(await reader.request("GET", "/api/v1/namespaces/team-a/secrets"), 403, "Forbidden");
    const res = await reader.request("GET", "/apis/mcp.platform/v1/clusters");
    const st = assertStatus(res, 403, "Forbidden");
    assert.match(
      st.message,
      new RegExp(`User "${READER}" cannot list resource "clusters" in API group "mcp.platform"`),
    );
    const k = await asReader(["get", "clusters"]);
    assert.notEqual(k.code, 0);
    assert.match(k.stderr, /forbidden/i);
  });
});

describe("authentication failures are 401", () => {
  test("a garbage token", async () => {
    for (const bad of ["garbage", "mcp_notarealtokenatall0000000000000000000000", `${token}x`]) {
      const res = await admin
        .as({ kind: "token", token: bad })
        .request("GET", "/api/v1/namespaces/team-a/configmaps");
      assertStatus(res, 401, "Unauthorized");
    }
    const k = await kubectl(["get", "configmaps", "--token=garbage", "--kubeconfig", readerKubeconfig], {
      kubeconfig: readerKubeconfig,
    });
    assert.notEqual(k.code, 0);
    assert.match(k.stderr, /Unauthorized/);
  });

  test("no credential at all, on every API path", async () => {
    const anonymous = admin.as({ kind: "none" });
    for (const path of [
      "/api/v1/namespaces/team-a/configmaps",
      "/apis/mcp.platform/v1/clusters",
      "/api",
      "/apis",
      "/version",
      "/openapi/v3",
    ]) {
      assertStatus(await anonymous.request("GET", path), 401, "Unauthorized");
    }
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "anon" } };
    assertStatus(
      await anonymous.request("POST", "/api/v1/namespaces/team-a/configmaps", { body }),
      401,
      "Unauthorized",
    );
  });

  test("a client certificate from another CA, even one claiming system:masters", async () => {
    const other = await ensurePki(join(hub.dataDir, "forged-pki"));
    const forged = await issueClientCert(other.ca, {
      commonName: "mcp-admin",
      organizations: ["system:masters"],
    });
    const res = await admin
      .as({ kind: "cert", certPem: forged.certPem, keyPem: forged.keyPem })
      .request("GET", "/api/v1/namespaces");
    assertStatus(res, 401, "Unauthorized");
  });
});

test("/healthz, /readyz and /metrics need no credential", async () => {
  const anonymous = admin.as({ kind: "none" });
  for (const path of ["/healthz", "/readyz"]) {
    const res = await anonymous.request("GET", path);
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    assert.equal(res.text.trim(), "ok");
  }
  const metrics = await anonymous.request("GET", "/metrics");
  assert.equal(metrics.status, 200);
  assert.match(metrics.text, /^# HELP mcp_apiserver_request_duration_seconds /m);
});

test("deleting the service account revokes its token", async () => {
  assert.equal((await reader.request("GET", "/api/v1/namespaces/team-a/configmaps")).status, 200);
  await asAdmin(["delete", "serviceaccount", "reader", "-n", "team-a"]);
  // Token lookups are cached briefly; the revocation must still land within seconds.
  await eventually(
    async () =>
      assertStatus(await reader.request("GET", "/api/v1/namespaces/team-a/configmaps"), 401, "Unauthorized"),
    { what: "the deleted service account's token to be refused", timeoutMs: 10_000, intervalMs: 250 },
  );
});
