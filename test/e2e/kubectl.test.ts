// The real kubectl against a real hub, with the hub's own admin kubeconfig: what a platform
// engineer types on day one must work as it does against kube-apiserver — for ordinary
// templates (a Deployment), for MCP's own kinds (Cluster) and for CRDs.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ApiClient, apiClient } from "./support/api.ts";
import { type HubProcess, startHub } from "./support/hub.ts";
import { kubectl, kubectlOk, kubectlOkRetryingConflicts, kubectlWatch } from "./support/kubectl.ts";
import { clusterYaml, deploymentYaml, manifestFile } from "./support/manifests.ts";
import { eventually } from "./support/wait.ts";

let hub: HubProcess;
let api: ApiClient;
const k = (args: string[], input?: string) => kubectl(args, { kubeconfig: hub.kubeconfigPath, input });
const ok = (args: string[], input?: string) => kubectlOk(args, { kubeconfig: hub.kubeconfigPath, input });
const file = (name: string, text: string) => manifestFile(hub.dataDir, name, text);
const jsonpath = (args: string[], path: string) => ok([...args, "-o", `jsonpath=${path}`]);

before(async () => {
  hub = await startHub();
  api = await apiClient(hub.kubeconfigPath);
});
after(async () => {
  await hub?.close();
});

test("kubectl api-resources lists clusters.mcp.platform as a cluster-scoped kind", async () => {
  const out = await ok(["api-resources", "--api-group=mcp.platform"]);
  const row = out.split("\n").find((l) => /^clusters\s/.test(l));
  assert.ok(row, `no clusters row in:\n${out}`);
  assert.match(row, /\bmcp\.platform\/v1\s+false\s+Cluster\s*$/);
  const names = await ok(["api-resources", "-o", "name"]);
  assert.ok(names.split("\n").includes("clusters.mcp.platform"), names);
  assert.ok(names.split("\n").includes("deployments.apps"), names);
});

describe("a Deployment template", () => {
  test("create -f, get, replace -f, delete -f", async () => {
    const path = await file("web.yaml", deploymentYaml({ name: "web", replicas: 2 }));
    assert.match(await ok(["create", "-f", path]), /^deployment\.apps\/web created$/m);

    const table = await ok(["get", "deployments"]);
    assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    assert.match(table, /^web\s+0\/2\s+/m);

    const again = await k(["create", "-f", path]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /AlreadyExists|already exists/);

    const replaced = await file("web-3.yaml", deploymentYaml({ name: "web", replicas: 3 }));
    assert.match(await ok(["replace", "-f", replaced]), /deployment\.apps\/web replaced/);
    assert.equal(await jsonpath(["get", "deploy", "web"], "{.spec.replicas}"), "3");

    assert.match(await ok(["delete", "-f", replaced]), /deployment\.apps "web" deleted/);
    const gone = await k(["get", "deploy", "web"]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /NotFound.*"web" not found/);
  });

  test("apply --server-side: create, conflict without --force-conflicts, takeover with it", async () => {
    const mine = await file("ssa-web.yaml", deploymentYaml({ name: "ssa-web", replicas: 2 }));
    assert.match(
      await ok(["apply", "--server-side", "-f", mine]),
      /deployment\.apps\/ssa-web serverside-applied/,
    );
    assert.equal(await jsonpath(["get", "deploy", "ssa-web"], "{.spec.replicas}"), "2");
    const rvBefore = await jsonpath(["get", "deploy", "ssa-web"], "{.metadata.resourceVersion}");

    const theirs = await file("ssa-web-5.yaml", deploymentYaml({ name: "ssa-web", replicas: 5 }));
    const conflict = await k(["apply", "--server-side", "--field-manager=other", "-f", theirs]);
    assert.notEqual(conflict.code, 0, conflict.stdout);
    assert.match(conflict.stderr, /conflict/i);
    assert.match(conflict.stderr, /\.spec\.replicas/);
    assert.match(conflict.stderr, /"kubectl"/, "names the manager that owns the field");
    assert.equal(await jsonpath(["get", "deploy", "ssa-web"], "{.spec.replicas}"), "2");
    assert.equal(await jsonpath(["get", "deploy", "ssa-web"], "{.metadata.resourceVersion}"), rvBefore);

    const forced = ["apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", theirs];
    assert.match(await ok(forced), /serverside-applied/);
    assert.equal(await jsonpath(["get", "deploy", "ssa-web"], "{.spec.replicas}"), "5");
    const managers = await jsonpath(
      ["get", "deploy", "ssa-web", "--show-managed-fields"],
      "{.metadata.managedFields[*].manager}",
    );
    assert.ok(managers.split(" ").includes("other"), managers);

    // Re-applying an unchanged manifest is a no-op, not a conflict.
    assert.match(
      await ok(["apply", "--server-side", "--field-manager=other", "-f", theirs]),
      /serverside-applied/,
    );
    await ok(["delete", "-f", theirs]);
  });

  test("kubectl label and annotate", async () => {
    await ok(["create", "-f", "-"], deploymentYaml({ name: "meta-web" }));
    assert.match(
      await ok(["label", "deploy", "meta-web", "tier=frontend"]),
      /deployment\.apps\/meta-web labeled/,
    );
    assert.equal(
      await ok(["get", "deploy", "-l", "tier=frontend", "-o", "name"]),
      "deployment.apps/meta-web\n",
    );

    const clash = await k(["label", "deploy", "meta-web", "tier=backend"]);
    assert.notEqual(clash.code, 0, "changing a label needs --overwrite");
    assert.match(clash.stderr, /already has a value \(frontend\)/);
    await ok(["label", "deploy", "meta-web", "tier=backend", "--overwrite"]);
    assert.equal(await jsonpath(["get", "deploy", "meta-web"], "{.metadata.labels.tier}"), "backend");
    await ok(["label", "deploy", "meta-web", "tier-"]);
    assert.equal(await ok(["get", "deploy", "-l", "tier", "-o", "name"]), "");

    const gen = await jsonpath(["get", "deploy", "meta-web"], "{.metadata.generation}");
    assert.match(await ok(["annotate", "deploy", "meta-web", "owner=team-a"]), /annotated/);
    assert.equal(await jsonpath(["get", "deploy", "meta-web"], "{.metadata.annotations.owner}"), "team-a");
    // Metadata-only changes are not a new spec: generation stays (rollouts key off it).
    assert.equal(await jsonpath(["get", "deploy", "meta-web"], "{.metadata.generation}"), gen);
    await ok(["delete", "deploy", "meta-web"]);
  });

  test("kubectl patch --type=merge, --type=json and --type=strategic", async () => {
    await ok(["create", "-f", "-"], deploymentYaml({ name: "patched", replicas: 2 }));

    await ok(["patch", "deploy", "patched", "--type=merge", "-p", '{"spec":{"replicas":4}}']);
    assert.equal(await jsonpath(["get", "deploy", "patched"], "{.spec.replicas}"), "4");

    const jsonPatch =
      '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.26"}]';
    await ok(["patch", "deploy", "patched", "--type=json", "-p", jsonPatch]);
    assert.equal(
      await jsonpath(["get", "deploy", "patched"], "{.spec.template.spec.containers[0].image}"),
      "nginx:1.26",
    );

    const badJson = await k([
      "patch",
      "deploy",
      "patched",
      "--type=json",
      "-p",
      '[{"op":"test","path":"/spec/replicas","value":9}]',
    ]);
    assert.notEqual(badJson.code, 0, "a failing JSON-patch test op rejects the whole patch");
    assert.equal(await jsonpath(["get", "deploy", "patched"], "{.spec.replicas}"), "4");

    // Strategic merge merges containers by name: adding a sidecar keeps "web" and its port,
    // and patching web's image keeps the sidecar (a merge patch would replace the list).
    const sidecar =
      '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}}}';
    await ok(["patch", "deploy", "patched", "--type=strategic", "-p", sidecar]);
    const image = '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}';
    await ok(["patch", "deploy", "patched", "-p", image]); // strategic is kubectl's default
    const res = await api.request("GET", "/apis/apps/v1/namespaces/default/deployments/patched");
    const containers = res.json<{ spec: { template: { spec: { containers: Record<string, unknown>[] } } } }>()
      .spec.template.spec.containers;
    const byName = Object.fromEntries(containers.map((c) => [c.name, c]));
    assert.deepEqual(Object.keys(byName).sort(), ["sidecar", "web"]);
    assert.equal(byName.web.image, "nginx:1.27");
    assert.deepEqual(byName.web.ports, [{ containerPort: 80 }]);
    assert.equal(byName.sidecar.image, "busybox:1.36");
    await ok(["delete", "deploy", "patched"]);
  });

  test("kubectl get -w shows a Deployment created by another kubectl", async () => {
    await ok(["create", "-f", "-"], deploymentYaml({ name: "watch-first", namespace: "kube-public" }));
    const w = kubectlWatch(["get", "deployments", "-n", "kube-public", "-w"], {
      kubeconfig: hub.kubeconfigPath,
    });
    try {
      await w.waitForLine((l) => l.startsWith("watch-first "));
      await ok(
        ["create", "-f", "-"],
        deploymentYaml({ name: "watch-second", namespace: "kube-public", replicas: 3 }),
      );
      const row = await w.waitForLine((l) => l.startsWith("watch-second "));
      assert.match(row, /^watch-second\s+0\/3\s+/);
    } finally {
      await w.stop();
    }
    await ok(["delete", "deploy", "watch-first", "watch-second", "-n", "kube-public"]);
  });
});

describe("a mcp.platform/v1 Cluster", () => {
  test("create -f, get -o wide, replace -f, delete -f", async () => {
    const path = await file(
      "east.yaml",
      clusterYaml({ name: "east-1", mode: "Push", labels: { region: "us-east", env: "prod" } }),
    );
    assert.match(await ok(["create", "-f", path]), /^cluster\.mcp\.platform\/east-1 created$/m);

    const wide = await ok(["get", "clusters", "-o", "wide"]);
    const [header, ...rows] = wide.trim().split("\n");
    const cols = header.split(/\s{2,}/);
    for (const c of ["NAME", "MODE", "READY", "REGION", "AGE", "ENDPOINT"])
      assert.ok(cols.includes(c), header);
    const row = rows.find((r) => r.startsWith("east-1 "));
    assert.ok(row, wide);
    const cell = (name: string) => row.split(/\s{2,}/)[cols.indexOf(name)].trim();
    assert.equal(cell("MODE"), "Push");
    assert.equal(cell("REGION"), "us-east");
    assert.equal(cell("ENDPOINT"), "https://10.0.0.1:6443");
    const narrow = (await ok(["get", "clusters"])).split("\n")[0];
    assert.ok(!narrow.includes("ENDPOINT"), "ENDPOINT is a wide-only column");

    // Defaults are visible to the user right after create.
    assert.equal(await jsonpath(["get", "cluster", "east-1"], "{.spec.syncInterval}"), "30s");

    const replaced = await file(
      "east-pull.yaml",
      clusterYaml({ name: "east-1", mode: "Pull", syncInterval: "1m", labels: { region: "us-east" } }),
    );
    // The push poller writes the new Cluster's status (its endpoint is unreachable) at a moment
    // of its own choosing, which can fall between replace's read and its write.
    const replace = await kubectlOkRetryingConflicts(["replace", "-f", replaced], {
      kubeconfig: hub.kubeconfigPath,
    });
    assert.match(replace, /cluster\.mcp\.platform\/east-1 replaced/);
    assert.equal(await jsonpath(["get", "mc", "east-1"], "{.spec.mode} {.spec.syncInterval}"), "Pull 1m");

    assert.match(await ok(["delete", "-f", replaced]), /cluster\.mcp\.platform "east-1" deleted/);
    const gone = await k(["get", "cluster", "east-1"]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /not found/);
  });

  test("apply --server-side: conflict on spec.mode without --force-conflicts, success with it", async () => {
    const mine = await file("ssa-c.yaml", clusterYaml({ name: "ssa-c", mode: "Push" }));
    assert.match(
      await ok(["apply", "--server-side", "-f", mine]),
      /cluster\.mcp\.platform\/ssa-c serverside-applied/,
    );

    const theirs = await file("ssa-c-pull.yaml", clusterYaml({ name: "ssa-c", mode: "Pull" }));
    const conflict = await k(["apply", "--server-side", "--field-manager=other", "-f", theirs]);
    assert.notEqual(conflict.code, 0, conflict.stdout);
    assert.match(conflict.stderr, /conflict/i);
    assert.match(conflict.stderr, /\.spec\.mode/);
    assert.equal(await jsonpath(["get", "cluster", "ssa-c"], "{.spec.mode}"), "Push");

    await ok(["apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", theirs]);
    assert.equal(await jsonpath(["get", "cluster", "ssa-c"], "{.spec.mode}"), "Pull");
    assert.match(await ok(["delete", "-f", theirs]), /deleted/);
  });

  test("get -l selects clusters by label (equality and set-based)", async () => {
    const fleet = [
      clusterYaml({ name: "sel-a", labels: { region: "us-east", env: "prod" } }),
      clusterYaml({ name: "sel-b", labels: { region: "eu-west", env: "dev" } }),
      clusterYaml({ name: "sel-c", labels: { region: "ap-south", env: "prod" } }),
      clusterYaml({ name: "sel-d", labels: { region: "us-east" } }),
    ].join("---\n");
    await ok(["create", "-f", await file("fleet.yaml", fleet)]);
    const names = async (selector: string) =>
      (await ok(["get", "clusters", "-l", selector, "-o", "name"])).trim().split("\n").filter(Boolean).sort();
    assert.deepEqual(await names("env=prod"), ["cluster.mcp.platform/sel-a", "cluster.mcp.platform/sel-c"]);
    assert.deepEqual(await names("env=prod,region=us-east"), ["cluster.mcp.platform/sel-a"]);
    assert.deepEqual(await names("region in (eu-west,ap-south)"), [
      "cluster.mcp.platform/sel-b",
      "cluster.mcp.platform/sel-c",
    ]);
    assert.deepEqual(await names("region=us-east,!env"), ["cluster.mcp.platform/sel-d"]);
    assert.deepEqual(await names("env!=prod,region"), [
      "cluster.mcp.platform/sel-b",
      "cluster.mcp.platform/sel-d",
    ]);
    const none = await k(["get", "clusters", "-l", "env=staging"]);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, "");
    assert.match(none.stderr, /No resources found/);
    const bad = await k(["get", "clusters", "-l", "env==="]);
    assert.notEqual(bad.code, 0, "an unparsable selector is an error, not an empty list");
    await ok(["delete", "-f", await file("fleet.yaml", fleet)]);
  });

  test("get -w --output-watch-events shows ADDED, MODIFIED and DELETED made by another kubectl", async () => {
    await ok(["create", "-f", "-"], clusterYaml({ name: "w-existing" }));
    const w = kubectlWatch(["get", "clusters", "-w", "--output-watch-events"], {
      kubeconfig: hub.kubeconfigPath,
    });
    try {
      await w.waitForLine((l) => /^ADDED\s+w-existing\s/.test(l));
      await ok(
        ["create", "-f", "-"],
        clusterYaml({ name: "w-new", mode: "Pull", labels: { region: "eu-west" } }),
      );
      const added = await w.waitForLine((l) => /^ADDED\s+w-new\s/.test(l));
      assert.match(added, /\bPull\b.*\beu-west\b/);
      await ok(["label", "cluster", "w-new", "region=us-west", "--overwrite"]);
      // Controllers may also update the cluster (status); wait for the row showing our change.
      await w.waitForLine((l) => /^MODIFIED\s+w-new\s/.test(l) && /\bus-west\b/.test(l));
      await ok(["delete", "cluster", "w-new"]);
      await w.waitForLine((l) => /^DELETED\s+w-new\s/.test(l));
    } finally {
      await w.stop();
    }
    await ok(["delete", "cluster", "w-existing"]);
  });
});

test("kubectl create namespace / delete namespace removes the namespace and its content", async () => {
  assert.match(await ok(["create", "namespace", "scratch"]), /namespace\/scratch created/);
  await ok(["create", "configmap", "settings", "-n", "scratch", "--from-literal=a=b"]);
  await ok(["create", "-f", "-"], deploymentYaml({ name: "app", namespace: "scratch" }));
  assert.match(await ok(["get", "all", "-n", "scratch", "-o", "name"]), /deployment\.apps\/app/);

  assert.match(await ok(["delete", "namespace", "scratch", "--wait=false"]), /namespace "scratch" deleted/);
  await eventually(
    async () => {
      const r = await k(["get", "namespace", "scratch"]);
      assert.notEqual(r.code, 0, `still there: ${r.stdout}`);
      assert.match(r.stderr, /not found/);
    },
    { what: "namespace scratch to disappear", timeoutMs: 20_000 },
  );
  // Its content went with it: the same name, recreated, starts empty.
  await ok(["create", "namespace", "scratch"]);
  for (const path of [
    "/api/v1/namespaces/scratch/configmaps",
    "/apis/apps/v1/namespaces/scratch/deployments",
  ]) {
    const list = await api.request("GET", path);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json<{ items: unknown[] }>().items, [], `${path} after recreate`);
  }
  await ok(["delete", "namespace", "scratch"]);
});

test("a CRD applied with kubectl serves its custom resources", async () => {
  const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList, shortNames: [wd]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              color: {type: string}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
`;
  assert.match(
    await ok(["apply", "-f", await file("crd.yaml", crd)]),
    /customresourcedefinition\.apiextensions\.k8s\.io\/widgets\.example\.com created/,
  );
  await ok(["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=20s"]);

  const widget = (name: string, size: string) =>
    `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: ${name}, namespace: default}\nspec: {size: ${size}, color: red}\n`;
  assert.match(
    await ok(["create", "-f", await file("w1.yaml", widget("w1", "3"))]),
    /widget\.example\.com\/w1 created/,
  );
  await ok(["create", "-f", "-"], widget("w2", "7"));

  const table = await ok(["get", "widgets"]);
  // As kube-apiserver: declared printer columns replace the default AGE column.
  assert.match(table, /^NAME\s+SIZE$/m);
  assert.match(table, /^w1\s+3\s+/m);
  assert.match(table, /^w2\s+7\s+/m);
  assert.equal(await ok(["get", "wd", "-o", "name"]), "widget.example.com/w1\nwidget.example.com/w2\n");
  assert.match(
    await ok(["api-resources", "--api-group=example.com"]),
    /^widgets\s+wd\s+example\.com\/v1\s+true\s+Widget/m,
  );

  const bad = await k(["create", "-f", "-"], widget("w3", '"big"'));
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /spec\.size/);
  assert.equal((await ok(["get", "widgets", "-o", "name"])).trim().split("\n").length, 2);

  await ok(["delete", "widget", "w1", "w2"]);
});
