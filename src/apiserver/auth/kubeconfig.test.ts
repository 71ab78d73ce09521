import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { loadKubeconfig, writeKubeconfig } from "./kubeconfig.ts";
import { ensurePki, issueClientCert } from "./pki.ts";

const run = promisify(execFile);
const KUBECTL = "/usr/bin/kubectl";

type T = { after: (fn: () => Promise<void>) => void };

async function tempDir(t: T): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-kubeconfig-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

// Async execFile: the servers these commands talk to run in this very process.
async function kubectl(dir: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, HOME: dir, KUBECONFIG: "" };
  const { stdout } = await run(KUBECTL, [...args, "--cache-dir", join(dir, "cache")], {
    env,
    timeout: 20_000,
  });
  return stdout;
}

test("kubectl accepts the written kubeconfig, which is private to its owner", async (t) => {
  const dir = await tempDir(t);
  const pki = await ensurePki(join(dir, "hub"));
  const admin = await issueClientCert(pki.ca, { commonName: "admin", organizations: ["system:masters"] });
  const file = join(dir, "hub.kubeconfig");
  await writeKubeconfig(file, {
    server: "https://127.0.0.1:6443",
    caPem: pki.ca.certPem,
    user: { clientCertPem: admin.certPem, clientKeyPem: admin.keyPem },
    contextName: "mcp-admin",
    clusterName: "mcp",
    namespace: "fleet",
  });
  assert.equal((await stat(file)).mode & 0o777, 0o600);

  assert.equal((await kubectl(dir, "config", "current-context", "--kubeconfig", file)).trim(), "mcp-admin");
  const view = JSON.parse(await kubectl(dir, "config", "view", "--kubeconfig", file, "--raw", "-o", "json"));
  const decode = (s: string) => Buffer.from(s, "base64").toString("utf8");
  assert.equal(view.clusters[0].name, "mcp");
  assert.equal(view.clusters[0].cluster.server, "https://127.0.0.1:6443");
  assert.equal(decode(view.clusters[0].cluster["certificate-authority-data"]), pki.ca.certPem);
  assert.equal(decode(view.users[0].user["client-certificate-data"]), admin.certPem);
  assert.equal(decode(view.users[0].user["client-key-data"]), admin.keyPem);
  assert.deepEqual(view.contexts[0].context, { cluster: "mcp", user: "mcp-admin", namespace: "fleet" });

  const loaded = await loadKubeconfig(file);
  assert.deepEqual(loaded, {
    server: "https://127.0.0.1:6443",
    caPem: pki.ca.certPem,
    insecureSkipTlsVerify: false,
    clientCertPem: admin.certPem,
    clientKeyPem: admin.keyPem,
    namespace: "fleet",
    contextName: "mcp-admin",
  });
});

test("kubectl reaches a server with the written credentials: client certificate and bearer token", async (t) => {
  const dir = await tempDir(t);
  const pki = await ensurePki(join(dir, "hub"));
  const seen: { cn?: string | string[]; authorized: boolean; authorization?: string }[] = [];
  const server = https.createServer(
    {
      cert: pki.serving.certPem,
      key: pki.serving.keyPem,
      ca: pki.ca.certPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      seen.push({
        cn: socket.getPeerCertificate().subject?.CN,
        authorized: socket.authorized,
        authorization: req.headers.authorization,
      });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ major: "1", minor: "32", gitVersion: "v1.32.0-mcp" }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `https://localhost:${(server.address() as AddressInfo).port}`;

  const admin = await issueClientCert(pki.ca, { commonName: "admin", organizations: ["system:masters"] });
  const certFile = join(dir, "cert.kubeconfig");
  const user = { clientCertPem: admin.certPem, clientKeyPem: admin.keyPem };
  await writeKubeconfig(certFile, {
    server: url,
    caPem: pki.ca.certPem,
    user,
    contextName: "c",
    clusterName: "mcp",
  });
  const version = JSON.parse(await kubectl(dir, "get", "--raw", "/version", "--kubeconfig", certFile));
  assert.equal(version.gitVersion, "v1.32.0-mcp");
  assert.deepEqual(seen.at(-1), { cn: "admin", authorized: true, authorization: undefined });

  const tokenFile = join(dir, "token.kubeconfig");
  const token = `mcp_${"x".repeat(43)}`;
  await writeKubeconfig(tokenFile, {
    server: url,
    caPem: pki.ca.certPem,
    user: { token },
    contextName: "t",
    clusterName: "mcp",
  });
  await kubectl(dir, "get", "--raw", "/version", "--kubeconfig", tokenFile);
  assert.equal(seen.at(-1)?.authorization, `Bearer ${token}`);
});

test("loadKubeconfig resolves file references relative to the kubeconfig, tokenFile, and a named context", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "conf", "pki"), { recursive: true });
  await writeFile(join(dir, "conf", "pki", "ca.crt"), "CA PEM\n");
  await writeFile(join(dir, "conf", "pki", "me.crt"), "CERT PEM\n");
  await writeFile(join(dir, "me.key"), "KEY PEM\n");
  await writeFile(join(dir, "conf", "token"), "mcp_secret\n");
  const file = join(dir, "conf", "config");
  await writeFile(
    file,
    `apiVersion: v1
kind: Config
current-context: files
clusters:
- name: a
  cluster: { server: "https://a:6443", certificate-authority: pki/ca.crt }
- name: b
  cluster: { server: "https://b:6443", insecure-skip-tls-verify: true }
users:
- name: files
  user: { client-certificate: pki/me.crt, client-key: ${join(dir, "me.key")} }
- name: tok
  user: { tokenFile: token }
contexts:
- name: files
  context: { cluster: a, user: files }
- name: insecure
  context: { cluster: b, user: tok, namespace: ops }
`,
  );
  assert.deepEqual(await loadKubeconfig(file), {
    server: "https://a:6443",
    caPem: "CA PEM\n",
    insecureSkipTlsVerify: false,
    clientCertPem: "CERT PEM\n",
    clientKeyPem: "KEY PEM\n",
    namespace: "default",
    contextName: "files",
  });
  assert.deepEqual(await loadKubeconfig(file, "insecure"), {
    server: "https://b:6443",
    insecureSkipTlsVerify: true,
    token: "mcp_secret",
    namespace: "ops",
    contextName: "insecure",
  });
  // kubectl agrees on what the file means.
  assert.equal((await kubectl(dir, "config", "current-context", "--kubeconfig", file)).trim(), "files");
});

test("loadKubeconfig fails with one clear line for a missing context, cluster, user or file", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "config");
  await writeFile(
    file,
    `apiVersion: v1
kind: Config
current-context: dangling
clusters: [{ name: a, cluster: { server: "https://a" } }]
users: [{ name: u, user: { token: t } }]
contexts:
- { name: dangling, context: { cluster: nowhere, user: u } }
- { name: nouser, context: { cluster: a, user: ghost } }
`,
  );
  const oneLine = (re: RegExp) => (err: unknown) =>
    err instanceof Error && re.test(err.message) && !err.message.includes("\n");
  await assert.rejects(
    loadKubeconfig(file, "missing"),
    oneLine(/^context "missing" not found in kubeconfig /),
  );
  await assert.rejects(loadKubeconfig(file), oneLine(/^cluster "nowhere" not found/));
  await assert.rejects(loadKubeconfig(file, "nouser"), oneLine(/^user "ghost" not found/));
  await assert.rejects(
    loadKubeconfig(join(dir, "absent")),
    oneLine(/^cannot read kubeconfig .*absent: ENOENT/),
  );
  await writeFile(join(dir, "broken"), "clusters: [\n  - {");
  await assert.rejects(loadKubeconfig(join(dir, "broken")), oneLine(/^cannot read kubeconfig .*broken: /));
});
