// `mcpctl policy test`: policies and objects from files, evaluated without a hub; verdicts per
// object and rule; exit 1 when something would be denied or a policy does not compile, 0 when
// the objects only draw warnings.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCtl } from "../main.ts";
import { captureIo } from "../testing.ts";

const POLICY = `
apiVersion: mcp.platform/v1
kind: ClusterPolicy
metadata: {name: tenancy}
spec:
  rules:
  - {action: deny, resource: namespaces, condition: cross-tenant-access}
---
apiVersion: mcp.platform/v1
kind: ClusterPolicy
metadata: {name: images}
spec:
  rules:
  - {action: warn, condition: latest-image-tag}
  - name: prod-needs-owner
    action: deny
    condition: cluster.exists(c, c.env == "prod") && !has(object.metadata.labels.owner)
    message: workloads in prod need an owner label
    match: {kinds: [Deployment]}
`;

const OBJECTS = `
apiVersion: v1
kind: Namespace
metadata: {name: team-b-prod, labels: {mcp.platform/tenant: team-b}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team-b-prod, labels: {owner: bob}}
spec:
  template:
    spec:
      containers: [{name: web, image: nginx}]
`;

async function files(
  t: import("node:test").TestContext,
  contents: Record<string, string>,
): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), "mcpctl-policy-test-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const paths: string[] = [];
  for (const [name, text] of Object.entries(contents)) {
    paths.push(join(dir, name));
    await writeFile(paths.at(-1)!, text);
  }
  return paths;
}

test("a tenant's cross-tenant namespace is denied (exit 1); an admin's write only warns (exit 0)", async (t) => {
  const [policy, objects] = await files(t, { "policy.yaml": POLICY, "objects.yaml": OBJECTS });
  const io = captureIo();
  const code = await runCtl(["policy", "test", "-f", policy, "-f", objects, "--group", "tenant:team-a"], io);
  assert.equal(code, 1, io.stderr);
  assert.match(
    io.stdout,
    /namespace\/team-b-prod\s+tenancy\s+cross-tenant-access\s+deny\s+user mcpctl-test of tenant team-a may not write Namespace team-b-prod: it belongs to tenant team-b/,
  );
  assert.match(
    io.stdout,
    /deployment\/team-b-prod\/web\s+images\s+latest-image-tag\s+warn\s+images without a pinned tag: web=nginx/,
  );
  assert.match(io.stderr, /2 object\(s\), 2 policy\(ies\): denied: namespace\/team-b-prod/);

  const admin = captureIo();
  assert.equal(await runCtl(["policy", "test", "-f", policy, "-f", objects], admin), 0, admin.stderr);
  assert.match(admin.stdout, /namespace\/team-b-prod\s+tenancy\s+cross-tenant-access\s+pass/);
  assert.match(admin.stderr, /nothing denied/);
});

test("the cluster labels flag feeds the `cluster` variable; -o json gives the rows", async (t) => {
  const [policy, objects] = await files(t, {
    "policy.yaml": POLICY,
    "objects.yaml": OBJECTS.replace("labels: {owner: bob}", "labels: {}"),
  });
  const io = captureIo();
  const code = await runCtl(
    ["policy", "test", "-f", policy, "-f", objects, "--cluster-labels", "env=prod,region=eu", "-o", "json"],
    io,
  );
  assert.equal(code, 1);
  const out = JSON.parse(io.stdout);
  assert.deepEqual(out.denied, ["deployment/team-b-prod/web"]);
  const row = out.rows.find((r: { rule: string }) => r.rule === "prod-needs-owner");
  assert.equal(row.verdict, "deny");
  assert.equal(row.message, "workloads in prod need an owner label");
  const dev = captureIo();
  assert.equal(
    await runCtl(["policy", "test", "-f", policy, "-f", objects, "--cluster-labels", "env=dev"], dev),
    0,
    dev.stdout,
  );
});

test("a policy that does not compile is reported with field and position (exit 1)", async (t) => {
  const [policy, objects] = await files(t, {
    "policy.yaml": `
apiVersion: mcp.platform/v1
kind: ClusterPolicy
metadata: {name: broken}
spec:
  rules:
  - {action: deny, condition: "object.metadata.name.startsWith("}
`,
    "objects.yaml": OBJECTS,
  });
  const io = captureIo();
  assert.equal(await runCtl(["policy", "test", "-f", policy, "-f", objects], io), 1);
  assert.match(
    io.stderr,
    /ClusterPolicy "broken" is invalid:\n {2}\* spec\.rules\[0\]\.condition: Invalid value: .*CEL compile error at line 1, column 33: Unexpected token/,
  );
});

test("usage mistakes exit 2", async () => {
  assert.equal(await runCtl(["policy", "test"], captureIo()), 2);
  assert.equal(await runCtl(["policy", "test", "-f", "x.yaml", "--operation", "PATCH"], captureIo()), 2);
});
