import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  kubeconfigPath,
  readConfigFile,
  saveConfigFile,
  setContextNamespace,
  setCurrentContext,
  viewConfig,
} from "./config.ts";

const KUBECONFIG = `# written by hand: keep this comment
apiVersion: v1
kind: Config
clusters:
  - name: hub
    cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: Q0E=}
users:
  - name: admin
    user: {token: secret-token}
contexts:
  - name: admin
    context: {cluster: hub, user: admin}
  - name: shop
    context: {cluster: hub, user: admin, namespace: shop}
current-context: admin
`;

test("--kubeconfig (or MCPCONFIG, which fills the flag) wins; else ./mcp-data/hub.kubeconfig; else ~/.mcp/config", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "mcpctl-config-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.equal(kubeconfigPath("k.yaml", dir, "/home/u"), join(dir, "k.yaml"));
  assert.equal(kubeconfigPath("~/k.yaml", dir, "/home/u"), "/home/u/k.yaml");
  assert.equal(kubeconfigPath(undefined, dir, "/home/u"), "/home/u/.mcp/config");
  await mkdir(join(dir, "mcp-data"));
  await writeFile(join(dir, "mcp-data", "hub.kubeconfig"), KUBECONFIG);
  assert.equal(kubeconfigPath(undefined, dir, "/home/u"), join(dir, "mcp-data", "hub.kubeconfig"));
});

test("use-context and set-context edit the file in place, keeping comments and its mode", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "mcpctl-config-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "config");
  await writeFile(path, KUBECONFIG, { mode: 0o600 });
  const file = await readConfigFile(path);
  assert.deepEqual(
    file.contexts.map((c) => [c.name, c.namespace]),
    [
      ["admin", ""],
      ["shop", "shop"],
    ],
  );
  setCurrentContext(file, "shop");
  setContextNamespace(file, "admin", "ops");
  await saveConfigFile(file);
  const text = await readFile(path, "utf8");
  assert.match(text, /^# written by hand: keep this comment/);
  assert.match(text, /current-context: shop/);
  const again = await readConfigFile(path);
  assert.equal(again.current, "shop");
  assert.equal(again.contexts[0].namespace, "ops");
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.throws(() => setCurrentContext(again, "nope"), /no context exists with the name "nope"/);
});

test("config view hides credentials unless raw", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "mcpctl-config-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "config");
  await writeFile(path, KUBECONFIG);
  const file = await readConfigFile(path);
  const shown = JSON.stringify(viewConfig(file, false));
  assert.doesNotMatch(shown, /secret-token|Q0E=/);
  assert.match(shown, /REDACTED/);
  assert.match(JSON.stringify(viewConfig(file, true)), /secret-token/);
});

test("a missing kubeconfig says how to get one", async () => {
  await assert.rejects(
    readConfigFile("/nonexistent/config"),
    /does not exist: start a hub .* or pass --kubeconfig FILE or set MCPCONFIG/,
  );
});
