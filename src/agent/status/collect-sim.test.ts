// The collector against mcp-sim clusters: real HTTPS with the cluster's own CA, a token from the
// generated kubeconfig, and kube-system as the simulator seeds it (kubeadm-like).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { SimFleet } from "../../sim/fleet.ts";
import { fleetProfiles } from "../../sim/profile.ts";
import { ClusterUnreachableError, collectClusterStatus } from "./collect.ts";

test("collects a simulated Calico and a simulated Cilium cluster through their kubeconfigs", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "mcp-sim-collect-"));
  const profiles = fleetProfiles(
    ["calico-1", "cilium-1"],
    { nodes: 4 },
    {
      clusters: [{ match: ["cilium-*"], overrides: { cni: { name: "cilium" }, kubeProxyMode: "ipvs" } }],
    },
  );
  const fleet = await SimFleet.start({ profiles, outDir: dir, startControllers: false });
  t.after(async () => {
    await fleet.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const load = (name: string) => {
    const kc = new KubeConfig();
    kc.loadFromFile(fleet.kubeconfigPath(name));
    return kc;
  };

  const calico = await collectClusterStatus(load("calico-1"));
  const p = profiles[0];
  assert.equal(calico.kubernetesVersion, p.kubernetesVersion);
  assert.deepEqual(calico.nodes, { total: 4, ready: 4 });
  assert.equal(calico.capacity?.pods, String(4 * p.nodePods));
  assert.equal(calico.components.etcdVersion, p.etcdVersion.replace(/^v/, ""));
  assert.deepEqual(calico.components.cni, { name: "calico", version: p.cni.version });
  assert.equal(calico.components.kubeProxyMode, p.kubeProxyMode);
  assert.equal(calico.components.coreDNSReplicas?.desired, p.coreDNSReplicas);
  assert.deepEqual(calico.components.mtu, { "*": p.cni.mtu });
  assert.deepEqual(calico.notes, []);

  const cilium = await collectClusterStatus(load("cilium-1"));
  assert.equal(cilium.components.cni?.name, "cilium");
  assert.equal(cilium.components.cni?.version, profiles[1].cni.version);
  assert.equal(cilium.components.kubeProxyMode, "ipvs");
  assert.deepEqual(cilium.components.mtu, { "*": profiles[1].cni.mtu });

  // The same cluster with another CA is unreachable, and says why.
  const good = load("calico-1");
  const wrongCa = new KubeConfig();
  wrongCa.loadFromOptions({
    clusters: [{ ...good.getCurrentCluster()!, caData: load("cilium-1").getCurrentCluster()!.caData }],
    users: good.users,
    contexts: good.contexts,
    currentContext: good.currentContext,
  });
  await assert.rejects(collectClusterStatus(wrongCa), (e: unknown) => {
    assert.ok(e instanceof ClusterUnreachableError);
    assert.equal(e.kind, "tls");
    assert.match(e.message, /x509: certificate signed by unknown authority/);
    return true;
  });
});
