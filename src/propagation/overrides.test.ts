import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { applicablePolicies, applyOverrides, OverrideError } from "./overrides.ts";
import { overrideImage, parseImage } from "./overrides-image.ts";

const cluster = (
  name: string,
  labels: Record<string, string> = {},
  spec: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: "mcp.platform/v1",
  kind: "Cluster",
  metadata: { name, labels },
  spec,
});

const deployment = (): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", labels: { app: "web" } },
  spec: {
    replicas: 2,
    template: {
      spec: {
        initContainers: [{ name: "init", image: "busybox" }],
        containers: [
          {
            name: "web",
            image: "registry.example/web:1.0",
            args: ["--a"],
            env: [{ name: "MODE", value: "prod" }],
          },
          { name: "side", image: "localhost:5000/tools/side@sha256:0123456789abcdef0123456789abcdef" },
        ],
      },
    },
  },
});

const policy = (
  kind: "OverridePolicy" | "ClusterOverridePolicy",
  name: string,
  spec: Record<string, unknown>,
  namespace = "shop",
): KubeObject => ({
  apiVersion: "mcp.platform/v1",
  kind,
  metadata: { name, ...(kind === "OverridePolicy" ? { namespace } : {}) },
  spec,
});

const containers = (m: KubeObject) =>
  (
    m.spec as {
      template: {
        spec: { containers: Record<string, unknown>[]; initContainers: Record<string, unknown>[] };
      };
    }
  ).template.spec;

describe("image references", () => {
  it("splits registry, repository, tag and digest", () => {
    assert.deepEqual(parseImage("nginx"), { repository: "nginx" });
    assert.deepEqual(parseImage("library/nginx:1.25"), { repository: "library/nginx", tag: "1.25" });
    assert.deepEqual(parseImage("localhost:5000/a/b:t@sha256:00"), {
      registry: "localhost:5000",
      repository: "a/b",
      tag: "t",
      digest: "sha256:00",
    });
  });

  it("changes one component with add, replace and remove", () => {
    assert.equal(
      overrideImage("registry.example/web:1.0", "Registry", "replace", "mirror.local"),
      "mirror.local/web:1.0",
    );
    assert.equal(
      overrideImage("registry.example/web:1.0", "Registry", "add", "-cn"),
      "registry.example-cn/web:1.0",
    );
    assert.equal(overrideImage("registry.example/web:1.0", "Registry", "remove"), "web:1.0");
    assert.equal(overrideImage("nginx", "Registry", "replace", "mirror.local"), "mirror.local/nginx");
    assert.equal(overrideImage("r.io/web:1.0", "Repository", "add", "-debug"), "r.io/web-debug:1.0");
    assert.equal(overrideImage("r.io/web:1.0", "Repository", "replace", "team/api"), "r.io/team/api:1.0");
    assert.equal(overrideImage("r.io/web:1.0", "Tag", "add", "-east"), "r.io/web:1.0-east");
    assert.equal(overrideImage("r.io/web:1.0", "Tag", "remove"), "r.io/web");
    assert.equal(overrideImage("r.io/web@sha256:00", "Tag", "replace", "2.0"), "r.io/web:2.0");
    assert.equal(
      overrideImage("r.io/web:1", "Tag", "replace", "sha256:0123456789abcdef0123456789abcdef"),
      "r.io/web@sha256:0123456789abcdef0123456789abcdef",
    );
    assert.throws(() => overrideImage("r.io/web", "Repository", "remove"), /cannot remove the repository/);
  });
});

describe("applyOverrides", () => {
  it("changes the image in one cluster only (targetCluster by name)", () => {
    const p = policy("OverridePolicy", "east-1", {
      resourceSelectors: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web" }],
      overrideRules: [
        {
          targetCluster: { clusterNames: ["east-1"] },
          overriders: { imageOverrider: [{ component: "Tag", operator: "replace", value: "1.1-east" }] },
        },
      ],
    });
    const east1 = applyOverrides(deployment(), cluster("east-1"), [p]);
    const east2 = applyOverrides(deployment(), cluster("east-2"), [p]);
    assert.deepEqual(
      containers(east1).containers.map((c) => c.image),
      ["registry.example/web:1.1-east", "localhost:5000/tools/side:1.1-east"],
    );
    assert.equal(containers(east1).initContainers[0].image, "busybox:1.1-east", "init containers too");
    assert.deepEqual(east2, deployment(), "the other cluster gets the template unchanged");
  });

  it("targets by labels, excludes and field selectors", () => {
    const p = policy("ClusterOverridePolicy", "eu", {
      overrideRules: [
        {
          targetCluster: {
            labelSelector: { matchLabels: { env: "prod" } },
            exclude: ["prod-3"],
            fieldSelector: { matchExpressions: [{ key: "region", operator: "In", values: ["eu"] }] },
          },
          overriders: { labelsOverrider: [{ operator: "add", value: { tier: "eu" } }] },
        },
      ],
    });
    const label = (c: KubeObject) => applyOverrides(deployment(), c, [p]).metadata.labels?.tier;
    assert.equal(label(cluster("prod-1", { env: "prod" }, { region: "eu" })), "eu");
    assert.equal(label(cluster("prod-2", { env: "prod", "topology.kubernetes.io/region": "eu" })), "eu");
    assert.equal(label(cluster("prod-3", { env: "prod" }, { region: "eu" })), undefined);
    assert.equal(label(cluster("prod-4", { env: "prod" }, { region: "us" })), undefined);
    assert.equal(label(cluster("dev-1", { env: "dev" }, { region: "eu" })), undefined);
  });

  it("runs ClusterOverridePolicies first, then OverridePolicies, each by name; rules in order", () => {
    const add = (v: string) => ({
      overriders: {
        imageOverrider: [
          {
            component: "Tag" as const,
            operator: "add" as const,
            value: v,
            predicate: { path: "/spec/template/spec/containers/0/image" },
          },
        ],
      },
    });
    const ps = [
      policy("OverridePolicy", "b", { overrideRules: [add("-b1"), add("-b2")] }),
      policy("OverridePolicy", "a", { overrideRules: [add("-a")] }),
      policy("ClusterOverridePolicy", "z", { overrideRules: [add("-z")] }),
      policy("OverridePolicy", "other-ns", { overrideRules: [add("-x")] }, "elsewhere"),
      policy("OverridePolicy", "other-kind", {
        resourceSelectors: [{ apiVersion: "v1", kind: "ConfigMap" }],
        overrideRules: [add("-y")],
      }),
    ];
    assert.deepEqual(
      applicablePolicies(ps, deployment()).map((p) => p.metadata.name),
      ["z", "a", "b"],
    );
    const m = applyOverrides(deployment(), cluster("c"), ps);
    assert.equal(containers(m).containers[0].image, "registry.example/web:1.0-z-a-b1-b2");
    assert.equal(
      containers(m).containers[1].image,
      "localhost:5000/tools/side@sha256:0123456789abcdef0123456789abcdef",
    );
  });

  it("within a rule: plaintext, image, command, args, env, labels, annotations", () => {
    const p = policy("OverridePolicy", "all", {
      resourceSelectors: [
        { apiVersion: "apps/v1", kind: "Deployment", labelSelector: { matchLabels: { app: "web" } } },
      ],
      overrideRules: [
        {
          overriders: {
            annotationsOverrider: [{ operator: "add", value: { note: "x" } }],
            labelsOverrider: [{ operator: "replace", value: { app: "web-eu" } }],
            envOverrider: [
              { containerName: "web", operator: "replace", value: [{ name: "MODE", value: "canary" }] },
              { containerName: "web", operator: "add", value: [{ name: "REGION", value: "eu" }] },
            ],
            argsOverrider: [
              { containerName: "web", operator: "remove", value: ["--a"] },
              { containerName: "web", operator: "add", value: ["--b"] },
            ],
            commandOverrider: [{ containerName: "web", operator: "add", value: ["/bin/web"] }],
            imageOverrider: [{ component: "Registry", operator: "replace", value: "mirror.local" }],
            // Runs first: the image overrider then sees the registry it set.
            plaintext: [
              {
                path: "/spec/template/spec/containers/0/image",
                operator: "replace",
                value: "other.io/web:2",
              },
              { path: "/spec/replicas", operator: "replace", value: 5 },
              { path: "/spec/paused", operator: "add", value: true },
            ],
          },
        },
      ],
    });
    const m = applyOverrides(deployment(), cluster("c"), [p]);
    const web = containers(m).containers[0];
    assert.equal(web.image, "mirror.local/web:2");
    assert.deepEqual(web.command, ["/bin/web"]);
    assert.deepEqual(web.args, ["--b"]);
    assert.deepEqual(web.env, [
      { name: "MODE", value: "canary" },
      { name: "REGION", value: "eu" },
    ]);
    assert.deepEqual(m.metadata.labels, { app: "web-eu" });
    assert.deepEqual(m.metadata.annotations, { note: "x" });
    assert.equal((m.spec as { replicas: number }).replicas, 5);
    assert.equal((m.spec as { paused: boolean }).paused, true);
  });

  it("a rule that cannot apply is an error naming the policy and rule; nothing is half-applied", () => {
    const p = policy("OverridePolicy", "bad", {
      overrideRules: [
        { overriders: { labelsOverrider: [{ operator: "add", value: { ok: "1" } }] } },
        {
          overriders: {
            labelsOverrider: [{ operator: "add", value: { partial: "1" } }],
            plaintext: [{ path: "/spec/missing/field", operator: "replace", value: 1 }],
          },
        },
      ],
    });
    const input = deployment();
    assert.throws(
      () => applyOverrides(input, cluster("c"), [p]),
      (e: unknown) => {
        assert.ok(e instanceof OverrideError);
        assert.equal(e.policy, "OverridePolicy shop/bad");
        assert.equal(e.rule, 1);
        assert.match(
          e.message,
          /^OverridePolicy shop\/bad rule 1: plaintext\[0\] replace \/spec\/missing\/field: path does not exist$/,
        );
        return true;
      },
    );
    assert.deepEqual(input, deployment(), "the input is not changed");
    const missingEnv = policy("ClusterOverridePolicy", "env", {
      overrideRules: [
        {
          overriders: {
            envOverrider: [{ containerName: "web", operator: "replace", value: [{ name: "NOPE" }] }],
          },
        },
      ],
    });
    assert.throws(
      () => applyOverrides(deployment(), cluster("c"), [missingEnv]),
      /ClusterOverridePolicy env rule 0: envOverrider\[0\]: container "web" has no env variable "NOPE"/,
    );
    const removeMissing = policy("OverridePolicy", "rm", {
      overrideRules: [
        { overriders: { plaintext: [{ path: "/metadata/annotations/none", operator: "remove" }] } },
      ],
    });
    assert.throws(
      () => applyOverrides(deployment(), cluster("c"), [removeMissing]),
      /rule 0: plaintext\[0\] remove/,
    );
    const badPredicate = policy("OverridePolicy", "img", {
      overrideRules: [
        {
          overriders: {
            imageOverrider: [
              { component: "Tag", operator: "replace", value: "x", predicate: { path: "/spec/nope/image" } },
            ],
          },
        },
      ],
    });
    assert.throws(
      () => applyOverrides(deployment(), cluster("c"), [badPredicate]),
      /imageOverrider\[0\]: predicate path \/spec\/nope\/image does not lead to an image string/,
    );
  });

  it("ignores manifests without containers for container overriders", () => {
    const cm: KubeObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "shop" },
      data: { a: "1" },
    };
    const p = policy("OverridePolicy", "img", {
      overrideRules: [
        {
          overriders: {
            imageOverrider: [{ component: "Tag", operator: "replace", value: "x" }],
            argsOverrider: [{ containerName: "web", operator: "add", value: ["x"] }],
          },
        },
      ],
    });
    assert.deepEqual(applyOverrides(cm, cluster("c"), [p]), cm);
  });
});
