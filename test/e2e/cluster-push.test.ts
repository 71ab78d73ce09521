// Push mode through mcpctl, with the real binaries: `mcpctl cluster join` of an mcp-sim cluster
// makes a Push Cluster that turns Ready with the member's own version and nodes; a join with
// another cluster's CA is refused in one line and stores nothing; the member's credential shows
// up nowhere (mcpctl output, API, audit log, hub log); taking the member offline turns it
// Reachable=False / Ready=Unknown within a few sync intervals and back; `cluster unjoin` removes it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse, stringify } from "yaml";
import { apiClient } from "./support/api.ts";
import { run, SIM_ENTRY, startSim } from "./support/fleet.ts";
import { startHub } from "./support/hub.ts";
import { kubectlOk } from "./support/kubectl.ts";
import { mcpctl, mcpctlOk } from "./support/mcpctl.ts";
import { eventually } from "./support/wait.ts";

const SYNC_S = 1;

interface Condition {
  type: string;
  status: string;
  reason?: string;
}
interface ClusterView {
  spec: { mode?: string; region?: string; zone?: string; provider?: string; syncInterval?: string };
  status?: {
    kubernetesVersion?: string;
    nodes?: { total: number; ready: number };
    components?: Record<string, unknown>;
    conditions?: Condition[];
  };
}
const cond = (c: ClusterView, type: string) => c.status?.conditions?.find((x) => x.type === type)?.status;

test("mcpctl cluster join (push): Ready from the member, wrong CA refused, no credential leaks, offline and back, unjoin", {
  timeout: 180_000,
}, async (t) => {
  const work = await mkdtemp(join(tmpdir(), "mcp-e2e-push-"));
  t.after(() => rm(work, { recursive: true, force: true }));
  const simOut = join(work, "sim");
  const sim = await startSim(simOut, 2, 3);
  t.after(() => sim.stop());
  const hub = await startHub({ args: ["--log-level", "info"] });
  t.after(() => hub.close());
  const kc = hub.kubeconfigPath;
  const ctl = (...args: string[]) => mcpctl(kc, args);
  const member = (name: string) => join(simOut, `${name}.kubeconfig`);
  const getCluster = async (name: string) =>
    JSON.parse(await mcpctlOk(kc, ["get", "cluster", name, "-o", "json"])) as ClusterView;

  // 1. Join: one line, then Ready with what the member itself reports.
  const joined = await ctl(
    ...["cluster", "join", "sim-001", "--kubeconfig", member("sim-001")],
    ...["--labels", "region=eu-west,zone=eu-west-1a,provider=sim,env=e2e", "--sync-interval", `${SYNC_S}s`],
  );
  assert.deepEqual(joined, { code: 0, stdout: "cluster.mcp.platform/sim-001 joined\n", stderr: "" });
  const memberVersion = (
    JSON.parse(await kubectlOk(["get", "--raw", "/version"], { kubeconfig: member("sim-001") })) as {
      gitVersion: string;
    }
  ).gitVersion;
  const memberNodes = (await kubectlOk(["get", "nodes", "-o", "name"], { kubeconfig: member("sim-001") }))
    .trim()
    .split("\n").length;
  const ready = await eventually(
    async () => {
      const c = await getCluster("sim-001");
      assert.equal(cond(c, "Ready"), "True");
      assert.equal(cond(c, "Reachable"), "True");
      return c;
    },
    { timeoutMs: 10_000, intervalMs: 200, what: "sim-001 Ready" },
  );
  assert.equal(ready.spec.mode, "Push");
  assert.equal(ready.spec.syncInterval, `${SYNC_S}s`);
  assert.equal(ready.status?.kubernetesVersion, memberVersion);
  assert.deepEqual(ready.status?.nodes, { total: memberNodes, ready: memberNodes });
  assert.ok(ready.status?.components?.cni, "components found in kube-system");

  // 2. The fleet view: table, wide, describe.
  const table = (await mcpctlOk(kc, ["get", "clusters"])).trimEnd().split("\n");
  assert.deepEqual(table[0].split(/\s+/), ["NAME", "MODE", "READY", "VERSION", "NODES", "REGION", "AGE"]);
  assert.deepEqual(table[1].split(/\s+/).slice(0, 6), [
    "sim-001",
    "Push",
    "True",
    memberVersion,
    `${memberNodes}/${memberNodes}`,
    "eu-west",
  ]);
  const wide = (await mcpctlOk(kc, ["get", "clusters", "-o", "wide"])).trimEnd().split("\n");
  assert.deepEqual(wide[0].split(/\s+/).slice(7), ["ZONE", "PROVIDER", "ENDPOINT"]);
  const endpoint = (
    parse(await readFile(member("sim-001"), "utf8")) as { clusters: { cluster: { server: string } }[] }
  ).clusters[0].cluster.server;
  assert.deepEqual(wide[1].split(/\s+/).slice(7), ["eu-west-1a", "sim", endpoint]);
  const described = await mcpctlOk(kc, ["describe", "cluster", "sim-001"]);
  for (const text of [
    /Conditions:\n +Type +Status/,
    /Ready +True +ClusterReady/,
    /etcdVersion: /,
    /cni:\n +name: /,
  ])
    assert.match(described, text);
  assert.match(described, /Normal +ClusterJoined .*cluster-join +joined in push mode/);
  assert.match(described, /caData: +CN=/, "the CA is summarised, not dumped");

  // 3. Another cluster's CA: refused in one line, nothing stored.
  const wrong = parse(await readFile(member("sim-002"), "utf8")) as {
    clusters: { cluster: Record<string, string> }[];
  };
  const right = parse(await readFile(member("sim-001"), "utf8")) as typeof wrong;
  wrong.clusters[0].cluster["certificate-authority-data"] =
    right.clusters[0].cluster["certificate-authority-data"];
  await writeFile(join(work, "wrong-ca.kubeconfig"), stringify(wrong));
  const refused = await ctl("cluster", "join", "sim-002", "--kubeconfig", join(work, "wrong-ca.kubeconfig"));
  assert.equal(refused.code, 1);
  assert.equal(refused.stdout, "");
  assert.equal(refused.stderr.split("\n").filter(Boolean).length, 1, refused.stderr);
  assert.match(
    refused.stderr,
    /^Error from server \(Invalid\): .*spec\.caData: cannot verify the member's certificate with the given CA/,
  );
  assert.equal(await mcpctlOk(kc, ["get", "clusters", "-o", "name"]), "cluster.mcp.platform/sim-001\n");
  // A server-side dry run of the right join prints the ClusterJoin, without its credential.
  const dry = await ctl(
    "cluster",
    "join",
    "sim-002",
    "--kubeconfig",
    member("sim-002"),
    "--dry-run",
    "server",
    "-o",
    "yaml",
  );
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /kind: ClusterJoin/);
  assert.equal(await mcpctlOk(kc, ["get", "clusters", "-o", "name"]), "cluster.mcp.platform/sim-001\n");

  // 4. The member credentials never show.
  const secrets = ["sim-001", "sim-002"].map(
    (n) =>
      (parse(readFileSync(member(n), "utf8")) as { users: { user: { token: string } }[] }).users[0].user
        .token,
  );
  const api = await apiClient(kc);
  const places: Record<string, string> = {
    "get -o yaml": await mcpctlOk(kc, ["get", "cluster", "sim-001", "-o", "yaml"]),
    "get -o json": await mcpctlOk(kc, ["get", "clusters", "-o", "json"]),
    describe: described,
    "dry-run join output": dry.stdout + dry.stderr,
    "API list": (await api.request("GET", "/apis/mcp.platform/v1/clusters")).text,
    "audit log": await readFile(hub.auditLogPath, "utf8"),
    "hub log": hub.output().stdout + hub.output().stderr,
  };
  assert.ok(places["audit log"].includes("clusterjoins"), "the joins were audited");
  for (const secret of secrets)
    for (const [where, text] of Object.entries(places))
      assert.ok(!text.includes(secret), `the member credential appeared in the ${where}`);

  // 5. Member offline: Reachable=False, Ready=Unknown within a few sync intervals; online: Ready.
  const fault = async (flag: string) => {
    const p = run(SIM_ENTRY, ["fault", "sim-001", flag, "--out", simOut]);
    assert.equal(await p.exited, 0, p.output().stderr);
  };
  await fault("--offline");
  const offlineAt = Date.now();
  await eventually(
    async () => {
      const c = await getCluster("sim-001");
      assert.equal(cond(c, "Reachable"), "False");
      assert.equal(cond(c, "Ready"), "Unknown");
    },
    { timeoutMs: 5 * SYNC_S * 1000, intervalMs: 100, what: "sim-001 unreachable" },
  );
  t.diagnostic(`sim-001 Reachable=False ${Date.now() - offlineAt} ms after it went offline`);
  await fault("--online");
  await eventually(async () => assert.equal(cond(await getCluster("sim-001"), "Ready"), "True"), {
    timeoutMs: 5 * SYNC_S * 1000,
    intervalMs: 100,
    what: "sim-001 Ready again",
  });
  const events = await mcpctlOk(kc, ["describe", "cluster", "sim-001"]);
  assert.match(events, /Warning +ClusterUnreachable /);

  // 6. Unjoin: gone from the fleet.
  assert.deepEqual(await ctl("cluster", "unjoin", "sim-001", "--wait"), {
    code: 0,
    stdout: "cluster.mcp.platform/sim-001 unjoined\n",
    stderr: "",
  });
  const after = await ctl("get", "clusters");
  assert.deepEqual([after.code, after.stdout, after.stderr], [0, "", "No resources found\n"]);
});
