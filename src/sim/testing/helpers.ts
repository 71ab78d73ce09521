// Test helpers for the simulator: a cluster on a temporary directory, HTTPS requests that trust
// the cluster's own CA, and running the real kubectl against a kubeconfig.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestContext } from "node:test";
import { writeKubeconfig } from "../../apiserver/auth/kubeconfig.ts";
import { SimCluster, type SimClusterOptions } from "../cluster.ts";
import type { SimProfile } from "../context.ts";
import { fleetProfiles, type ProfileOverrides } from "../profile.ts";
import { SimScheduler } from "../scheduler.ts";

export async function tempDir(t: TestContext, prefix = "mcp-sim-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function testProfile(overrides: ProfileOverrides = {}, name = "sim-001"): SimProfile {
  return fleetProfiles([name], { nodes: 3, ...overrides })[0];
}

export interface TestCluster {
  cluster: SimCluster;
  kubeconfig: string;
  scheduler: SimScheduler;
}

/** A started cluster with its kubeconfig written; stopped after the test. */
export async function startTestCluster(
  t: TestContext,
  overrides: ProfileOverrides = {},
  opts: Partial<SimClusterOptions> = {},
): Promise<TestCluster> {
  const dir = await tempDir(t);
  const scheduler = new SimScheduler();
  const cluster = await SimCluster.start({
    profile: testProfile(overrides),
    scheduler,
    pkiDir: join(dir, "pki"),
    ...opts,
  });
  t.after(async () => {
    scheduler.stop();
    await cluster.stop();
  });
  const kubeconfig = join(dir, "kubeconfig");
  await writeKubeconfig(kubeconfig, cluster.kubeconfig());
  return { cluster, kubeconfig, scheduler };
}

export interface HttpsResult {
  status: number;
  text: string;
}

/** GET (or another method) against the cluster, trusting its CA; token "" sends none. */
export function httpsRequest(
  c: SimCluster,
  path: string,
  opts: { method?: string; token?: string; body?: unknown } = {},
): Promise<HttpsResult> {
  const token = opts.token ?? c.token;
  return new Promise((resolve, reject) => {
    const req = request(
      `${c.url}${path}`,
      {
        method: opts.method ?? "GET",
        ca: c.caPem,
        agent: false,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectl(kubeconfig: string, args: string[]): Promise<KubectlResult> {
  return new Promise((resolve) => {
    // A discovery cache beside the kubeconfig, so tests never share (or litter) ~/.kube/cache.
    const cache = join(dirname(kubeconfig), "kube-cache");
    const base = ["--kubeconfig", kubeconfig, "--cache-dir", cache, "--request-timeout=10s"];
    execFile("kubectl", [...base, ...args], (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Whether the real kubectl is installed (the kubectl tests skip otherwise). */
export const hasKubectl: Promise<boolean> = new Promise((resolve) =>
  execFile("kubectl", ["version", "--client"], (err) => resolve(!err)),
);
