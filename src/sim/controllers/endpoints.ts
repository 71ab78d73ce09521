// The endpoints and EndpointSlice controllers in one: for every Service with a selector, an
// Endpoints object (ready addresses and notReadyAddresses, grouped by resolved ports) and one
// discovery.k8s.io/v1 EndpointSlice (labelled kubernetes.io/service-name, owned by the Service,
// each endpoint with ready/serving/terminating conditions) list the matching pods that have an IP.
// Named target ports resolve against each pod's container ports. Services without a selector
// are left alone: their endpoints are whoever wrote them.
import { isDeepStrictEqual } from "node:util";
import type { KubeObject } from "../../apis/meta/types.ts";
import { type Controller, type ControllerEnv, create, mutate, newQueue, remove } from "./env.ts";
import {
  isPodReady,
  isPodTerminal,
  isTerminating,
  keyOf,
  labelsOf,
  podSpec,
  podStatus,
  specOf,
  splitKey,
} from "./objects.ts";

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

interface ServiceSpec {
  type?: string;
  selector?: Record<string, string>;
  ports?: ServicePort[];
  publishNotReadyAddresses?: boolean;
  clusterIP?: string;
}

interface Port {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

const SLICE_MANAGER = "endpointslice-controller.k8s.io";

function resolvePorts(svc: ServiceSpec, pod: KubeObject): Port[] {
  const out: Port[] = [];
  for (const p of svc.ports ?? []) {
    const target = p.targetPort ?? p.port;
    let port: number | undefined = typeof target === "number" ? target : Number(target) || undefined;
    if (port === undefined)
      port = (podSpec(pod).containers ?? [])
        .flatMap((c) => c.ports ?? [])
        .find((cp) => cp.name === target && (cp.protocol ?? "TCP") === (p.protocol ?? "TCP"))?.containerPort;
    if (port === undefined) continue;
    out.push({
      ...(p.name ? { name: p.name } : {}),
      port,
      protocol: p.protocol ?? "TCP",
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    });
  }
  return out;
}

const selects = (spec: ServiceSpec, pod: KubeObject) =>
  Object.entries(spec.selector ?? {}).every(([k, v]) => labelsOf(pod)[k] === v);

export function startEndpointsController(env: ControllerEnv): Controller {
  const { cache } = env;
  /** Services whose Endpoints this controller maintains. */
  const managed = new Set<string>();

  const targetRef = (pod: KubeObject) => ({
    kind: "Pod",
    namespace: pod.metadata.namespace,
    name: pod.metadata.name,
    uid: pod.metadata.uid,
  });

  const endpointsFor = (spec: ServiceSpec, pods: KubeObject[]) => {
    const subsets = new Map<string, { addresses: object[]; notReadyAddresses: object[]; ports: Port[] }>();
    for (const pod of pods) {
      const ports = resolvePorts(spec, pod);
      const sig = JSON.stringify(ports);
      const subset = subsets.get(sig) ?? { addresses: [], notReadyAddresses: [], ports };
      subsets.set(sig, subset);
      const address = {
        ip: podStatus(pod).podIP,
        nodeName: podSpec(pod).nodeName,
        targetRef: targetRef(pod),
      };
      (isPodReady(pod) || spec.publishNotReadyAddresses ? subset.addresses : subset.notReadyAddresses).push(
        address,
      );
    }
    return [...subsets.values()].map((s) => ({
      ...(s.addresses.length ? { addresses: s.addresses } : {}),
      ...(s.notReadyAddresses.length ? { notReadyAddresses: s.notReadyAddresses } : {}),
      ...(s.ports.length ? { ports: s.ports } : {}),
    }));
  };

  const sliceEndpoints = (spec: ServiceSpec, pods: KubeObject[]) =>
    pods.map((pod) => {
      const ready = isPodReady(pod) || !!spec.publishNotReadyAddresses;
      const zone = cache.nodes.get(undefined, podSpec(pod).nodeName ?? "")?.metadata.labels?.[
        "topology.kubernetes.io/zone"
      ];
      return {
        addresses: [podStatus(pod).podIP],
        conditions: { ready, serving: ready, terminating: false },
        nodeName: podSpec(pod).nodeName,
        targetRef: targetRef(pod),
        ...(zone ? { zone } : {}),
      };
    });

  /** Creates or updates `desired` (only the fields given) when it differs from `current`. */
  const apply = async (current: KubeObject | undefined, desired: KubeObject, fields: string[]) => {
    if (!current) return void (await create(env, desired));
    const same =
      fields.every((f) => isDeepStrictEqual(current[f], desired[f])) &&
      isDeepStrictEqual(current.metadata.labels ?? {}, desired.metadata.labels ?? {});
    if (same) return;
    await mutate(env, current, (cur) => {
      for (const f of fields) {
        if (desired[f] === undefined) delete cur[f];
        else cur[f] = desired[f];
      }
      cur.metadata.labels = desired.metadata.labels;
      return cur;
    });
  };

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const svc = cache.services.get(namespace, name);
    const endpoints = cache.endpoints.get(namespace, name);
    if (!svc || isTerminating(svc)) {
      // Slices are owned by the Service (the garbage collector takes them); Endpoints are not.
      // Only Endpoints this controller wrote go: others may be seeded before their Service.
      if (endpoints && !svc && managed.delete(key)) await remove(env, endpoints);
      return;
    }
    const spec = specOf<ServiceSpec>(svc);
    if (!spec.selector || Object.keys(spec.selector).length === 0 || spec.type === "ExternalName") return;
    const pods = cache.pods
      .list(namespace)
      .filter((p) => selects(spec, p) && podStatus(p).podIP && !isPodTerminal(p) && !isTerminating(p))
      .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
    const labels = {
      ...svc.metadata.labels,
      ...(spec.clusterIP === "None" ? { "service.kubernetes.io/headless": "" } : {}),
    };
    const subsets = endpointsFor(spec, pods);
    managed.add(key);
    await apply(
      endpoints,
      {
        apiVersion: "v1",
        kind: "Endpoints",
        metadata: { name, namespace, labels },
        ...(subsets.length ? { subsets } : {}),
      },
      ["subsets"],
    );
    const [slice, ...extra] = cache.endpointSlices
      .byIndex("service", key)
      .filter((s) => s.metadata.labels?.["endpointslice.kubernetes.io/managed-by"] === SLICE_MANAGER);
    for (const s of extra) await remove(env, s);
    await apply(
      slice,
      {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          generateName: `${name}-`,
          namespace,
          labels: {
            ...labels,
            "kubernetes.io/service-name": name,
            "endpointslice.kubernetes.io/managed-by": SLICE_MANAGER,
          },
          ownerReferences: [
            {
              apiVersion: "v1",
              kind: "Service",
              name,
              uid: svc.metadata.uid!,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        addressType: "IPv4",
        endpoints: sliceEndpoints(spec, pods),
        ports: pods.length > 0 ? resolvePorts(spec, pods[0]) : [],
      },
      ["addressType", "endpoints", "ports"],
    );
  };

  const queue = newQueue(env, "endpoints", sync);
  cache.services.on((svc) => queue.add(keyOf(svc)));
  cache.endpoints.on((ep) => queue.add(keyOf(ep)));
  cache.endpointSlices.on((slice) => {
    const svc = slice.metadata.labels?.["kubernetes.io/service-name"];
    if (svc) queue.add(`${slice.metadata.namespace}/${svc}`);
  });
  cache.pods.on((pod, old) => {
    for (const svc of cache.services.list(pod.metadata.namespace)) {
      const spec = specOf<ServiceSpec>(svc);
      if (!spec.selector) continue;
      if (selects(spec, pod) || (old && selects(spec, old))) queue.add(keyOf(svc));
    }
  });
  return { name: "endpoints", queue };
}
