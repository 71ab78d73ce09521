// client-node without its generated API classes and models, as mcp-agent loads it: in a process
// of its own (the hooks are process-wide), every module the agent may load links, none of the
// package's index, API classes or models is loaded, nor Node's own undici, and the member side
// works against a simulated member — a status collection, a read through discovery, a policy
// audit (whose client still imports the package index) and the diagnostics module.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { startTestCluster } from "../sim/testing/helpers.ts";
import { slimModules, slimTarget } from "./client-node-slim.ts";

const src = (path: string) => new URL(`../${path}`, import.meta.url).href;

test("client-node's and agent-base's own imports and MCP's bare imports are redirected; nothing else", () => {
  const dist = "file:///x/node_modules/@kubernetes/client-node/dist/";
  assert.equal(slimTarget("./gen/index.js", `${dist}config.js`), src("kube/client-node-gen.ts"));
  assert.equal(slimTarget("./api.js", `${dist}object.js`), src("kube/client-node-gen.ts"));
  assert.equal(slimTarget("./serializer.js", `${dist}object.js`), src("kube/client-node-json.ts"));
  assert.equal(
    slimTarget("@kubernetes/client-node", src("diag/kube-client.ts")),
    src("kube/client-node-lite.ts"),
  );
  assert.equal(slimTarget("node:http", `${dist}config.js`), src("kube/node-http.ts"));
  assert.equal(
    slimTarget("http", "file:///x/node_modules/p/node_modules/agent-base/dist/helpers.js"),
    src("kube/node-http.ts"),
  );
  assert.equal(slimTarget("node:https", `${dist}config.js`), undefined);
  assert.equal(slimTarget("./gen/index.js", `${dist}api.js`), undefined);
  assert.equal(slimTarget("./config.js", `${dist}config.js`), undefined);
  assert.equal(slimTarget("@kubernetes/client-node", "file:///elsewhere/x.js"), undefined);
  assert.equal(slimTarget("undici", src("kube/member-connections.ts")), undefined);
  assert.equal(slimTarget("./gen/index.js", undefined), undefined);
  assert.deepEqual(
    slimModules().sort(),
    ["client-node-gen.ts", "client-node-json.ts", "client-node-lite.ts", "node-http.ts"].map((f) =>
      src(`kube/${f}`),
    ),
    "every module imports are sent to, for the agent to compile them ahead",
  );
});

/** Runs in a fresh Node: the hooks, then the agent's member side against the kubeconfig. */
const CHILD = `
import { registerHooks } from "node:module";
const [slim, member, client, audit, compile, report, kubeconfig] = JSON.parse(process.env.SLIM_TEST);
(await import(slim)).slimClientNode();
const loaded = new Set();
registerHooks({ resolve(s, c, next) { const r = next(s, c); loaded.add(r.url); return r; } });
const m = await import(member);
const kc = m.loadMemberKubeConfig(kubeconfig);
const status = await m.memberCollector(kc)(AbortSignal.timeout(20000));
const { MemberObjectApi } = await import(client);
const api = MemberObjectApi.create(kc, { timeoutMs: 10000 });
const got = await api.get({ apiVersion: "v1", kind: "Namespace", name: "kube-system" });
await api.close();
const compiled = new (await import(compile)).PolicyCompiler().compile({ apiVersion: "mcp.platform/v1",
  kind: "ClusterPolicy", metadata: { name: "p", uid: "u", generation: 1 },
  spec: { rules: [{ action: "audit", condition: "latest-image-tag", match: { kinds: ["Pod"] } }] } });
const audited = await (await import(audit)).auditMember(kc, { policies: [compiled.policy], clusterLabels: {} });
await import(report);
const dist = [...loaded].filter((u) => u.includes("/@kubernetes/client-node/dist/"))
  .map((u) => u.slice(u.indexOf("/dist/") + 6));
const nodeUndici = process.moduleLoadList.some((m) => m.includes("internal/deps/undici"));
process.stdout.write(JSON.stringify({ nodes: status.nodes, got: got?.metadata?.name, audited, dist, nodeUndici }));
`;

test("the agent's member side runs without the index, API classes or models", {
  timeout: 120_000,
}, async (t) => {
  const tc = await startTestCluster(t);
  const args = [
    src("kube/client-node-slim.ts"),
    src("agent/member.ts"),
    src("member-apply/client.ts"),
    src("policy/member-audit.ts"),
    src("policy/compile.ts"),
    src("diag/fleet/report.ts"),
    tc.kubeconfig,
  ];
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
    env: { ...process.env, SLIM_TEST: JSON.stringify(args) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
  const code = await new Promise((resolve) => child.on("close", resolve));
  assert.equal(code, 0, err);
  const r = JSON.parse(out) as {
    nodes: { total: number; ready: number };
    got?: string;
    audited: { error?: string; summary?: { pass: number; fail: number; warn: number } };
    dist: string[];
    nodeUndici: boolean;
  };
  assert.deepEqual(r.nodes, { total: 3, ready: 3 });
  assert.equal(r.got, "kube-system", "read through discovery");
  assert.equal(r.audited.error, undefined);
  const s = r.audited.summary!;
  assert.ok(s.pass + s.fail + s.warn > 0, "the audit judged the member's pods");
  assert.ok(r.dist.includes("config.js") && r.dist.includes("object.js"), r.dist.join(" "));
  const heavy = r.dist.filter(
    (f) =>
      ["index.js", "api.js", "serializer.js", "gen/index.js"].includes(f) ||
      f.startsWith("gen/models/") ||
      f.startsWith("gen/types/") ||
      (f.startsWith("gen/apis/") && f !== "gen/apis/exception.js"),
  );
  assert.deepEqual(heavy, []);
  assert.equal(r.nodeUndici, false, "Node's own undici (node:http's WebSocket) is not loaded");
});
