// MCP-NET-002 — MTU mismatch between nodes and the CNI.
// A pod MTU that, plus the tunnel header, exceeds the underlay MTU makes large packets vanish
// (PMTU discovery is usually filtered), so small requests work while TLS handshakes and big
// responses hang; nodes with different underlay MTUs do the same between some node pairs only.
// The underlay MTU comes from the node annotation mcp.platform/mtu (set by the agent or the
// operator) and, where absent, the typical 1500 when the encapsulation is visible.
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { Check, Finding } from "../../types.ts";
import { list, nameOf, ref } from "../objects.ts";
import { type CniMtu, cniMtu, ENCAP_OVERHEAD } from "./cni-mtu.ts";

export const MTU_ANNOTATION = "mcp.platform/mtu";
const TYPICAL_UNDERLAY = 1500;

function nodeMtu(node: KubeObject): number | undefined {
  const n = Number.parseInt(node.metadata.annotations?.[MTU_ANNOTATION] ?? "", 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** The value most nodes have (the larger on a tie): the odd ones out are the mismatches. */
function commonMtu(mtus: number[]): number {
  const counts = new Map<number, number>();
  for (const m of mtus) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0];
}

function cniFix(cni: CniMtu, underlay: number): string {
  const safe = underlay - ENCAP_OVERHEAD[cni.encap ?? "none"];
  return (
    `kubectl -n kube-system patch configmap ${cni.config.metadata.name} -p '{"data":{"${cni.key}":"${safe}"}}' ` +
    `(or "0" to auto-detect), then ${cni.restart} and restart pods so their interfaces get the new MTU`
  );
}

export const mtuMismatch: Check = {
  code: "MCP-NET-002",
  area: "network",
  title: "MTU mismatch between nodes and CNI",
  severity: "warning",
  reads: ["nodes", "configmaps", "daemonsets"],
  description:
    "The CNI's pod MTU (calico-config veth_mtu, cilium-config mtu) plus its encapsulation overhead (VXLAN/Geneve " +
    `50, IPIP 20) exceeds a node's underlay MTU (annotation ${MTU_ANNOTATION}, else ${TYPICAL_UNDERLAY}) (error), ` +
    "or nodes report different underlay MTUs (warning). Large packets are then dropped between some pods.",
  run(ctx) {
    const cni = cniMtu(ctx);
    const overhead = ENCAP_OVERHEAD[cni?.encap ?? "none"];
    const needed = cni?.mtu !== undefined ? cni.mtu + overhead : undefined;
    const annotated = list(ctx, "nodes").filter((n) => nodeMtu(n) !== undefined);
    const common = annotated.length > 0 ? commonMtu(annotated.map((n) => nodeMtu(n) ?? 0)) : undefined;
    const out: Finding[] = [];
    for (const node of annotated) {
      const mtu = nodeMtu(node) ?? 0;
      const name = nameOf(node);
      if (cni && needed !== undefined && needed > mtu) {
        out.push({
          code: mtuMismatch.code,
          severity: "error",
          object: ref(node),
          message:
            `Node ${name} has underlay MTU ${mtu} but ${cni.cni} sends pod packets of ${cni.mtu} + ${overhead} ` +
            `bytes of ${cni.encap ?? "no"} encapsulation = ${needed}; larger packets are dropped.`,
          fix: cniFix(cni, Math.min(mtu, common ?? mtu)),
        });
      } else if (common !== undefined && mtu !== common) {
        out.push({
          code: mtuMismatch.code,
          severity: "warning",
          object: ref(node),
          message: `Node ${name} has underlay MTU ${mtu} while most nodes have ${common}; traffic between them can be dropped.`,
          fix:
            `Give node ${name}'s primary interface MTU ${common} (e.g. ip link set dev <nic> mtu ${common}, persisted in ` +
            `the node's network config), then kubectl annotate node ${name} ${MTU_ANNOTATION}=${common} --overwrite`,
        });
      }
    }
    // Without per-node facts, fall back to the typical underlay, but only when the tunnel is known.
    if (annotated.length === 0 && cni && cni.encap && needed !== undefined && needed > TYPICAL_UNDERLAY) {
      out.push({
        code: mtuMismatch.code,
        severity: "error",
        object: ref(cni.config),
        message:
          `ConfigMap ${nameOf(cni.config)} sets ${cni.key} ${cni.mtu}, which with ${cni.encap} (${overhead} bytes) ` +
          `exceeds the typical ${TYPICAL_UNDERLAY}-byte underlay MTU.`,
        fix: `${cniFix(cni, TYPICAL_UNDERLAY)}; if the underlay uses jumbo frames, record it: kubectl annotate node --all ${MTU_ANNOTATION}=<mtu>`,
      });
    }
    return out;
  },
};
