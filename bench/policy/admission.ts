// Admission overhead with N ClusterPolicies in force, two ways:
//   plugin — the ClusterPolicy admission plugin alone, in this process: one Deployment create
//            through validate(), every rule matching (the placement preview is a fixed answer);
//   write  — Deployment creates over HTTPS against the real mcp-server, one at a time, so the
//            difference from N = 0 is what policies add to a user's write.
import pino from "pino";
import type { KubeObject } from "../../src/apis/meta/types.ts";
import type { AdmissionRequest } from "../../src/apiserver/admission/chain.ts";
import { hubResourceRegistry } from "../../src/hub/hub.ts";
import { policyAdmission } from "../../src/hub/policy/admission.ts";
import { compilePolicy } from "../../src/policy/compile.ts";
import { RuleIndex } from "../../src/policy/rule-index.ts";
import type { HubClient } from "../lib/hub-client.ts";
import { LatencyRecorder, type LatencySummary, round } from "../lib/latency.ts";
import { progress } from "../lib/phase.ts";
import { BENCH_NAMESPACE, benchDeployment, benchPolicy } from "./fixtures.ts";

export interface PluginResult {
  policies: number;
  rules: number;
  evaluations: number;
  /** Per validate() call, in microseconds. */
  us: { p50: number; p90: number; p99: number; mean: number; max: number };
}

export async function measurePlugin(policies: number, evaluations: number): Promise<PluginResult> {
  const compiled = Array.from({ length: policies }, (_, i) => {
    const r = compilePolicy(benchPolicy(i) as KubeObject);
    if (!r.policy) throw new Error(`bench policy ${i} does not compile: ${JSON.stringify(r.causes)}`);
    return r.policy;
  });
  const index = new RuleIndex(compiled);
  const ns: KubeObject = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: BENCH_NAMESPACE, labels: { "mcp.platform/tenant": "team-a" } },
  };
  const clusters: Record<string, string>[] = [{ env: "prod" }, { env: "dev" }, { env: "prod", region: "eu" }];
  const plugin = policyAdmission({
    rules: () => index,
    namespace: (n) => (n === BENCH_NAMESPACE ? ns : undefined),
    preview: async () => clusters,
    log: pino({ level: "silent" }),
  });
  const rt = hubResourceRegistry().lookup("apps", "v1", "deployments")!;
  const req = (i: number): AdmissionRequest => ({
    operation: "CREATE",
    resource: rt,
    subresource: "",
    namespace: BENCH_NAMESPACE,
    name: `web-${i}`,
    object: benchDeployment(`web-${i}`) as KubeObject,
    user: { name: "alice", groups: ["tenant:team-a", "system:authenticated"] },
    dryRun: false,
    auditAnnotations: {},
  });
  for (let i = 0; i < 1000; i++) await plugin.validate!(req(i)); // warm up the JIT
  const samples = new Float64Array(evaluations);
  for (let i = 0; i < evaluations; i++) {
    const r = req(i);
    const t0 = performance.now();
    const d = await plugin.validate!(r);
    samples[i] = (performance.now() - t0) * 1000;
    if (!d.allowed) throw new Error(`the bench Deployment was denied: ${d.error?.message}`);
  }
  samples.sort();
  const pct = (q: number) => round(samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]);
  return {
    policies,
    rules: index.ruleCount,
    evaluations,
    us: {
      p50: pct(0.5),
      p90: pct(0.9),
      p99: pct(0.99),
      mean: round(samples.reduce((a, b) => a + b, 0) / samples.length),
      max: round(samples[samples.length - 1]),
    },
  };
}

/** Makes exactly the first `count` bench policies exist (they are only ever added). */
export async function ensurePolicies(client: HubClient, have: number, count: number): Promise<void> {
  for (let i = have; i < count; i++)
    await client.json("POST", "/apis/mcp.platform/v1/clusterpolicies", benchPolicy(i));
  if (count < 2) return;
  // Enforcement follows the policies' informer: wait until an unpinned image is refused.
  const probe = benchDeployment("probe") as {
    spec: { template: { spec: { containers: { image: string }[] } } };
  };
  probe.spec.template.spec.containers[0].image = "nginx";
  for (let attempt = 0; ; attempt++) {
    const res = await client.request(
      "POST",
      `/apis/apps/v1/namespaces/${BENCH_NAMESPACE}/deployments?dryRun=All`,
      probe,
    );
    if (res.status === 403) return;
    if (attempt > 200) throw new Error(`the bench policies are not enforced: HTTP ${res.status} ${res.body}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function measureWrites(
  client: HubClient,
  policies: number,
  writes: number,
): Promise<{ policies: number; writes: LatencySummary }> {
  progress(`${policies} policies: ${writes} Deployment creates`);
  const path = `/apis/apps/v1/namespaces/${BENCH_NAMESPACE}/deployments`;
  const create = async (name: string) => {
    const res = await client.request("POST", path, benchDeployment(name));
    if (res.status !== 201) throw new Error(`create ${name}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
  };
  for (let i = 0; i < 20; i++) await create(`warm-${policies}-${i}`);
  const rec = new LatencyRecorder();
  const t0 = performance.now();
  for (let i = 0; i < writes; i++) await rec.time(() => create(`w-${policies}-${i}`));
  return { policies, writes: rec.summary(performance.now() - t0) };
}
