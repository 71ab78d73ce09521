// The Kubernetes cluster a portable e2e suite runs against. With MCP_E2E_KUBECONFIG set it is
// that cluster (a real kube-apiserver, so the simulator is held to the same tests); otherwise a
// fresh one-cluster mcp-sim fleet started from the binary. Suites may rely only on what a real
// cluster also does; simulator-only checks go through `target.sim`, which is absent otherwise.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Proc, simFault, startSim } from "./fleet.ts";
import {
  type KubectlOptions,
  type KubectlResult,
  type KubectlWatch,
  kubectl,
  kubectlOk,
  kubectlWatch,
} from "./kubectl.ts";

/** The kubeconfig of an outside cluster to run against instead of the simulator. */
export const EXTERNAL_KUBECONFIG = process.env.MCP_E2E_KUBECONFIG || undefined;

export interface SimHandle {
  proc: Proc;
  /** mcp-sim's --out directory (kubeconfigs and fleet.json). */
  outDir: string;
  /** The simulated cluster's name, e.g. sim-001. */
  cluster: string;
  /** Runs `mcp-sim fault <cluster> FLAGS --out DIR` and returns what it printed; throws unless it exits 0. */
  fault(...flags: string[]): Promise<string>;
}

export interface Target {
  kubeconfig: string;
  /** A private temporary directory: kubectl's discovery cache and the suite's manifests. */
  workDir: string;
  sim?: SimHandle;
  kubectl(args: string[], opts?: Omit<KubectlOptions, "kubeconfig">): Promise<KubectlResult>;
  kubectlOk(args: string[], opts?: Omit<KubectlOptions, "kubeconfig">): Promise<string>;
  /** A long-running kubectl (`get -w`); stop() it when done. */
  kubectlWatch(args: string[]): KubectlWatch;
  close(): Promise<void>;
}

export interface TargetOptions {
  /** Nodes of the simulated cluster. */
  nodes: number;
  /** Extra mcp-sim flags (e.g. --k8s-version). */
  simArgs?: string[];
}

export async function startTarget(opts: TargetOptions): Promise<Target> {
  const workDir = await mkdtemp(join(tmpdir(), "mcp-e2e-target-"));
  // The cache lives in our temp dir: an outside kubeconfig's directory may not be ours to write to.
  const cacheDir = join(workDir, ".kube-cache");
  let sim: SimHandle | undefined;
  let kubeconfig = EXTERNAL_KUBECONFIG;
  if (!kubeconfig) {
    const outDir = join(workDir, "sim");
    const proc = await startSim(outDir, 1, opts.nodes, opts.simArgs ?? []);
    const index = JSON.parse(await readFile(join(outDir, "fleet.json"), "utf8")) as {
      clusters: { name: string; kubeconfig: string }[];
    };
    const first = index.clusters[0];
    kubeconfig = first.kubeconfig;
    sim = { proc, outDir, cluster: first.name, fault: (...flags) => simFault(outDir, first.name, flags) };
  }
  const kc = kubeconfig;
  return {
    kubeconfig: kc,
    workDir,
    sim,
    kubectl: (args, o = {}) => kubectl(args, { cacheDir, ...o, kubeconfig: kc }),
    kubectlOk: (args, o = {}) => kubectlOk(args, { cacheDir, ...o, kubeconfig: kc }),
    kubectlWatch: (args) => kubectlWatch(args, { cacheDir, kubeconfig: kc }),
    async close() {
      await sim?.proc.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** A DNS-1123 name no earlier run (or a parallel one on the same cluster) has used. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}
