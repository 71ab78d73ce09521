// Printers for the networking kinds: Service (TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S)),
// Endpoints, EndpointSlice, Ingress, IngressClass and NetworkPolicy, as kubectl prints them.
import type { KubeObject } from "../../../apis/meta/types.ts";
import { formatLabelSelector, formatLabels, type LabelSelector } from "../../selectors/labels.ts";
import {
  AGE_COLUMN,
  age,
  column,
  get,
  list,
  listWithMore,
  NAME_COLUMN,
  num,
  record,
  str,
  strings,
  wide,
} from "../cells.ts";
import type { Printer, PrinterEntry } from "../types.ts";

const name = (obj: KubeObject) => obj.metadata.name ?? "";

/** Load-balancer ingress points: IPs or hostnames, de-duplicated and sorted. */
function loadBalancerAddresses(obj: KubeObject): string[] {
  const set = new Set<string>();
  for (const i of list(obj, "status.loadBalancer.ingress")) {
    const v = str(i, "ip") || str(i, "hostname");
    if (v) set.add(v);
  }
  return [...set].sort();
}

function externalIP(svc: KubeObject, type: string): string {
  const external = strings(svc, "spec.externalIPs");
  switch (type) {
    case "ClusterIP":
    case "NodePort":
      return external.length > 0 ? external.join(",") : "<none>";
    case "LoadBalancer": {
      // The server prints wide, so the load-balancer list is never clipped here.
      const all = [...loadBalancerAddresses(svc), ...external];
      return all.length > 0 ? all.join(",") : "<pending>";
    }
    case "ExternalName":
      return str(svc, "spec.externalName");
    default:
      return "<unknown>";
  }
}

function ports(svc: KubeObject): string {
  const pieces = list(svc, "spec.ports").map((p) => {
    const proto = str(p, "protocol") || "TCP";
    const nodePort = num(p, "nodePort");
    return nodePort > 0 ? `${num(p, "port")}:${nodePort}/${proto}` : `${num(p, "port")}/${proto}`;
  });
  return pieces.length > 0 ? pieces.join(",") : "<none>";
}

const service: Printer = {
  columns: [
    NAME_COLUMN,
    column("Type", "type determines how the Service is exposed."),
    column("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
    column(
      "External-IP",
      "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.",
    ),
    column("Port(s)", "The list of ports that are exposed by this service."),
    AGE_COLUMN,
    wide("Selector", "Route service traffic to pods with label keys and values matching this selector."),
  ],
  cells: (o, ctx) => {
    const type = str(o, "spec.type") || "ClusterIP";
    // v1 objects may carry only clusterIP; Kubernetes' conversion fills clusterIPs from it.
    const clusterIP = strings(o, "spec.clusterIPs")[0] ?? (str(o, "spec.clusterIP") || "<none>");
    return [
      name(o),
      type,
      clusterIP,
      externalIP(o, type),
      ports(o),
      age(o, ctx),
      formatLabels(record(o, "spec.selector")),
    ];
  },
};

/** formatEndpoints: up to three ip:port pairs, then "+ N more...". */
function endpointAddresses(obj: KubeObject): string {
  const subsets = list(obj, "subsets");
  if (subsets.length === 0) return "<none>";
  const all: string[] = [];
  for (const ss of subsets) {
    const ips = list(ss, "addresses").map((a) => str(a, "ip"));
    const ps = list(ss, "ports");
    if (ps.length === 0) all.push(...ips);
    for (const p of ps) {
      for (const ip of ips)
        all.push(ip.includes(":") ? `[${ip}]:${num(p, "port")}` : `${ip}:${num(p, "port")}`);
    }
  }
  return listWithMore(all, 3, "");
}

const endpoints: Printer = {
  columns: [
    NAME_COLUMN,
    column("Endpoints", "The set of all endpoints is the union of all subsets."),
    AGE_COLUMN,
  ],
  cells: (o, ctx) => [name(o), endpointAddresses(o), age(o, ctx)],
};

const endpointSlice: Printer = {
  columns: [
    NAME_COLUMN,
    column("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
    column("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
    column("Endpoints", "endpoints is a list of unique endpoints in this slice."),
    AGE_COLUMN,
  ],
  cells: (o, ctx) => {
    const slicePorts = list(o, "ports").map((p) =>
      typeof p.port === "number" ? String(p.port) : typeof p.name === "string" ? p.name : "*",
    );
    const addresses = list(o, "endpoints").flatMap((e) => strings(e, "addresses"));
    return [
      name(o),
      str(o, "addressType"),
      listWithMore(slicePorts, 3, "<unset>"),
      listWithMore(addresses, 3, "<unset>"),
      age(o, ctx),
    ];
  },
};

function ingressHosts(o: KubeObject): string {
  const rules = list(o, "spec.rules");
  // Hosts are collected until three are shown; host-less rules are skipped but still counted.
  const hosts: string[] = [];
  let more = false;
  for (const r of rules) {
    if (hosts.length === 3) more = true;
    if (!more && str(r, "host")) hosts.push(str(r, "host"));
  }
  if (hosts.length === 0) return "*";
  return more ? `${hosts.join(",")} + ${rules.length - 3} more...` : hosts.join(",");
}

const ingress: Printer = {
  columns: [
    NAME_COLUMN,
    column("Class", "The name of the IngressClass resource that should be used for additional configuration"),
    column("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
    column("Address", "Address is a list containing ingress points for the load-balancer"),
    column("Ports", "Ports of TLS configurations that open"),
    AGE_COLUMN,
  ],
  cells: (o, ctx) => [
    name(o),
    str(o, "spec.ingressClassName") || "<none>",
    ingressHosts(o),
    loadBalancerAddresses(o).join(","),
    list(o, "spec.tls").length > 0 ? "80, 443" : "80",
    age(o, ctx),
  ],
};

const ingressClass: Printer = {
  columns: [
    NAME_COLUMN,
    column("Controller", "Controller that is responsible for handling this class"),
    column("Parameters", "A reference to a resource with additional parameters"),
    AGE_COLUMN,
  ],
  cells: (o, ctx) => {
    const p = get(o, "spec.parameters");
    const group = str(p, "apiGroup");
    const params = p ? `${str(p, "kind")}${group ? `.${group}` : ""}/${str(p, "name")}` : "<none>";
    return [name(o), str(o, "spec.controller"), params, age(o, ctx)];
  },
};

const networkPolicy: Printer = {
  columns: [
    NAME_COLUMN,
    column("Pod-Selector", "Selects the pods to which this NetworkPolicy object applies."),
    AGE_COLUMN,
  ],
  // spec.podSelector is required; an empty one selects every pod in the namespace.
  cells: (o, ctx) => [
    name(o),
    formatLabelSelector((get(o, "spec.podSelector") ?? {}) as LabelSelector),
    age(o, ctx),
  ],
};

export const networkingPrinters: PrinterEntry[] = [
  { group: "", kind: "Service", printer: service },
  { group: "", kind: "Endpoints", printer: endpoints },
  { group: "discovery.k8s.io", kind: "EndpointSlice", printer: endpointSlice },
  { group: "networking.k8s.io", kind: "Ingress", printer: ingress },
  { group: "networking.k8s.io", kind: "IngressClass", printer: ingressClass },
  { group: "networking.k8s.io", kind: "NetworkPolicy", printer: networkPolicy },
];
