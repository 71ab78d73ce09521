// Fleet policy end to end with the real binaries (mcp-server, mcp-sim, mcp-agent, kubectl,
// mcpctl): a deny policy stops a tenant's cross-tenant namespace writes at the hub with a clear
// message and nothing of them reaches a Work or a member (while an allowed write propagates); a
// warn policy lets a write through and kubectl prints the warning; an invalid CEL expression is
// refused at write time with its position; a policy applied after violating objects exist in two
// members (one pull, one push) reports exactly those objects per cluster, in PolicyReports and in
// `mcpctl policy report`; an expensive expression is refused when written if its cost can be
// estimated, and cut off when it runs otherwise, while the API keeps serving.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { writeKubeconfig } from "../../src/apiserver/auth/kubeconfig.ts";
import { ensurePki, issueClientCert } from "../../src/apiserver/auth/pki.ts";
import { apiClient } from "./support/api.ts";
import { startJoinedFleet } from "./support/joined-fleet.ts";
import { kubectl, kubectlOk } from "./support/kubectl.ts";
import { mcpctlOk } from "./support/mcpctl.ts";
import { eventually } from "./support/wait.ts";

const TENANCY = `
apiVersion: mcp.platform/v1
kind: ClusterPolicy
metadata: {name: tenant-isolation}
spec:
  rules:
  - {action: deny, resource: namespaces, condition: cross-tenant-access}
---
apiVersion: mcp.platform/v1
kind: ClusterPropagationPolicy
metadata: {name: tenant-namespaces}
spec:
  resourceSelectors:
  - {apiVersion: v1, kind: Namespace, labelSelector: {matchExpressions: [{key: mcp.platform/tenant, operator: Exists}]}}
`;

const WARN = `
apiVersion: mcp.platform/v1
kind: ClusterPolicy
metadata: {name: owner-labels}
spec:
  auditInMembers: false
  rules:
  - action: warn
    condition: required-labels
    params: {labels: [owner]}
    match: {resources: [configmaps], namespaces: [team-a-dev]}
`;

const INVALID = `
apiVersion: mcp.platform/v1
kind: ClusterPolicy
metadata: {name: broken}
spec:
  rules:
  - {action: deny, condition: "object.metadata.name.startsWith("}
`;

const HYGIENE = `
apiVersion: mcp.platform/v1
kind: ClusterPolicy
metadata: {name: workload-hygiene}
spec:
  rules:
  - {action: deny, condition: privileged-containers, match: {kinds: [Deployment], namespaces: [audit-demo]}}
  - {action: warn, condition: latest-image-tag, match: {kinds: [Deployment], namespaces: [audit-demo]}}
`;

const deployment = (name: string, image: string, privileged = false) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: audit-demo}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: main, image: "${image}", securityContext: {privileged: ${privileged}}}]
`;

interface Report {
  spec: { cluster: string };
  status: {
    policies?: { name: string; pass: number; fail: number; warn: number; error: number }[];
    results?: {
      policy: string;
      rule: string;
      result: string;
      resource: { namespace: string; name: string };
    }[];
    error?: string;
  };
}

test("fleet policy: enforced at the hub, audited in members, bounded in cost", {
  timeout: 300_000,
}, async (t) => {
  const fleet = await startJoinedFleet(
    t,
    [
      { name: "sim-001", labels: { env: "prod" } },
      { name: "sim-002", labels: { env: "dev" }, mode: "Push" },
    ],
    { syncInterval: "2s" },
  );
  const hub = fleet.hub();
  const admin = (args: string[], input?: string) =>
    kubectlOk(args, { kubeconfig: hub.kubeconfigPath, input });
  // The same as admin, for a write expected to fail: the result, not a throw.
  const adminTry = (args: string[], input?: string) =>
    kubectl(args, { kubeconfig: hub.kubeconfigPath, input });
  const member = (name: string, args: string[], input?: string) =>
    kubectlOk(args, { kubeconfig: fleet.kubeconfigOf(name), input });
  const inBothMembers = async (namespace: string) => {
    for (const m of ["sim-001", "sim-002"])
      await eventually(() => member(m, ["get", "namespace", namespace]), {
        timeoutMs: 30_000,
        what: `${namespace} in ${m}`,
      });
  };

  // alice belongs to tenant team-a (client certificate O=tenant:team-a) and may edit namespaces.
  const pki = await ensurePki(hub.dataDir);
  const cert = await issueClientCert(pki.ca, { commonName: "alice", organizations: ["tenant:team-a"] });
  const aliceConfig = join(fleet.work, "alice.kubeconfig");
  await writeKubeconfig(aliceConfig, {
    server: hub.url,
    caPem: pki.ca.certPem,
    user: { clientCertPem: cert.certPem, clientKeyPem: cert.keyPem },
    contextName: "alice",
    clusterName: "mcp-hub",
  });
  const alice = (args: string[], input?: string) => kubectl(args, { kubeconfig: aliceConfig, input });
  await admin(
    ["apply", "-f", "-"],
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ns-editor}
rules:
- {apiGroups: [""], resources: [namespaces, configmaps], verbs: [get, list, watch, create, update, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: alice-ns-editor}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ns-editor}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
`,
  );

  await t.test("deny: a cross-tenant namespace write is refused and nothing of it propagates", async () => {
    await admin(["apply", "-f", "-"], TENANCY);
    await admin(["create", "namespace", "team-b-prod"]);
    await admin(["label", "namespace", "team-b-prod", "mcp.platform/tenant=team-b"]);
    await inBothMembers("team-b-prod");

    const relabel = await alice(["label", "namespace", "team-b-prod", "owner=alice"]);
    assert.notEqual(relabel.code, 0);
    assert.match(
      relabel.stderr,
      /namespaces "team-b-prod" is forbidden: denied by ClusterPolicy "tenant-isolation" rule "cross-tenant-access": user alice of tenant team-a may not write Namespace team-b-prod: it belongs to tenant team-b/,
    );
    const sneaky = await alice(
      ["create", "-f", "-"],
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-b-sneaky, labels: {mcp.platform/tenant: team-b}}\n",
    );
    assert.notEqual(sneaky.code, 0);
    assert.match(sneaky.stderr, /denied by ClusterPolicy "tenant-isolation".*it belongs to tenant team-b/);

    // alice's own namespace is allowed and propagates: the pipeline ran after the denied writes.
    const own = await alice(
      ["create", "-f", "-"],
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a-dev, labels: {mcp.platform/tenant: team-a}}\n",
    );
    assert.equal(own.code, 0, own.stderr);
    await inBothMembers("team-a-dev");

    assert.equal((await admin(["get", "namespaces", "-o", "name"])).includes("team-b-sneaky"), false);
    const works = await admin(["get", "works", "-A", "-o", "json"]);
    assert.ok(works.includes("team-a-dev"), "the allowed namespace is in the Works");
    assert.ok(!works.includes("team-b-sneaky"), "the denied namespace is in no Work");
    assert.ok(
      !works.includes('"owner":"alice"') && !works.includes("owner: alice"),
      "the denied label is in no Work",
    );
    for (const m of ["sim-001", "sim-002"]) {
      assert.equal((await member(m, ["get", "namespaces", "-o", "name"])).includes("team-b-sneaky"), false);
      const labels = JSON.parse(
        await member(m, ["get", "namespace", "team-b-prod", "-o", "jsonpath={.metadata.labels}"]),
      );
      assert.equal(labels.owner, undefined, `${m}: team-b-prod was not relabelled`);
    }
    // The denial is in the hub's audit log, annotated with the rule.
    await eventually(
      async () => {
        const lines = (await readFile(hub.auditLogPath, "utf8"))
          .split("\n")
          .filter((l) => l.includes("team-b-sneaky"));
        const denied = lines.map((l) => JSON.parse(l)).find((r) => r.code === 403);
        assert.ok(denied, "an audit record of the denied create");
        const noted = JSON.parse(denied.annotations["policy.mcp.platform/violations"]);
        assert.deepEqual(
          noted.map((n: { policy: string; rule: string }) => `${n.policy}/${n.rule}`),
          ["tenant-isolation/cross-tenant-access"],
        );
      },
      { what: "the audit record" },
    );
  });

  await t.test("warn: the write succeeds and kubectl prints the warning", async () => {
    await admin(["apply", "-f", "-"], WARN);
    const r = await alice([
      "create",
      "configmap",
      "settings",
      "-n",
      "team-a-dev",
      "--from-literal=color=blue",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /configmap\/settings created/);
    assert.match(
      r.stderr,
      /Warning: ClusterPolicy "owner-labels" rule "required-labels": missing required labels: owner/,
    );
  });

  await t.test("invalid CEL is refused at write time with its position", async () => {
    const r = await adminTry(["apply", "-f", "-"], INVALID);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The ClusterPolicy "broken" is invalid/);
    assert.match(
      r.stderr,
      /spec\.rules\[0\]\.condition: Invalid value: .*CEL compile error at line 1, column 33/,
    );
    assert.equal((await adminTry(["get", "clusterpolicy", "broken"])).code, 1);
  });

  await t.test("member audit: exactly the violating objects of each member are reported", async () => {
    for (const m of ["sim-001", "sim-002"]) await member(m, ["create", "namespace", "audit-demo"]);
    await member(
      "sim-001",
      ["apply", "-f", "-"],
      deployment("root", "registry.example/agent:2.1", true) +
        "---" +
        deployment("fine", "registry.example/web:1.0"),
    );
    await member(
      "sim-002",
      ["apply", "-f", "-"],
      `${deployment("floating", "nginx")}---${deployment("fine", "registry.example/web:1.0")}`,
    );
    await admin(["apply", "-f", "-"], HYGIENE);

    const api = fleet.api();
    const reports = await eventually(
      async () => {
        const out: Record<string, Report> = {};
        for (const m of ["sim-001", "sim-002"]) {
          const res = await api.request(
            "GET",
            `/apis/mcp.platform/v1/namespaces/mcp-system/policyreports/${m}`,
          );
          assert.equal(res.status, 200, `${m}: ${res.text}`);
          const r = res.json<Report>();
          assert.equal(r.status.error, undefined, `${m}: ${r.status.error}`);
          const hygiene = r.status.policies?.find((p) => p.name === "workload-hygiene");
          assert.ok(hygiene, `${m} has audited workload-hygiene`);
          out[m] = r;
        }
        return out;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "both members' PolicyReports" },
    );
    const listed = (m: string) =>
      (reports[m].status.results ?? []).map(
        (r) => `${r.policy}/${r.rule}/${r.result} ${r.resource.namespace}/${r.resource.name}`,
      );
    assert.deepEqual(listed("sim-001"), ["workload-hygiene/privileged-containers/fail audit-demo/root"]);
    assert.deepEqual(listed("sim-002"), ["workload-hygiene/latest-image-tag/warn audit-demo/floating"]);
    assert.deepEqual(
      reports["sim-001"].status.policies?.find((p) => p.name === "workload-hygiene"),
      {
        name: "workload-hygiene",
        pass: 3,
        fail: 1,
        warn: 0,
        error: 0,
      },
    );

    const table = await mcpctlOk(hub.kubeconfigPath, ["policy", "report"]);
    assert.match(table, /^sim-001\s+\d+\s+\d+\s+\d+\s+1\s+0\s+0\s+[\d.]+%\s+\S+ ago\s+ok$/m);
    assert.match(table, /^sim-002\s+\d+\s+\d+\s+\d+\s+0\s+1\s+0\s+[\d.]+%\s+\S+ ago\s+ok$/m);
    assert.match(table, /^workload-hygiene\s+2\s+0\/2\s+/m);
    assert.match(
      table,
      /^sim-001\s+workload-hygiene\s+privileged-containers\s+deny\s+fail\s+deployment\/audit-demo\/root\s+privileged containers: main$/m,
    );
    assert.match(
      table,
      /^sim-002\s+workload-hygiene\s+latest-image-tag\s+warn\s+warn\s+deployment\/audit-demo\/floating\s+images without a pinned tag: main=nginx$/m,
    );
    const one = JSON.parse(
      await mcpctlOk(hub.kubeconfigPath, ["policy", "report", "--cluster", "sim-002", "-o", "json"]),
    );
    assert.deepEqual(
      one.results.map(
        (r: { cluster: string; resource: { name: string } }) => `${r.cluster}:${r.resource.name}`,
      ),
      ["sim-002:floating"],
    );
  });

  await t.test(
    "cost: refused when estimated too costly, cut off when it runs, the API keeps serving",
    async () => {
      const nested = await adminTry(
        ["apply", "-f", "-"],
        `apiVersion: mcp.platform/v1\nkind: ClusterPolicy\nmetadata: {name: nested}\nspec:\n  rules:\n  - {action: deny, condition: "object.data.all(a, object.data.all(b, object.data.all(c, a == b)))"}\n`,
      );
      assert.notEqual(nested.code, 0);
      assert.match(nested.stderr, /estimated cost of the expression \(\d+\) exceeds the limit of 1000000/);

      await admin(["create", "namespace", "cost-test"]);
      await admin(
        ["apply", "-f", "-"],
        `apiVersion: mcp.platform/v1\nkind: ClusterPolicy\nmetadata: {name: expensive}\nspec:\n  auditInMembers: false\n  rules:\n  - action: deny\n    condition: "object.data.exists(a, object.data.exists(b, a != b && b == 'never'))"\n    match: {resources: [configmaps], namespaces: [cost-test]}\n`,
      );
      const api = await apiClient(hub.kubeconfigPath);
      const small = await api.request("POST", "/api/v1/namespaces/cost-test/configmaps", {
        body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "small" }, data: { a: "1" } },
      });
      assert.equal(small.status, 201, "a small object evaluates within the limit");

      const data: Record<string, string> = {};
      for (let i = 0; i < 3000; i++) data[`key-${i}`] = "v";
      let writesDone = false;
      const events: string[] = [];
      // Two clients keep the hub busy with expensive writes, one after another, for a while.
      const writes = Promise.all(
        Array.from({ length: 2 }, async (_, w) => {
          const out = [];
          for (let i = 0; i < 5; i++) {
            out.push(
              await api.request("POST", "/api/v1/namespaces/cost-test/configmaps", {
                body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `big-${w}-${i}` }, data },
              }),
            );
            events.push("write");
          }
          return out;
        }),
      )
        .then((all) => all.flat())
        .finally(() => {
          writesDone = true;
        });
      const reads: number[] = [];
      while (!writesDone) {
        const res = await api.request("GET", "/api/v1/namespaces/cost-test");
        reads.push(res.status);
        events.push("read");
      }
      for (const res of await writes) {
        assert.equal(res.status, 403, res.text);
        assert.match(
          res.json<{ message: string }>().message,
          /denied by ClusterPolicy "expensive" rule "rule-0": the rule could not be evaluated: evaluation exceeded the (cost limit of 1000000 steps|time limit of 100 ms) \(failurePolicy Fail\)/,
        );
      }
      assert.ok(reads.length > 0 && reads.every((s) => s === 200), `reads: ${reads}`);
      assert.ok(
        events.indexOf("read") < events.lastIndexOf("write"),
        `other requests were answered while the expensive writes were being evaluated: ${events.join(",")}`,
      );
    },
  );
});
