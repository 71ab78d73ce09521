// The README's first command end to end: `npm run demo` (src/cmd/demo.ts) brings up a hub with
// embedded SQLite, three simulated clusters and an agent for each, and prints the fleet. Then, as
// the README tells a user: mcpctl lists the clusters Ready, applies examples/app.yaml, kubectl
// finds exactly the placed and overridden objects inside the members, `get -o wide` shows where
// the Deployment runs, deleting the app removes it from the members, and Ctrl-C stops the demo
// with nothing left running.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { REPO_ROOT } from "./support/hub.ts";
import { kubectl, kubectlOk } from "./support/kubectl.ts";
import { mcpctlOk } from "./support/mcpctl.ts";
import { parseTable } from "./support/table.ts";
import { eventually } from "./support/wait.ts";

const DEMO_ENTRY = join(REPO_ROOT, "src/cmd/demo.ts");
const MEMBERS = ["sim-001", "sim-002", "sim-003"];

interface Obj {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: {
    replicas?: number;
    template?: { spec: { containers: { image: string }[] } };
    ports?: { port: number }[];
  };
  data?: Record<string, string>;
}

/** Resolves with everything printed once `marker` appears; rejects if the demo exits first. */
function waitForOutput(
  child: ChildProcess,
  output: () => string,
  marker: string,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no "${marker}" within ${timeoutMs} ms:\n${output()}`)),
      timeoutMs,
    );
    const check = () => {
      if (output().includes(marker)) finish();
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`the demo exited (${code ?? signal}) before "${marker}":\n${output()}`));
    const finish = (err?: Error) => {
      clearTimeout(timer);
      child.stdout!.off("data", check);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve(output());
    };
    child.stdout!.on("data", check);
    child.once("exit", onExit);
    check();
  });
}

/** Live processes whose command line mentions `text` (zombies have an empty one). */
async function processesMentioning(text: string): Promise<{ pid: number; cmdline: string }[]> {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(text)) found.push({ pid: Number(entry), cmdline: cmdline.replaceAll("\0", " ") });
  }
  return found;
}

test("npm run demo: clusters Ready, examples/app.yaml placed and overridden, deleted, Ctrl-C stops everything", {
  timeout: 600_000,
}, async (t) => {
  const data = await mkdtemp(join(tmpdir(), "mcp-e2e-demo-"));
  // Port 0: a demo the developer runs on the default 6443 must not break the suite.
  // Its own process group, so that cleanup reaches the hub, simulator and agents it started.
  const demo = spawn(process.execPath, [DEMO_ENTRY, "--data", data, "--listen", "127.0.0.1:0"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  demo.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  demo.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
    demo.once("exit", (code, signal) => r({ code, signal })),
  );
  t.after(async () => {
    try {
      process.kill(-demo.pid!, "SIGKILL");
    } catch {
      // The group is already gone: the demo stopped everything it started.
    }
    await exited;
    await rm(data, { recursive: true, force: true, maxRetries: 5 });
  });

  const banner = await waitForOutput(demo, () => out, "Press Ctrl-C to stop.", 240_000);
  const hubKc = join(data, "hub.kubeconfig");
  assert.ok(banner.includes(`bin/mcpctl --kubeconfig ${hubKc} get clusters`), banner);
  const printed = parseTable(banner.slice(banner.indexOf("NAME "), banner.indexOf("The fleet is up")));
  assert.deepEqual(
    printed.map((r) => [r.NAME, r.READY, r.REGION]),
    [
      ["sim-001", "True", "us-east"],
      ["sim-002", "True", "us-west"],
      ["sim-003", "True", "us-east"],
    ],
  );

  // 1. The clusters, as mcpctl shows them; each got the demo's sync interval, not the API default.
  const clusters = parseTable(await mcpctlOk(hubKc, ["get", "clusters"]));
  assert.deepEqual(
    clusters.map((r) => [r.NAME, r.MODE, r.READY, r.REGION]),
    [
      ["sim-001", "Pull", "True", "us-east"],
      ["sim-002", "Pull", "True", "us-west"],
      ["sim-003", "Pull", "True", "us-east"],
    ],
  );
  const specs = JSON.parse(await mcpctlOk(hubKc, ["get", "clusters", "-o", "json"])) as {
    items: { metadata: { name: string }; spec: { syncInterval?: string } }[];
  };
  assert.deepEqual(
    specs.items.map((c) => [c.metadata.name, c.spec.syncInterval]),
    MEMBERS.map((n) => [n, "10s"]),
  );

  // 2. The example app, its placement and its override.
  const applied = await mcpctlOk(hubKc, ["apply", "-f", "examples/app.yaml"]);
  for (const what of [
    "namespace/shop",
    "configmap/web-config",
    "deployment.apps/web",
    "service/web",
    "propagationpolicy.mcp.platform/web",
    "overridepolicy.mcp.platform/web-canary",
  ])
    assert.match(applied, new RegExp(`^${what} `, "m"));

  // 3. Inside the members, with the real kubectl: us-east only, replicas 2:1, 1.28 on sim-003.
  const member = (name: string) => ({ kubeconfig: join(data, "sim", `${name}.kubeconfig`) });
  const get = async (cluster: string, kind: string, name: string): Promise<Obj | undefined> => {
    const r = await kubectl(["get", kind, name, "-n", "shop", "-o", "json"], member(cluster));
    if (r.code !== 0) {
      assert.match(r.stderr, /NotFound|not found/, r.stderr);
      return undefined;
    }
    return JSON.parse(r.stdout) as Obj;
  };
  const expected = {
    "sim-001": { replicas: 2, image: "nginx:1.27" },
    "sim-003": { replicas: 1, image: "nginx:1.28" },
  };
  await eventually(
    async () => {
      for (const [cluster, want] of Object.entries(expected)) {
        const d = await get(cluster, "deployment", "web");
        assert.ok(d, `deployment shop/web in ${cluster}`);
        assert.equal(d.metadata.labels?.["mcp.platform/managed"], "true", cluster);
        assert.equal(d.spec?.replicas, want.replicas, `replicas in ${cluster}`);
        assert.deepEqual(
          d.spec?.template?.spec.containers.map((c) => c.image),
          [want.image],
          `image in ${cluster}`,
        );
        const cm = await get(cluster, "configmap", "web-config");
        assert.deepEqual(cm?.data, { GREETING: "hello from the hub" }, `configmap in ${cluster}`);
        const svc = await get(cluster, "service", "web");
        assert.deepEqual(
          svc?.spec?.ports?.map((p) => p.port),
          [80],
          `service in ${cluster}`,
        );
      }
    },
    { timeoutMs: 120_000, intervalMs: 500, what: "the app in sim-001 and sim-003" },
  );

  // 4. The hub's Deployment shows where it runs once the members report their pods ready.
  await eventually(
    async () => {
      const rows = parseTable(await mcpctlOk(hubKc, ["get", "deployments", "-n", "shop", "-o", "wide"]));
      assert.equal(rows.length, 1, JSON.stringify(rows));
      assert.equal(rows[0].NAME, "web");
      assert.equal(rows[0].READY, "3/3");
      assert.equal(rows[0].CLUSTERS, "sim-001 2/2, sim-003 1/1");
    },
    { timeoutMs: 120_000, intervalMs: 1000, what: "CLUSTERS sim-001 2/2, sim-003 1/1" },
  );
  // By now every Work has been delivered and acked: the us-west member got nothing at all.
  const west = await kubectl(["get", "namespace", "shop"], member("sim-002"));
  assert.notEqual(west.code, 0, `namespace shop in sim-002: ${west.stdout}`);
  assert.equal(
    (
      await kubectlOk(
        ["get", "deployments,services,configmaps", "-n", "shop", "-o", "name"],
        member("sim-002"),
      )
    ).trim(),
    "",
  );

  // 5. Deleting the app removes it from the members.
  await mcpctlOk(hubKc, ["delete", "-f", "examples/app.yaml"]);
  await eventually(
    async () => {
      for (const cluster of Object.keys(expected))
        for (const [kind, name] of [
          ["deployment", "web"],
          ["service", "web"],
          ["configmap", "web-config"],
        ])
          assert.equal(await get(cluster, kind, name), undefined, `${kind} ${name} in ${cluster}`);
    },
    { timeoutMs: 120_000, intervalMs: 500, what: "the app gone from sim-001 and sim-003" },
  );

  // 6. SIGINT to the demo alone (a terminal's Ctrl-C would also signal its children directly,
  // which would hide a demo that forgot to stop them): it stops them all and exits 0.
  const running = await processesMentioning(data);
  for (const entry of ["src/cmd/server.ts", "src/cmd/sim.ts", ...MEMBERS.map((n) => `--cluster-name ${n} `)])
    assert.ok(
      running.some((p) => p.pid !== demo.pid && p.cmdline.includes(entry)),
      `${entry} among ${JSON.stringify(running, null, 1)}`,
    );
  demo.kill("SIGINT");
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    exited,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the demo did not exit after SIGINT:\n${out}`)), 60_000);
    }),
  ]);
  clearTimeout(timer);
  assert.deepEqual(exit, { code: 0, signal: null }, out);
  assert.match(out, /^stopping\.\.\.$/m);
  assert.deepEqual(await processesMentioning(data), [], "processes left behind by the demo");
});
