// Every built-in condition, on an object that violates it and one that does not, through the
// same compile → match → evaluate path as the hub's admission; plus the messages users read.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { builtinConditions } from "./builtins.ts";
import { compilePolicy } from "./compile.ts";
import { evaluateRules, type RequestInfo } from "./evaluate.ts";
import { type MatchOperation, matches } from "./match.ts";
import { TENANT_LABEL } from "./tenant.ts";

interface Case {
  object?: KubeObject;
  oldObject?: KubeObject;
  namespaceObject?: KubeObject;
  request?: Partial<RequestInfo>;
  params?: Record<string, unknown>;
}

const PLURAL: Record<string, string> = { Namespace: "namespaces", ConfigMap: "configmaps", Pod: "pods" };

/** The built-in's outcome for the case: "violation: <message>", "pass", or "not matched". */
function run(condition: string, c: Case): string {
  const r = compilePolicy({
    apiVersion: "mcp.platform/v1",
    kind: "ClusterPolicy",
    metadata: { name: "p" },
    spec: { rules: [{ action: "deny", condition, ...(c.params ? { params: c.params } : {}) }] },
  });
  assert.ok(r.policy, JSON.stringify(r.causes));
  const obj = (c.object ?? c.oldObject)!;
  const [group] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [""];
  const operation = (c.request?.operation ??
    (c.oldObject ? (c.object ? "UPDATE" : "DELETE") : "CREATE")) as MatchOperation;
  const request: RequestInfo = {
    user: "alice",
    groups: [],
    tenant: "",
    operation,
    namespace: obj.metadata.namespace ?? "",
    name: obj.metadata.name ?? "",
    kind: obj.kind,
    apiGroup: group,
    resource: PLURAL[obj.kind] ?? `${obj.kind.toLowerCase()}s`,
    ...c.request,
  };
  const rule = r.policy.rules[0];
  const target = {
    group,
    kind: obj.kind,
    resource: request.resource,
    namespaced: obj.kind !== "Namespace",
    namespace: request.namespace,
    name: request.name,
    operation,
    labels: c.object?.metadata.labels ?? {},
    namespaceLabels: c.namespaceObject?.metadata.labels ?? {},
  };
  if (!matches(rule.match, target)) return "not matched";
  const [o] = evaluateRules([rule], { ...c, request });
  return o.result === "violation"
    ? `violation: ${o.message}`
    : o.result === "pass"
      ? "pass"
      : `error: ${o.message}`;
}

const ns = (name: string, tenant?: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, ...(tenant ? { labels: { [TENANT_LABEL]: tenant } } : {}) },
});

function deployment(containers: object[], extra: object = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop" },
    spec: { template: { spec: { containers, ...extra } } },
  };
}

const limits = { resources: { limits: { cpu: "1", memory: "1Gi" } } };

test("the data file holds every condition the brief names", () => {
  for (const name of [
    "cross-tenant-access",
    "privileged-containers",
    "host-path-volumes",
    "latest-image-tag",
    "missing-resource-limits",
    "required-labels",
  ])
    assert.ok(builtinConditions().has(name), name);
});

describe("cross-tenant-access", () => {
  const alice = { user: "alice", groups: ["tenant:team-a"], tenant: "team-a" };
  test("a tenant relabelling or writing into another tenant's namespace is a violation", () => {
    assert.equal(
      run("cross-tenant-access", {
        object: ns("b-prod", "team-b"),
        oldObject: ns("b-prod", "team-b"),
        request: alice,
      }),
      "violation: user alice of tenant team-a may not write Namespace b-prod: it belongs to tenant team-b",
    );
    assert.match(
      run("cross-tenant-access", { object: ns("mine", "team-b"), request: alice }),
      /may not write Namespace mine: it belongs to tenant team-b/,
    );
    assert.match(
      run("cross-tenant-access", { oldObject: ns("b-prod", "team-b"), request: alice }),
      /violation/,
      "deleting another tenant's namespace",
    );
    const cm: KubeObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "b-prod" },
    };
    assert.equal(
      run("cross-tenant-access", { object: cm, namespaceObject: ns("b-prod", "team-b"), request: alice }),
      "violation: user alice of tenant team-a may not write ConfigMap b-prod/c: it belongs to tenant team-b",
    );
  });
  test("own namespaces, unowned namespaces and users without a tenant pass", () => {
    assert.equal(run("cross-tenant-access", { object: ns("a-dev", "team-a"), request: alice }), "pass");
    assert.equal(run("cross-tenant-access", { object: ns("scratch"), request: alice }), "pass");
    assert.equal(
      run("cross-tenant-access", {
        object: ns("b-prod", "team-b"),
        request: { user: "admin", groups: [], tenant: "" },
      }),
      "pass",
    );
  });
});

describe("pod-spec conditions", () => {
  test("privileged-containers", () => {
    const bad = deployment([
      { name: "ok", image: "a:1" },
      { name: "root", image: "a:1", securityContext: { privileged: true } },
    ]);
    assert.equal(run("privileged-containers", { object: bad }), "violation: privileged containers: root");
    assert.equal(
      run("privileged-containers", {
        object: deployment([{ name: "x", securityContext: { privileged: false } }]),
      }),
      "pass",
    );
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "shop" },
      spec: {
        initContainers: [{ name: "init", securityContext: { privileged: true } }],
        containers: [{ name: "c" }],
      },
    };
    assert.equal(run("privileged-containers", { object: pod }), "violation: privileged containers: init");
    const cm: KubeObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "shop" },
    };
    assert.equal(run("privileged-containers", { object: cm }), "not matched");
  });

  test("host-path-volumes", () => {
    const bad = deployment([{ name: "c" }], {
      volumes: [
        { name: "data", hostPath: { path: "/var/lib" } },
        { name: "e", emptyDir: {} },
      ],
    });
    assert.equal(run("host-path-volumes", { object: bad }), "violation: hostPath volumes: data (/var/lib)");
    assert.equal(
      run("host-path-volumes", {
        object: deployment([{ name: "c" }], { volumes: [{ name: "e", emptyDir: {} }] }),
      }),
      "pass",
    );
  });

  test("host-namespaces", () => {
    assert.equal(
      run("host-namespaces", { object: deployment([{ name: "c" }], { hostNetwork: true, hostPID: true }) }),
      "violation: shares the node's hostNetwork, hostPID",
    );
    assert.equal(
      run("host-namespaces", { object: deployment([{ name: "c" }], { hostNetwork: false }) }),
      "pass",
    );
  });

  test("latest-image-tag", () => {
    const bad = deployment([
      { name: "a", image: "nginx" },
      { name: "b", image: "registry:5000/team/app:latest" },
      { name: "c", image: "registry:5000/team/app:1.2" },
      { name: "d", image: "app@sha256:abc" },
    ]);
    assert.equal(
      run("latest-image-tag", { object: bad }),
      "violation: images without a pinned tag: a=nginx, b=registry:5000/team/app:latest",
    );
    assert.equal(
      run("latest-image-tag", { object: deployment([{ name: "c", image: "registry:5000/app:1.2" }]) }),
      "pass",
    );
  });

  test("missing-resource-limits", () => {
    const bad = deployment([
      { name: "ok", ...limits },
      { name: "nocpu", resources: { limits: { memory: "1Gi" } } },
      { name: "none" },
    ]);
    assert.equal(
      run("missing-resource-limits", { object: bad }),
      "violation: containers without cpu and memory limits: nocpu, none",
    );
    assert.equal(run("missing-resource-limits", { object: deployment([{ name: "ok", ...limits }]) }), "pass");
  });
});

test("required-labels reads params.labels", () => {
  const cm = (labels: Record<string, string>): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "c", namespace: "shop", labels },
  });
  const params = { labels: ["team", "env"] };
  assert.equal(
    run("required-labels", { object: cm({ team: "x" }), params }),
    "violation: missing required labels: env",
  );
  assert.equal(run("required-labels", { object: cm({ team: "x", env: "prod" }), params }), "pass");
  assert.equal(
    run("required-labels", {
      object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } },
      params,
    }),
    "violation: missing required labels: team, env",
  );
});
