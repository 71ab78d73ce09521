// The ClusterPolicy admission plugin on its own: deny is a 403 naming policy, rule and message;
// warn lets the write through with a warning; audit only annotates; evaluation errors follow
// failurePolicy; tenants come from groups or a service account's namespace; the placement preview
// runs only for rules that read `cluster`; policies themselves are exempt.
import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { AdmissionRequest } from "../../apiserver/admission/chain.ts";
import type { ApiError } from "../../apiserver/errors.ts";
import type { ResourceType } from "../../apiserver/resources/resource-type.ts";
import { compilePolicy } from "../../policy/compile.ts";
import { RuleIndex } from "../../policy/rule-index.ts";
import { TENANT_LABEL } from "../../policy/tenant.ts";
import { hubResourceRegistry } from "../hub.ts";
import { policyAdmission, VIOLATIONS_ANNOTATION } from "./admission.ts";

const registry = hubResourceRegistry();
const rt = (group: string, version: string, plural: string): ResourceType =>
  registry.lookup(group, version, plural)!;

const namespaces: Record<string, KubeObject> = {
  "team-b": {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "team-b", labels: { [TENANT_LABEL]: "b" } },
  },
  "team-a": {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "team-a", labels: { [TENANT_LABEL]: "a" } },
  },
};

function plugin(specs: object[], preview = async (_o: KubeObject) => [] as Record<string, string>[]) {
  const policies = specs.map((spec, i) => {
    const r = compilePolicy({
      apiVersion: "mcp.platform/v1",
      kind: "ClusterPolicy",
      metadata: { name: `p${i}` },
      spec,
    });
    assert.ok(r.policy, JSON.stringify(r.causes));
    return r.policy;
  });
  const index = new RuleIndex(policies);
  return policyAdmission({
    rules: () => index,
    namespace: (n) => namespaces[n],
    preview,
    log: pino({ level: "silent" }),
  });
}

function configMapWrite(
  namespace: string,
  user = { name: "alice", groups: ["tenant:a"] },
  data: Record<string, string> = {},
): AdmissionRequest {
  const object: KubeObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "cm", namespace },
    data,
  };
  return {
    operation: "CREATE",
    resource: rt("", "v1", "configmaps"),
    subresource: "",
    namespace,
    name: "cm",
    object,
    user,
    dryRun: false,
    auditAnnotations: {},
  };
}

const tenantPolicy = { rules: [{ action: "deny", condition: "cross-tenant-access" }] };

test("deny: a 403 naming the policy, the rule and the message", async () => {
  const d = await plugin([tenantPolicy]).validate!(configMapWrite("team-b"));
  assert.equal(d.allowed, false);
  const err = d.error as ApiError;
  assert.equal(err.reason, "Forbidden");
  assert.equal(
    err.message,
    'configmaps "cm" is forbidden: denied by ClusterPolicy "p0" rule "cross-tenant-access": user alice of tenant a may not write ConfigMap team-b/cm: it belongs to tenant b',
  );
  const noted = JSON.parse(d.auditAnnotations![VIOLATIONS_ANNOTATION]);
  assert.deepEqual(noted[0].policy, "p0");
  assert.equal((await plugin([tenantPolicy]).validate!(configMapWrite("team-a"))).allowed, true);
});

test("a service account belongs to the tenant of its namespace", async () => {
  const sa = { name: "system:serviceaccount:team-a:deployer", groups: ["system:serviceaccounts"] };
  assert.equal((await plugin([tenantPolicy]).validate!(configMapWrite("team-b", sa))).allowed, false);
  const admin = { name: "admin", groups: ["system:masters"] };
  assert.equal((await plugin([tenantPolicy]).validate!(configMapWrite("team-b", admin))).allowed, true);
});

test("warn lets the write through with a warning; audit only annotates", async () => {
  const p = plugin([
    {
      rules: [{ name: "w", action: "warn", condition: "!has(object.data.owner)", message: "set data.owner" }],
    },
    { rules: [{ name: "a", action: "audit", condition: "true", message: "seen" }] },
  ]);
  const d = await p.validate!(configMapWrite("team-a"));
  assert.equal(d.allowed, true);
  assert.deepEqual(d.warnings, ['ClusterPolicy "p0" rule "w": set data.owner']);
  const noted = JSON.parse(d.auditAnnotations![VIOLATIONS_ANNOTATION]) as { rule: string; action: string }[];
  assert.deepEqual(
    noted.map((n) => `${n.rule}:${n.action}`),
    ["w:warn", "a:audit"],
  );
});

test("evaluation errors: Fail denies, Ignore allows (and both are annotated)", async () => {
  const spec = (failurePolicy: string) => ({
    failurePolicy,
    rules: [{ action: "deny", condition: "object.data.missing == 'x'" }],
  });
  const fail = await plugin([spec("Fail")]).validate!(configMapWrite("team-a"));
  assert.equal(fail.allowed, false);
  assert.match(
    (fail.error as ApiError).message,
    /could not be evaluated: No such key: missing \(failurePolicy Fail\)$/,
  );
  const ignore = await plugin([spec("Ignore")]).validate!(configMapWrite("team-a"));
  assert.equal(ignore.allowed, true);
  assert.match(ignore.auditAnnotations![VIOLATIONS_ANNOTATION], /"result":"error"/);
});

test("the placement preview runs only for rules that read `cluster`", async () => {
  let calls = 0;
  const preview = async () => {
    calls++;
    return [{ env: "prod" }, { env: "dev" }];
  };
  const p = plugin(
    [
      {
        rules: [
          { action: "deny", condition: "cluster.exists(c, c.env == 'prod') && !has(object.data.approved)" },
        ],
      },
    ],
    preview,
  );
  assert.equal((await p.validate!(configMapWrite("team-a"))).allowed, false);
  assert.equal((await p.validate!(configMapWrite("team-a", undefined, { approved: "yes" }))).allowed, true);
  assert.equal(calls, 2);
  const other = plugin([tenantPolicy], preview);
  await other.validate!(configMapWrite("team-a"));
  assert.equal(calls, 2, "no rule reads cluster: no preview");
});

test("policies, policy reports and subresources are not subject to policies", async () => {
  const p = plugin([{ rules: [{ action: "deny", condition: "true", match: { resources: ["*"] } }] }]);
  const policyWrite: AdmissionRequest = {
    ...configMapWrite(""),
    resource: rt("mcp.platform", "v1", "clusterpolicies"),
    namespace: "",
    object: { apiVersion: "mcp.platform/v1", kind: "ClusterPolicy", metadata: { name: "x" }, spec: {} },
  };
  assert.equal((await p.validate!(policyWrite)).allowed, true);
  assert.equal((await p.validate!({ ...configMapWrite("team-a"), subresource: "status" })).allowed, true);
  assert.equal((await p.validate!(configMapWrite("team-a"))).allowed, false);
});
