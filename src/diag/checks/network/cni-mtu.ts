// What the CNI says about MTU, read from the objects Calico and Cilium install: the configured pod
// MTU and the encapsulation whose header eats into the underlay's MTU. Kept apart from the check
// so the rules (MCP-NET-002) read as policy, not parsing.
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { CheckContext } from "../../types.ts";
import { arr, find, list, rec, str } from "../objects.ts";

/** Bytes each encapsulation adds to a pod packet (outer IPv4 + UDP/tunnel headers). */
export const ENCAP_OVERHEAD: Record<string, number> = { vxlan: 50, geneve: 50, ipip: 20, none: 0 };

export interface CniMtu {
  cni: "calico" | "cilium";
  /** The ConfigMap that holds the setting, where the fix goes. */
  config: KubeObject;
  /** The MTU key in that ConfigMap. */
  key: string;
  /** Configured pod MTU; undefined when unset or 0 (auto-detected from the node, always safe). */
  mtu?: number;
  /** Encapsulation when the objects say which; undefined when it cannot be seen. */
  encap?: keyof typeof ENCAP_OVERHEAD;
  restart: string;
}

function positive(v: unknown): number | undefined {
  const n = Number.parseInt(str(v) ?? "", 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Calico manifests set the pool's encapsulation on calico-node's env; calico_backend vxlan implies VXLAN. */
function calicoEncap(ctx: CheckContext, data: Record<string, unknown>): CniMtu["encap"] {
  if (str(data.calico_backend) === "vxlan") return "vxlan";
  const ds = find(list(ctx, "daemonsets"), "kube-system", "calico-node");
  const env = new Map<string, string>();
  for (const c of arr(rec(rec(rec(rec(ds?.spec).template).spec)).containers)) {
    for (const e of arr(rec(c).env)) env.set(str(rec(e).name) ?? "", str(rec(e).value) ?? "");
  }
  const on = (v: string | undefined) => v === "Always" || v === "CrossSubnet";
  if (on(env.get("CALICO_IPV4POOL_VXLAN"))) return "vxlan";
  if (on(env.get("CALICO_IPV4POOL_IPIP"))) return "ipip";
  if (env.get("CALICO_IPV4POOL_IPIP") === "Never" && env.get("CALICO_IPV4POOL_VXLAN") !== undefined)
    return "none";
  return undefined;
}

/** Cilium: routing-mode native = no tunnel; tunnel-protocol (1.14+) or the older tunnel key name it. */
function ciliumEncap(data: Record<string, unknown>): CniMtu["encap"] {
  const routing = str(data["routing-mode"]);
  const tunnel = str(data["tunnel-protocol"]) ?? str(data.tunnel);
  if (routing === "native" || tunnel === "disabled") return "none";
  if (tunnel === "vxlan" || tunnel === "geneve") return tunnel;
  // routing-mode tunnel without a protocol uses Cilium's default, VXLAN.
  return routing === "tunnel" ? "vxlan" : undefined;
}

export function cniMtu(ctx: CheckContext): CniMtu | undefined {
  const cms = list(ctx, "configmaps");
  const calico = find(cms, "kube-system", "calico-config");
  if (calico) {
    const data = rec(calico.data);
    return {
      cni: "calico",
      config: calico,
      key: "veth_mtu",
      mtu: positive(data.veth_mtu),
      encap: calicoEncap(ctx, data),
      restart: "kubectl -n kube-system rollout restart daemonset calico-node",
    };
  }
  const cilium = find(cms, "kube-system", "cilium-config");
  if (cilium) {
    const data = rec(cilium.data);
    return {
      cni: "cilium",
      config: cilium,
      key: "mtu",
      mtu: positive(data.mtu),
      encap: ciliumEncap(data),
      restart: "kubectl -n kube-system rollout restart daemonset cilium",
    };
  }
  return undefined;
}
