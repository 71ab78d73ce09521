// The placement preview behind the `cluster` variable: which policy wins for an object and which
// clusters its placement keeps, by the scheduler's documented rules.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { placementPreview } from "./placement-preview.ts";

const list = (items: KubeObject[]) => ({ all: () => items });

const cluster = (name: string, labels: Record<string, string>, spec: object = {}): KubeObject => ({
  apiVersion: "mcp.platform/v1",
  kind: "Cluster",
  metadata: { name, labels: { name, ...labels } },
  spec: { hubAcceptsClient: true, ...spec },
});

const pp = (name: string, namespace: string | undefined, spec: object): KubeObject => ({
  apiVersion: "mcp.platform/v1",
  kind: namespace ? "PropagationPolicy" : "ClusterPropagationPolicy",
  metadata: { name, ...(namespace ? { namespace } : {}) },
  spec,
});

const deployment: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", labels: { app: "web" } },
};

const clusters = list([
  cluster("east-1", { region: "east", env: "prod" }),
  cluster("east-2", { region: "east", env: "dev" }),
  cluster("west-1", { region: "west", env: "prod" }, { region: "us-west" }),
  cluster("tainted", { region: "east" }, { taints: [{ key: "maintenance", effect: "NoSchedule" }] }),
  cluster("waiting", { region: "east" }, { hubAcceptsClient: false }),
]);

const selectDeployments = [{ apiVersion: "apps/v1", kind: "Deployment" }];

test("no policy selects the object: no clusters", async () => {
  const preview = placementPreview({
    propagationPolicies: list([]),
    clusterPropagationPolicies: list([]),
    clusters,
  });
  assert.deepEqual(await preview(deployment), []);
});

test("affinity by labels keeps accepted, untainted clusters", async () => {
  const preview = placementPreview({
    propagationPolicies: list([]),
    clusterPropagationPolicies: list([
      pp("east", undefined, {
        resourceSelectors: selectDeployments,
        placement: { clusterAffinity: { labelSelector: { matchLabels: { region: "east" } } } },
      }),
    ]),
    clusters,
  });
  assert.deepEqual(
    (await preview(deployment)).map((l) => l.name),
    ["east-1", "east-2"],
  );
});

test("a namespaced policy beats a cluster-wide one; tolerations and field selectors apply", async () => {
  const preview = placementPreview({
    propagationPolicies: list([
      pp("mine", "shop", {
        resourceSelectors: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web" }],
        placement: {
          clusterAffinity: { exclude: ["east-2"] },
          clusterTolerations: [{ key: "maintenance", operator: "Exists" }],
        },
      }),
      pp("elsewhere", "other", { resourceSelectors: selectDeployments }),
    ]),
    clusterPropagationPolicies: list([pp("all", undefined, { resourceSelectors: selectDeployments })]),
    clusters,
  });
  assert.deepEqual(
    (await preview(deployment)).map((l) => l.name),
    ["east-1", "tainted", "west-1"],
  );
  const byRegion = placementPreview({
    propagationPolicies: list([]),
    clusterPropagationPolicies: list([
      pp("west", undefined, {
        resourceSelectors: selectDeployments,
        placement: {
          clusterAffinity: {
            fieldSelector: { matchExpressions: [{ key: "region", operator: "In", values: ["us-west"] }] },
          },
        },
      }),
    ]),
    clusters,
  });
  assert.deepEqual(
    (await byRegion(deployment)).map((l) => l.name),
    ["west-1"],
  );
});

test("higher priority wins, then an explicit name, then the first by name", async () => {
  const placeOn = (names: string[]) => ({ clusterAffinity: { clusterNames: names } });
  const preview = placementPreview({
    propagationPolicies: list([]),
    clusterPropagationPolicies: list([
      pp("a-labels", undefined, {
        resourceSelectors: [
          { apiVersion: "apps/v1", kind: "Deployment", labelSelector: { matchLabels: { app: "web" } } },
        ],
        placement: placeOn(["east-1"]),
      }),
      pp("b-named", undefined, {
        resourceSelectors: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web" }],
        placement: placeOn(["east-2"]),
      }),
      pp("c-low", undefined, {
        priority: -1,
        resourceSelectors: selectDeployments,
        placement: placeOn(["west-1"]),
      }),
    ]),
    clusters,
  });
  assert.deepEqual(
    (await preview(deployment)).map((l) => l.name),
    ["east-2"],
  );
});
