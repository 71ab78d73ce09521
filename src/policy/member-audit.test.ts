// Auditing a real (simulated) member through its kubeconfig: discovery, listing only the kinds
// the rules can match, namespaces for namespaceSelector, and exactly the violating objects
// reported — including objects MCP never created.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { SimFleet } from "../sim/fleet.ts";
import { fleetProfiles } from "../sim/profile.ts";
import { compilePolicy } from "./compile.ts";
import { auditMember } from "./member-audit.ts";

test("a member's violations are found through its kubeconfig, and only those", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "mcp-policy-audit-"));
  const fleet = await SimFleet.start({
    profiles: fleetProfiles(["m1"], { nodes: 1 }),
    outDir: dir,
    startControllers: false,
  });
  t.after(async () => {
    await fleet.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const sim = fleet.cluster("m1")!;
  await sim.client.create({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "shop", labels: { env: "prod" } },
  });
  await sim.client.create({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "lab", labels: { env: "dev" } },
  });
  const deploy = (ns: string, name: string, image: string) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image }] } },
    },
  });
  await sim.client.create(deploy("shop", "web", "nginx:latest"));
  await sim.client.create(deploy("shop", "api", "api:1.0"));
  await sim.client.create(deploy("lab", "toy", "toy"));
  const r = compilePolicy({
    apiVersion: "mcp.platform/v1",
    kind: "ClusterPolicy",
    metadata: { name: "pinned" },
    spec: {
      rules: [
        {
          action: "deny",
          condition: "latest-image-tag",
          match: { kinds: ["Deployment"], namespaceSelector: { matchLabels: { env: "prod" } } },
        },
      ],
    },
  });
  assert.ok(r.policy);
  const kc = new KubeConfig();
  kc.loadFromFile(fleet.kubeconfigPath("m1"));
  const status = await auditMember(kc, { policies: [r.policy], clusterLabels: {} });
  assert.equal(status.error, undefined);
  assert.deepEqual(
    status.results?.map((x) => `${x.resource?.namespace}/${x.resource?.name}: ${x.message}`),
    ["shop/web: images without a pinned tag: c=nginx:latest"],
  );
  assert.deepEqual(status.summary, { pass: 1, fail: 1, warn: 0, error: 0 });
  // Only Deployments were audited (kube-system's too): no other kind was listed.
  assert.equal(status.objectsAudited, (await sim.client.list("apps/v1", "Deployment")).length);

  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const unreachable = new KubeConfig();
  unreachable.loadFromOptions({
    clusters: [{ name: "x", server: `https://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "x", token: "t" }],
    contexts: [{ name: "x", cluster: "x", user: "x" }],
    currentContext: "x",
  });
  const down = await auditMember(unreachable, { policies: [r.policy], clusterLabels: {} });
  assert.match(down.error ?? "", /cannot audit the member cluster: connection refused/);
});
