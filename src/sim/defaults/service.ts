// Service defaulting and IP/port allocation, as kube-apiserver's Service REST storage does it:
// SetDefaults_Service (type, sessionAffinity, protocols, targetPort, traffic policies), a
// clusterIP from the service CIDR (10.96.0.0/12 by default, kubeadm's), single-stack IPv4, and
// nodePorts from 30000-32767. Allocations made earlier carry over when an update omits them.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { StatusCause } from "../../apiserver/errors.ts";
import { child, isRec, type Rec, records, setDefault, setDefaultString } from "./util.ts";

const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

/**
 * One cluster's allocated service IPs and node ports, each remembered with the Service that
 * holds it. Allocations are never released: the simulator has no delete hook, and the default
 * range holds a million addresses, so a deleted Service costs one unused entry.
 */
export class ServiceAllocator {
  readonly cidr: string;
  private readonly base: number;
  private readonly size: number;
  private readonly ips = new Map<number, string>();
  private readonly ports = new Map<number, string>();

  constructor(cidr = "10.96.0.0/12") {
    const [ip, bits] = cidr.split("/");
    const base = ipToInt(ip);
    if (base === undefined || !(Number(bits) >= 8 && Number(bits) <= 30))
      throw new Error(`bad service CIDR ${cidr}`);
    this.cidr = cidr;
    this.size = 2 ** (32 - Number(bits));
    this.base = base - (base % this.size);
  }

  /** A free address from the upper band (the lower one is kept for static IPs, as Kubernetes does). */
  allocateIp(owner: string): string {
    const lowBand = Math.min(Math.max(16, this.size / 16), 256);
    for (;;) {
      const offset = lowBand + Math.floor(Math.random() * (this.size - lowBand - 1));
      if (!this.ips.has(offset)) {
        this.ips.set(offset, owner);
        return intToIp(this.base + offset);
      }
    }
  }

  /** Claims a requested address; returns why it cannot be had, or undefined when it is now owner's. */
  claimIp(ip: string, owner: string): string | undefined {
    const n = ipToInt(ip);
    const offset = n === undefined ? -1 : n - this.base;
    if (offset <= 0 || offset >= this.size - 1)
      return `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr}`;
    const holder = this.ips.get(offset);
    if (holder !== undefined && holder !== owner) return "provided IP is already allocated";
    this.ips.set(offset, owner);
    return undefined;
  }

  allocateNodePort(owner: string): number {
    for (;;) {
      const port = NODE_PORT_MIN + Math.floor(Math.random() * (NODE_PORT_MAX - NODE_PORT_MIN + 1));
      if (!this.ports.has(port)) {
        this.ports.set(port, owner);
        return port;
      }
    }
  }

  claimNodePort(port: number, owner: string): string | undefined {
    if (!(Number.isInteger(port) && port >= NODE_PORT_MIN && port <= NODE_PORT_MAX))
      return `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`;
    const holder = this.ports.get(port);
    if (holder !== undefined && holder !== owner) return "provided port is already allocated";
    this.ports.set(port, owner);
    return undefined;
  }
}

const ownerOf = (obj: KubeObject) => `${obj.metadata.namespace ?? ""}/${obj.metadata.name ?? ""}`;
const usesNodePorts = (type: unknown) => type === "NodePort" || type === "LoadBalancer";

export function serviceDefaulter(alloc: ServiceAllocator) {
  return (obj: KubeObject, old: KubeObject | undefined): void => {
    const spec = child(obj as Rec, "spec");
    setDefaultString(spec, "type", "ClusterIP");
    setDefaultString(spec, "sessionAffinity", "None");
    if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
    else if (spec.sessionAffinity === "ClientIP")
      setDefault(child(child(spec, "sessionAffinityConfig"), "clientIP"), "timeoutSeconds", 10800);
    for (const p of records(spec.ports)) {
      setDefaultString(p, "protocol", "TCP");
      if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === "") p.targetPort = p.port;
    }
    const type = spec.type;
    if (usesNodePorts(type) || (Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0))
      setDefaultString(spec, "externalTrafficPolicy", "Cluster");
    if (type === "ClusterIP" || usesNodePorts(type))
      setDefaultString(spec, "internalTrafficPolicy", "Cluster");
    if (type === "LoadBalancer") setDefault(spec, "allocateLoadBalancerNodePorts", true);
    const oldSpec = isRec(old?.spec) ? old.spec : undefined;
    if (oldSpec) carryOver(spec, oldSpec);
    if (type !== "ExternalName") {
      if (!spec.clusterIP) spec.clusterIP = alloc.allocateIp(ownerOf(obj));
      setDefault(spec, "clusterIPs", [spec.clusterIP]);
      setDefault(spec, "ipFamilies", ["IPv4"]);
      setDefaultString(spec, "ipFamilyPolicy", "SingleStack");
      if (usesNodePorts(type) && spec.allocateLoadBalancerNodePorts !== false)
        for (const p of records(spec.ports))
          if (!p.nodePort) p.nodePort = alloc.allocateNodePort(ownerOf(obj));
    }
    setDefault(child(obj as Rec, "status"), "loadBalancer", {});
  };
}

/** PUT without the allocated fields keeps them (patchAllocatedValues in kube-apiserver). */
function carryOver(spec: Rec, oldSpec: Rec): void {
  if (spec.type === "ExternalName" || oldSpec.type === "ExternalName") return;
  if (!spec.clusterIP && oldSpec.clusterIP) {
    spec.clusterIP = oldSpec.clusterIP;
    if (spec.clusterIPs === undefined) spec.clusterIPs = oldSpec.clusterIPs;
  }
  if (spec.ipFamilies === undefined) spec.ipFamilies = oldSpec.ipFamilies;
  if (spec.ipFamilyPolicy === undefined) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
  if (!usesNodePorts(spec.type) || !usesNodePorts(oldSpec.type)) return;
  const oldPorts = records(oldSpec.ports);
  for (const p of records(spec.ports)) {
    if (p.nodePort) continue;
    const match = oldPorts.find((o) => o.port === p.port && (o.protocol ?? "TCP") === p.protocol);
    if (match?.nodePort) p.nodePort = match.nodePort;
  }
}

export function serviceValidator(alloc: ServiceAllocator) {
  return (obj: KubeObject, old: KubeObject | undefined): StatusCause[] => {
    const spec = (obj.spec ?? {}) as Rec;
    const oldSpec = (old?.spec ?? {}) as Rec;
    const causes: StatusCause[] = [];
    const ip = spec.clusterIP;
    if (old && oldSpec.clusterIP && ip !== oldSpec.clusterIP && spec.type !== "ExternalName")
      causes.push({
        reason: "FieldValueInvalid",
        field: "spec.clusterIPs[0]",
        message: `Invalid value: ${JSON.stringify(ip)}: may not change once set`,
      });
    else if (typeof ip === "string" && ip !== "None" && ip !== "") {
      const why = alloc.claimIp(ip, ownerOf(obj));
      if (why)
        causes.push({
          reason: "FieldValueInvalid",
          field: "spec.clusterIPs",
          message: `Invalid value: ["${ip}"]: failed to allocate IP ${ip}: ${why}`,
        });
    }
    records(spec.ports).forEach((p, i) => {
      if (typeof p.nodePort !== "number" || p.nodePort === 0) return;
      const why = alloc.claimNodePort(p.nodePort, ownerOf(obj));
      if (why)
        causes.push({
          reason: "FieldValueInvalid",
          field: `spec.ports[${i}].nodePort`,
          message: `Invalid value: ${p.nodePort}: ${why}`,
        });
    });
    return causes;
  };
}

function ipToInt(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}
