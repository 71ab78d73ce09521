// `cluster join`: the ClusterJoin built from a member kubeconfig, and which kubeconfig the
// command line's --kubeconfig means (the member's after `cluster join`, the hub's before it).
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { LoadedKubeconfig } from "../../apiserver/auth/kubeconfig.ts";
import { runCtl } from "../main.ts";
import { captureIo } from "../testing.ts";
import { clusterJoinFor } from "./cluster-join.ts";

const member = (over: Partial<LoadedKubeconfig> = {}): LoadedKubeconfig => ({
  server: "https://10.0.0.1:6443/",
  caPem: "CA PEM",
  insecureSkipTlsVerify: false,
  namespace: "default",
  contextName: "admin@east",
  token: "s3cret",
  ...over,
});
const b64 = (s: string) => Buffer.from(s).toString("base64");

test("a token kubeconfig becomes a ClusterJoin with endpoint, CA, token, labels and interval", () => {
  const body = clusterJoinFor({
    name: "east",
    member: member(),
    memberPath: "east.kubeconfig",
    labels: { region: "eu" },
    syncIntervalMs: 10_000,
  });
  assert.deepEqual(body, {
    apiVersion: "mcp.platform/v1",
    kind: "ClusterJoin",
    metadata: { name: "east" },
    spec: {
      apiEndpoint: "https://10.0.0.1:6443",
      caData: b64("CA PEM"),
      token: "s3cret",
      labels: { region: "eu" },
      syncInterval: "10s",
    },
  });
});

test("a client-certificate kubeconfig sends the certificate and key; nothing is sent that is not there", () => {
  const body = clusterJoinFor({
    name: "east",
    member: member({ token: undefined, clientCertPem: "CERT", clientKeyPem: "KEY", caPem: undefined }),
    memberPath: "k",
    labels: {},
  }) as { spec: Record<string, unknown> };
  assert.deepEqual(body.spec, {
    apiEndpoint: "https://10.0.0.1:6443",
    clientCertificateData: b64("CERT"),
    clientKeyData: b64("KEY"),
  });
});

test("kubeconfigs the hub could not use are refused here, with the reason", () => {
  const cases: [Partial<LoadedKubeconfig>, RegExp][] = [
    [{ server: "http://10.0.0.1:8080" }, /is not an https:\/\/ URL/],
    [{ insecureSkipTlsVerify: true, caPem: undefined }, /skips TLS verification/],
    [{ token: undefined }, /neither a token nor a client certificate/],
    [{ token: undefined, clientCertPem: "CERT" }, /neither a token nor a client certificate/],
  ];
  for (const [over, message] of cases)
    assert.throws(
      () => clusterJoinFor({ name: "x", member: member(over), memberPath: "m.kubeconfig", labels: {} }),
      message,
    );
});

test("--kubeconfig after `cluster join` is the member's; before it, or beside --member-kubeconfig, the hub's", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "mcpctl-join-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const memberFile = join(dir, "member.kubeconfig");
  await writeFile(
    memberFile,
    `apiVersion: v1
kind: Config
clusters: [{name: m, cluster: {server: "https://127.0.0.1:1", certificate-authority-data: ${b64("x")}}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: m, context: {cluster: m, user: u}}]
current-context: m
`,
  );
  const hub = join(dir, "no-hub.kubeconfig");
  const run = async (...argv: string[]) => {
    const io = captureIo();
    const code = await runCtl(argv, io);
    return { code, line: io.stderr.trim() };
  };
  // Member found and read, then the (missing) hub kubeconfig is what fails.
  const hubMissing = new RegExp(`^error: kubeconfig ${hub} does not exist`);
  assert.match(
    (await run("--kubeconfig", hub, "cluster", "join", "m", "--kubeconfig", memberFile)).line,
    hubMissing,
  );
  assert.match(
    (await run("--kubeconfig", hub, "cluster", "join", "m", `--kubeconfig=${memberFile}`)).line,
    hubMissing,
  );
  assert.match(
    (await run("cluster", "join", "m", "--member-kubeconfig", memberFile, "--kubeconfig", hub)).line,
    hubMissing,
  );
  // --context after `cluster join` picks the member's context.
  assert.match(
    (await run("--kubeconfig", hub, "cluster", "join", "m", "--kubeconfig", memberFile, "--context", "nope"))
      .line,
    /^error: context "nope" not found in kubeconfig .*member\.kubeconfig/,
  );
  // No member kubeconfig at all: a usage error naming the flag.
  const none = await run("--kubeconfig", hub, "cluster", "join", "m");
  assert.equal(none.code, 2);
  assert.match(none.line, /needs the member's kubeconfig: --kubeconfig FILE after the cluster NAME/);
});
