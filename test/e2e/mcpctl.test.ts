// mcpctl end to end: a real hub (src/cmd/server.ts) on a loopback port with its own data
// directory, and the real CLI (src/cmd/ctl.ts) run as a child process for every command, checked
// for what a user sees: stdout, stderr and the exit code.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writeKubeconfig } from "../../src/apiserver/auth/kubeconfig.ts";
import { REPO_ROOT, startHub } from "./support/hub.ts";

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill("SIGTERM");
  });
}

function ctlProcess(kubeconfig: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ["src/cmd/ctl.ts", "--kubeconfig", kubeconfig, ...args], {
    cwd: REPO_ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

function run(kubeconfig: string, args: string[], stdin = ""): Promise<Result> {
  const proc = ctlProcess(kubeconfig, args);
  let stdout = "";
  let stderr = "";
  proc.stdout?.on("data", (c) => {
    stdout += c;
  });
  proc.stderr?.on("data", (c) => {
    stderr += c;
  });
  proc.stdin?.end(stdin);
  return new Promise((resolve) => proc.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** Resolves when a whole line of the process's stdout contains the text; rejects after the timeout. */
function waitForOutput(proc: ChildProcess, text: string, seen: { out: string }, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}" in:\n${seen.out}`)), ms);
    const check = () => {
      // Only whole lines count: a pipe read can end in the middle of the row being written.
      if (seen.out.slice(0, seen.out.lastIndexOf("\n") + 1).includes(text)) {
        clearTimeout(timer);
        proc.stdout?.off("data", check);
        resolve();
      }
    };
    proc.stdout?.on("data", check);
    check();
  });
}

const APP = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: shop
  labels: {app: web}
data:
  GREETING: hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: mcp.platform/v1
kind: Cluster
metadata:
  name: east-1
  labels: {region: east}
spec:
  mode: Push
  apiEndpoint: https://east-1.example.internal:6443
`;

const oneLine = (r: Result) => r.stderr.split("\n").filter(Boolean);

test("mcpctl against a real hub", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "mcpctl-e2e-"));
  const hub = await startHub();
  t.after(async () => {
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  });
  const admin = hub.kubeconfigPath;
  const ctl = (args: string[], stdin?: string) => run(admin, args, stdin);
  const appFile = join(dir, "app.yaml");
  await writeFile(appFile, APP);

  await t.test("apply -f a multi-document file applies each object server-side, in order", async () => {
    const r = await ctl(["apply", "-f", appFile]);
    assert.equal(r.stderr, "");
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      [
        "namespace/shop serverside-applied",
        "configmap/web-config serverside-applied",
        "deployment.apps/web serverside-applied",
        "cluster.mcp.platform/east-1 serverside-applied",
        "",
      ].join("\n"),
    );
    const again = await ctl(["apply", "-f", appFile]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /^configmap\/web-config unchanged$/m);
    assert.match(again.stdout, /^deployment\.apps\/web unchanged$/m);
  });

  await t.test("apply -f - reads stdin", async () => {
    const cluster =
      "apiVersion: mcp.platform/v1\nkind: Cluster\nmetadata:\n  name: west-1\n  labels: {region: west}\nspec:\n  mode: Push\n  apiEndpoint: https://west-1.example.internal:6443\n";
    const r = await ctl(["apply", "-f", "-"], cluster);
    assert.deepEqual([r.code, r.stdout], [0, "cluster.mcp.platform/west-1 serverside-applied\n"]);
  });

  await t.test("get prints server-side tables, json and yaml", async () => {
    const table = await ctl(["get", "deploy", "-n", "shop"]);
    assert.equal(table.code, 0);
    const [header, row] = table.stdout.split("\n");
    assert.match(header, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    assert.match(row, /^web\s+/);

    const json = await ctl(["get", "cm", "web-config", "-n", "shop", "-o", "json"]);
    assert.equal(json.code, 0);
    const cm = JSON.parse(json.stdout);
    assert.deepEqual([cm.kind, cm.metadata.name, cm.data.GREETING], ["ConfigMap", "web-config", "hello"]);
    assert.equal(cm.metadata.managedFields, undefined, "managedFields are hidden by default");

    const yaml = await ctl(["get", "clusters", "-o", "yaml"]);
    assert.equal(yaml.code, 0);
    assert.match(yaml.stdout, /^apiVersion: v1\nkind: List\n/);
    assert.match(yaml.stdout, /^ {4}name: east-1$/m);

    const wide = await ctl(["get", "mc", "east-1", "-o", "wide"]);
    assert.match(wide.stdout.split("\n")[0], /ENDPOINT/);
    assert.match(wide.stdout, /https:\/\/east-1\.example\.internal:6443/);
  });

  await t.test("-l filters by label", async () => {
    const r = await ctl(["get", "clusters", "-l", "region=east", "-o", "name"]);
    assert.deepEqual([r.code, r.stdout], [0, "cluster.mcp.platform/east-1\n"]);
    const none = await ctl(["get", "cm", "-n", "shop", "-l", "app=nothing"]);
    assert.deepEqual(
      [none.code, none.stdout, none.stderr],
      [0, "", "No resources found in shop namespace.\n"],
    );
  });

  await t.test("-A adds a NAMESPACE column", async () => {
    const r = await ctl(["get", "cm", "-A", "-l", "app=web"]);
    assert.equal(r.code, 0);
    const [header, row] = r.stdout.split("\n");
    assert.match(header, /^NAMESPACE\s+NAME\s+DATA\s+AGE$/);
    assert.match(row, /^shop\s+web-config\s+1\s+/);
  });

  await t.test("describe shows metadata, spec and events", async () => {
    const r = await ctl(["describe", "cluster", "east-1"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Name:\s+east-1$/m);
    assert.match(r.stdout, /^Labels:\s+region=east$/m);
    assert.match(r.stdout, /^Kind:\s+Cluster$/m);
    assert.match(
      r.stdout,
      /^Spec:\n(?: {2}.*\n)*? {2}apiEndpoint: https:\/\/east-1\.example\.internal:6443$/m,
    );
    assert.match(r.stdout, /^Events:/m);
  });

  await t.test("create token gives a service account a token that works as a credential", async () => {
    const rbac = `apiVersion: v1
kind: ServiceAccount
metadata: {name: reader, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: configmap-reader, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: configmap-reader}
subjects: [{kind: ServiceAccount, name: reader, namespace: shop}]
`;
    const created = await ctl(["create", "-f", "-"], rbac);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^serviceaccount\/reader created$/m);

    const token = await ctl(["create", "token", "reader", "-n", "shop", "--duration", "30m"]);
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stdout, /^\S{20,}\n$/);

    const readerConfig = join(dir, "reader.kubeconfig");
    await writeKubeconfig(readerConfig, {
      server: hub.url,
      caPem: await readFile(hub.caPath, "utf8"),
      user: { token: token.stdout.trim() },
      contextName: "reader",
      clusterName: "hub",
      namespace: "shop",
    });
    const allowed = await run(readerConfig, ["get", "configmaps"]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /^web-config\s/m);
    const denied = await run(readerConfig, ["get", "clusters"]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /^Error from server \(Forbidden\): .*"system:serviceaccount:shop:reader"/);
  });

  await t.test("get -w prints a change made by another command", async (t2) => {
    const watcher = ctlProcess(admin, ["get", "configmaps", "-n", "shop", "-w"]);
    const seen = { out: "" };
    watcher.stdout?.on("data", (c) => {
      seen.out += c;
    });
    t2.after(() => stop(watcher));
    await waitForOutput(watcher, "web-config", seen);
    const created = await ctl(
      ["create", "-f", "-"],
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: seen-by-watch, namespace: shop}\n",
    );
    assert.equal(created.code, 0, created.stderr);
    await waitForOutput(watcher, "seen-by-watch", seen);
    assert.match(seen.out, /^NAME\s+DATA\s+AGE\n/);
    assert.match(seen.out, /^seen-by-watch\s+0\s+/m);
  });

  await t.test("--help documents every command; --version prints the release", async () => {
    const help = await ctl(["--help"]);
    assert.equal(help.code, 0);
    for (const c of [
      "get",
      "describe",
      "apply",
      "create",
      "replace",
      "delete",
      "api-resources",
      "config",
      "version",
    ]) {
      assert.match(help.stdout, new RegExp(`^  ${c} `, "m"));
    }
    const applyHelp = await ctl(["apply", "--help"]);
    assert.match(applyHelp.stdout, /--force-conflicts +Take ownership .* \(default false\)/);
    const version = await ctl(["--version"]);
    assert.match(version.stdout, /^mcpctl \d+\.\d+\.\d+\n$/);
  });

  await t.test("errors are one line and exit 1", async () => {
    const unknown = await ctl(["get", "frobs"]);
    assert.deepEqual(
      [unknown.code, oneLine(unknown)],
      [1, ['error: the server doesn\'t have a resource type "frobs"']],
    );

    const missing = await ctl(["get", "cluster", "nope"]);
    assert.deepEqual(
      [missing.code, oneLine(missing)],
      [1, ['Error from server (NotFound): clusters.mcp.platform "nope" not found']],
    );

    const badFile = join(dir, "bad.yaml");
    await writeFile(
      badFile,
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good, namespace: shop}\n---\nkind: ConfigMap\ndata: [1, 2\nx: 3\n---\nmetadata: {name: kindless}\n",
    );
    const bad = await ctl(["apply", "-f", badFile]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, "configmap/good serverside-applied\n", "the good document is still applied");
    assert.deepEqual(oneLine(bad), [
      `error: ${badFile} (document 2): invalid YAML at line 7, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      `error: ${badFile} (document 3): object has no "apiVersion" or "kind" field`,
    ]);

    const deadConfig = join(dir, "dead.kubeconfig");
    await writeFile(deadConfig, (await readFile(admin, "utf8")).replace(hub.url, "https://127.0.0.1:1"));
    const dead = await run(deadConfig, ["get", "ns"]);
    assert.deepEqual(
      [dead.code, oneLine(dead)],
      [1, ["error: cannot reach the hub at https://127.0.0.1:1: connection refused"]],
    );
  });

  await t.test("delete -f removes the manifests' objects, last first", async () => {
    const r = await ctl(["delete", "-f", appFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'cluster.mcp.platform "east-1" deleted',
        'deployment.apps "web" deleted',
        'configmap "web-config" deleted',
        'namespace "shop" deleted',
        "",
      ].join("\n"),
    );
    const gone = await ctl(["get", "cluster", "east-1"]);
    assert.equal(gone.code, 1);
    const byName = await ctl(["delete", "cluster", "west-1", "nope"]);
    assert.equal(byName.code, 1);
    assert.equal(byName.stdout, 'cluster.mcp.platform "west-1" deleted\n');
    assert.deepEqual(oneLine(byName), [
      'Error from server (NotFound): clusters.mcp.platform "nope" not found',
    ]);
    const ignored = await ctl(["delete", "cluster", "nope", "--ignore-not-found"]);
    assert.deepEqual([ignored.code, ignored.stdout, ignored.stderr], [0, "", ""]);
  });
});
