// What an operator relies on when running the real hub: health endpoints, Prometheus metrics,
// an audit line per request without secrets, a clean SIGTERM even with watches open, and a
// command line that documents itself and refuses what it does not know.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { Agent, request as httpsRequest } from "node:https";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadKubeconfig } from "../../src/apiserver/auth/kubeconfig.ts";
import { hubFlags } from "../../src/hub/options.ts";
import { type ApiClient, apiClient } from "./support/api.ts";
import { type HubProcess, REPO_ROOT, runServer, startHub } from "./support/hub.ts";
import { kubectlOk, kubectlWatch } from "./support/kubectl.ts";
import { eventually } from "./support/wait.ts";

const CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

let hub: HubProcess;
let api: ApiClient;

before(async () => {
  hub = await startHub();
  api = await apiClient(hub.kubeconfigPath);
});
after(async () => {
  await hub?.close();
});

async function metrics(): Promise<string> {
  const res = await api
    .as({ kind: "none" })
    .request("GET", "/metrics", { headers: { accept: "text/plain" } });
  assert.equal(res.status, 200, res.text);
  assert.match(String(res.headers["content-type"]), /^text\/plain/);
  return res.text;
}

/** The value of one sample (exact label set, any label order); undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.keys(labels).every((k) => got[k] === labels[k])) return Number(m[3]);
  }
  return undefined;
}

test("/healthz and /readyz answer 200 ok", async () => {
  for (const path of ["/healthz", "/readyz"]) {
    const res = await api.request("GET", path);
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    assert.equal(res.text.trim(), "ok");
  }
});

describe("/metrics", () => {
  test("request latency by verb, resource and code", async () => {
    for (let i = 0; i < 3; i++) {
      const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `metered-${i}` } };
      assert.equal((await api.request("POST", CONFIGMAPS, { body })).status, 201);
    }
    assert.equal((await api.request("GET", CONFIGMAPS)).status, 200);
    assert.equal((await api.request("GET", `${CONFIGMAPS}/missing`)).status, 404);
    const text = await metrics();
    assert.match(text, /^# TYPE mcp_apiserver_request_duration_seconds histogram$/m);
    const count = (labels: Record<string, string>) =>
      sample(text, "mcp_apiserver_request_duration_seconds_count", labels);
    assert.ok((count({ verb: "create", resource: "configmaps", code: "201" }) ?? 0) >= 3, text);
    assert.ok((count({ verb: "list", resource: "configmaps", code: "200" }) ?? 0) >= 1, text);
    assert.ok((count({ verb: "get", resource: "configmaps", code: "404" }) ?? 0) >= 1, text);
    const buckets = sample(text, "mcp_apiserver_request_duration_seconds_bucket", {
      verb: "create",
      resource: "configmaps",
      code: "201",
      le: "+Inf",
    });
    assert.ok((buckets ?? 0) >= 3, "histogram buckets are exported");
  });

  test("storage operation latency", async () => {
    const text = await metrics();
    assert.match(text, /^# TYPE mcp_apiserver_storage_operation_duration_seconds histogram$/m);
    const txn = sample(text, "mcp_apiserver_storage_operation_duration_seconds_count", { operation: "txn" });
    assert.ok((txn ?? 0) >= 3, `writes are storage transactions:\n${text}`);
  });

  test("open watches go up while a watch is open and down when it ends; events are counted", async () => {
    const open = async () =>
      sample(await metrics(), "mcp_apiserver_open_watches", { resource: "configmaps" }) ?? 0;
    const sent = async () =>
      sample(await metrics(), "mcp_apiserver_watch_events_total", { resource: "configmaps" }) ?? 0;
    const base = await open();
    const sentBefore = await sent();
    const w = await api.watch(`${CONFIGMAPS}?watch=true`);
    try {
      await eventually(async () => assert.equal(await open(), base + 1), {
        what: "open watch gauge to rise",
      });
      const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "watched-metric" } };
      assert.equal((await api.request("POST", CONFIGMAPS, { body })).status, 201);
      await w.waitFor((e) => e.object.metadata?.name === "watched-metric");
      await eventually(async () => assert.ok((await sent()) > sentBefore), { what: "watch events counter" });
    } finally {
      w.close();
    }
    await eventually(async () => assert.equal(await open(), base), { what: "open watch gauge to fall" });
  });
});

describe("the audit log", () => {
  interface AuditLine {
    time: string;
    user: string;
    verb: string;
    resource: string;
    code: number;
    namespace?: string;
    name?: string;
    userAgent?: string;
  }
  const agent = `e2e-audit-${process.pid}`;
  let lines: AuditLine[];
  let raw: string;
  let token: string;

  before(async () => {
    await kubectlOk(["create", "serviceaccount", "auditor"], { kubeconfig: hub.kubeconfigPath });
    token = (await kubectlOk(["create", "token", "auditor"], { kubeconfig: hub.kubeconfigPath })).trim();
    const headers = { "user-agent": agent };
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "audited" } };
    assert.equal((await api.request("POST", CONFIGMAPS, { body, headers })).status, 201);
    assert.equal((await api.request("GET", `${CONFIGMAPS}/audited`, { headers })).status, 200);
    const asSa = api.as({ kind: "token", token });
    assert.equal((await asSa.request("GET", CONFIGMAPS, { headers })).status, 403);
    const forged = api.as({ kind: "token", token: "mcp_forged-token-value-1234567890" });
    assert.equal((await forged.request("GET", CONFIGMAPS, { headers })).status, 401);
    // The audit log is written asynchronously: wait for the four lines rather than sleeping.
    lines = await eventually(
      async () => {
        raw = await readFile(hub.auditLogPath, "utf8");
        const mine = raw
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as AuditLine)
          .filter((l) => l.userAgent === agent);
        assert.equal(mine.length, 4, JSON.stringify(mine));
        return mine;
      },
      { what: "four audit lines" },
    );
  });

  test("has one JSON line per request with time, user, verb, resource and code", () => {
    const [create, get, forbidden, unauthorized] = lines;
    for (const l of lines) {
      assert.ok(!Number.isNaN(Date.parse(l.time)) && l.time.endsWith("Z"), l.time);
      for (const f of ["user", "verb", "resource"] as const) assert.equal(typeof l[f], "string", f);
      assert.equal(typeof l.code, "number");
    }
    assert.deepEqual(
      {
        user: create.user,
        verb: create.verb,
        resource: create.resource,
        ns: create.namespace,
        code: create.code,
      },
      { user: "mcp-admin", verb: "create", resource: "core/configmaps", ns: "default", code: 201 },
    );
    assert.deepEqual(
      { verb: get.verb, name: get.name, code: get.code },
      { verb: "get", name: "audited", code: 200 },
    );
    assert.deepEqual(
      { user: forbidden.user, verb: forbidden.verb, code: forbidden.code },
      { user: "system:serviceaccount:default:auditor", verb: "list", code: 403 },
    );
    assert.equal(unauthorized.code, 401);
    assert.ok(Date.parse(create.time) <= Date.parse(unauthorized.time), "lines are in request order");
  });

  test("never holds a token or a key", async () => {
    assert.ok(!raw.includes(token), "the service account token");
    assert.ok(!raw.includes("mcp_forged-token-value"), "a rejected token");
    assert.doesNotMatch(raw, /Bearer|PRIVATE KEY|BEGIN CERTIFICATE/);
    const adminKey = api.config.clientKeyPem!.split("\n")[1];
    assert.ok(!raw.includes(adminKey), "the admin client key");
    // The TokenRequest response carries a token; its audit line must not.
    assert.ok(
      lines.length > 0 && raw.includes('"resource":"core/serviceaccounts/token"'),
      "token request audited",
    );
    assert.ok(!hub.output().stderr.includes(token), "nor does the hub's log");
  });
});

describe("the command line", () => {
  test("--help documents every flag with its default", async () => {
    const r = await runServer(["--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const lines = r.stdout.split("\n");
    for (const f of hubFlags) {
      const line = lines.find((l) => new RegExp(`--${f.name}\\b`).test(l));
      assert.ok(line, `--${f.name} is not in --help:\n${r.stdout}`);
      if (f.default)
        assert.ok(line.includes(`(default ${f.default}`), `--${f.name} shows no default: ${line}`);
    }
    assert.match(r.stdout, /--data \S+\s.*\(default \.\/mcp-data/);
    assert.match(r.stdout, /--listen \S+\s.*\(default 127\.0\.0\.1:6443\)/);
    assert.match(r.stdout, /--log-level \S+\s.*\(default info\)/);
    assert.match(r.stdout, /--audit-log .*default <data>\/audit\.log/);
  });

  test("--version prints the version", async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    const r = await runServer(["--version"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `mcp-server ${pkg.version}\n`);
  });

  test("an unknown flag or a bad value exits 2 with a one-line error", async () => {
    for (const [args, mention] of [
      [["--frobnicate"], /--frobnicate/],
      [["--listen", "nowhere"], /--listen/],
      [["--log-level", "loud"], /--log-level/],
    ] as const) {
      const r = await runServer([...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, `not one line: ${r.stderr}`);
      assert.match(r.stderr, /^mcp-server: /);
      assert.match(r.stderr, mention);
    }
  });
});

test("SIGTERM exits 0 promptly even when a client re-opens its watch during shutdown", async () => {
  // Its own hub, since it has to be stopped. Go clients (kubectl, informers) re-watch at once
  // on the same kept-alive connection when a watch ends; shutdown must not wait for that one.
  const own = await startHub();
  const k = await loadKubeconfig(own.kubeconfigPath);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 1,
    ca: k.caPem,
    cert: k.clientCertPem,
    key: k.clientKeyPem,
  });
  const opened: number[] = [];
  const rewatch = (n: number) => {
    const req = httpsRequest(new URL(`${CONFIGMAPS}?watch=true`, k.server), { agent }, (res) => {
      opened.push(res.statusCode ?? 0);
      res.resume();
      res.on("end", () => n < 5 && rewatch(n + 1));
      res.on("error", () => {});
    });
    req.on("error", () => {});
    req.end();
  };
  try {
    rewatch(1);
    await eventually(() => assert.deepEqual(opened, [200]), { what: "the first watch" });
    const t0 = Date.now();
    own.child.kill("SIGTERM");
    const code = await Promise.race([
      own.exited,
      new Promise((r) => setTimeout(() => r("still running"), 15_000)),
    ]);
    assert.equal(code, 0, `exit after SIGTERM (${Date.now() - t0} ms); watches opened: ${opened.join(",")}`);
  } finally {
    agent.destroy();
    await own.close();
  }
});

// Last: it stops this file's hub.
test("SIGTERM exits 0 promptly even with watches open (not held by them)", async () => {
  const raw = await api.watch(`${CONFIGMAPS}?watch=true`);
  const kw = kubectlWatch(["get", "configmaps", "-w"], { kubeconfig: hub.kubeconfigPath });
  await raw.waitFor((e) => e.type === "ADDED");
  await kw.waitForLine((l) => l.startsWith("audited "));
  const t0 = Date.now();
  hub.child.kill("SIGTERM");
  const code = await Promise.race([
    hub.exited,
    new Promise((r) => setTimeout(() => r("still running"), 15_000)),
  ]);
  const took = Date.now() - t0;
  raw.close();
  await kw.stop();
  assert.equal(code, 0, `exit after SIGTERM (${took} ms); stderr:\n${hub.output().stderr}`);
});
