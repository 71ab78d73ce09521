// A simulated metrics-server: metrics.k8s.io/v1beta1 NodeMetrics ("nodes", cluster-scoped) and
// PodMetrics ("pods", namespaced), get and list only, as kubernetes-sigs/metrics-server serves
// them to `kubectl top` and HPAs. Usage comes from usage.ts at request time. As metrics-server:
// lists honour label and field (metadata.name/namespace) selectors and leave out what has no
// metrics yet; a get of such an object is NotFound; `kubectl get podmetrics` prints a Table
// (Name, cpu, memory, Window).
import type { KubeObject } from "../../apis/meta/types.ts";
import { errors } from "../../apiserver/errors.ts";
import type { RequestContext } from "../../apiserver/handlers/context.ts";
import { compileFilter } from "../../apiserver/handlers/filters.ts";
import { renderList, renderObject } from "../../apiserver/handlers/render.ts";
import { writeBody } from "../../apiserver/http/respond.ts";
import type { ResourceType } from "../../apiserver/resources/resource-type.ts";
import type { SubresourceHandler } from "../../apiserver/server.ts";
import { TABLE_API_VERSION, type Table, type TableCell } from "../../apiserver/table/types.ts";
import { rfc3339 } from "../events/shapes.ts";
import { parseQuantity } from "../quantity.ts";
import { bytesQuantity, cpuQuantity, goDuration } from "./format.ts";
import { nodeUsage, podUsage, sharedLoads, sharers, type UsageContext } from "./usage.ts";

export const METRICS_GROUP = "metrics.k8s.io";
export const METRICS_VERSION = "v1beta1";
const API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

function metricsType(kind: string, plural: string, namespaced: boolean): ResourceType {
  return Object.freeze({
    group: METRICS_GROUP,
    version: METRICS_VERSION,
    kind,
    listKind: `${kind}List`,
    plural,
    // No singular name: kubectl then guesses "podmetrics" / "nodemetrics" from the kind, which
    // is how `kubectl get podmetrics` finds these.
    singular: "",
    namespaced,
    verbs: ["get", "list"],
    subresources: [],
    builtin: true,
    source: "builtin" as const,
  });
}

/** Discovery entries of the metrics API (served by the handlers below, never stored). */
export const metricsResourceTypes = (): ResourceType[] => [
  metricsType("NodeMetrics", "nodes", false),
  metricsType("PodMetrics", "pods", true),
];

export interface MetricsApiOptions extends UsageContext {
  now?: () => number;
}

const quantities = (cpuNanos: number, memoryBytes: number) => ({
  cpu: cpuQuantity(cpuNanos),
  memory: bytesQuantity(memoryBytes),
});

const byName = (a: KubeObject, b: KubeObject) =>
  `${a.metadata.namespace ?? ""}/${a.metadata.name}` < `${b.metadata.namespace ?? ""}/${b.metadata.name}`
    ? -1
    : 1;

/** The ApiServer `handlers` serving metrics.k8s.io, keyed "<group>/<plural>". */
export function metricsApiHandlers(opts: MetricsApiOptions): Record<string, SubresourceHandler> {
  const now = opts.now ?? Date.now;
  /** The usage context of one request; `peers` are the pods that may share a {total} load. */
  const usageOf = (peers: readonly KubeObject[]): UsageContext => ({
    ...opts,
    sharers: sharers(peers, opts.faults),
  });

  const podMetrics = (pod: KubeObject, at: number, ctx: UsageContext): KubeObject | undefined => {
    const u = podUsage(pod, at, ctx);
    if (!u) return undefined;
    return {
      apiVersion: API_VERSION,
      kind: "PodMetrics",
      metadata: {
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        creationTimestamp: rfc3339(at),
        ...(pod.metadata.labels ? { labels: pod.metadata.labels } : {}),
      },
      timestamp: rfc3339(u.timestampMs),
      window: goDuration(u.windowMs),
      containers: u.containers.map((c) => ({ name: c.name, usage: quantities(c.cpuNanos, c.memoryBytes) })),
    };
  };

  const nodeMetrics = (node: KubeObject, pods: KubeObject[], at: number): KubeObject | undefined => {
    const onNode = pods.filter(
      (p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === node.metadata.name,
    );
    const u = nodeUsage(node, onNode, at, usageOf(pods));
    if (!u) return undefined;
    return {
      apiVersion: API_VERSION,
      kind: "NodeMetrics",
      metadata: {
        name: node.metadata.name,
        creationTimestamp: rfc3339(at),
        ...(node.metadata.labels ? { labels: node.metadata.labels } : {}),
      },
      timestamp: rfc3339(u.timestampMs),
      window: goDuration(u.windowMs),
      usage: quantities(u.cpuNanos, u.memoryBytes),
    };
  };

  const podType = (ctx: RequestContext) => ctx.deps.registry.lookup("", "v1", "pods")!;
  const nodeType = (ctx: RequestContext) => ctx.deps.registry.lookup("", "v1", "nodes")!;
  const listOf = async (ctx: RequestContext, rt: ResourceType, namespace?: string) =>
    (await ctx.deps.objects.range(rt, namespace, {})).items;

  const pods: SubresourceHandler = async (ctx) => {
    const at = now();
    const { namespace, name } = ctx.info;
    if (ctx.info.verb === "get") {
      const pod = await ctx.deps.objects.get(podType(ctx), namespace, name);
      const peers = sharedLoads(opts.faults) ? await listOf(ctx, podType(ctx), namespace) : [];
      const m = podMetrics(pod, at, usageOf(peers));
      if (!m) throw errors.notFound({ group: METRICS_GROUP, resource: "pods", name: `${namespace}/${name}` });
      return reply(ctx, m);
    }
    mustList(ctx);
    const filter = compileFilter(ctx);
    const all = await listOf(ctx, podType(ctx), namespace || undefined);
    const usage = usageOf(all);
    const items = all.filter(filter).sort(byName);
    return replyList(
      ctx,
      items.flatMap((p) => podMetrics(p, at, usage) ?? []),
    );
  };

  const nodes: SubresourceHandler = async (ctx) => {
    const at = now();
    const all = await listOf(ctx, podType(ctx));
    if (ctx.info.verb === "get") {
      const node = await ctx.deps.objects.get(nodeType(ctx), undefined, ctx.info.name);
      const m = nodeMetrics(node, all, at);
      if (!m) throw errors.notFound({ group: METRICS_GROUP, resource: "nodes", name: ctx.info.name });
      return reply(ctx, m);
    }
    mustList(ctx);
    const filter = compileFilter(ctx);
    const items = (await listOf(ctx, nodeType(ctx))).filter(filter).sort(byName);
    return replyList(
      ctx,
      items.flatMap((n) => nodeMetrics(n, all, at) ?? []),
    );
  };

  return { [`${METRICS_GROUP}/pods`]: pods, [`${METRICS_GROUP}/nodes`]: nodes };
}

function mustList(ctx: RequestContext): void {
  if (ctx.info.verb !== "list")
    throw errors.methodNotAllowed(`${ctx.info.verb} is not supported on ${ctx.rt.plural}.${METRICS_GROUP}`);
}

function reply(ctx: RequestContext, obj: KubeObject): void {
  const body = ctx.neg.transform === "table" ? table(ctx, [obj]) : renderObject(ctx, obj);
  writeBody(ctx.res, 200, body, { encoding: ctx.neg.encoding });
}

function replyList(ctx: RequestContext, items: KubeObject[]): void {
  const list = { apiVersion: API_VERSION, kind: ctx.rt.listKind, metadata: {}, items };
  const body = ctx.neg.transform === "table" ? table(ctx, items) : renderList(ctx, list);
  writeBody(ctx.res, 200, body, { encoding: ctx.neg.encoding });
}

/** metrics-server's ConvertToTable: a pod's usage is the sum of its containers'. */
function table(ctx: RequestContext, items: KubeObject[]): Table {
  const column = (name: string, format: string, description = "") => ({
    name,
    type: "string",
    format,
    description,
    priority: 0,
  });
  const include = ctx.query.get("includeObject") ?? "Metadata";
  const rows = items.map((o) => {
    let cpu = 0;
    let memory = 0;
    const containers = (o.containers ?? [{ usage: o.usage }]) as { usage: { cpu: string; memory: string } }[];
    for (const c of containers) {
      cpu += Math.round((parseQuantity(c.usage.cpu) ?? 0) * 1e9);
      memory += parseQuantity(c.usage.memory) ?? 0;
    }
    const cells: TableCell[] = [
      o.metadata.name ?? "",
      cpuQuantity(cpu),
      bytesQuantity(memory),
      String(o.window),
    ];
    const object =
      include === "None"
        ? undefined
        : include === "Object"
          ? o
          : { kind: "PartialObjectMetadata" as const, apiVersion: TABLE_API_VERSION, metadata: o.metadata };
    return { cells, ...(object ? { object } : {}) };
  });
  return {
    kind: "Table",
    apiVersion: TABLE_API_VERSION,
    metadata: {},
    columnDefinitions: [
      column("Name", "name", "Name of the resource"),
      column("cpu", "quantity"),
      column("memory", "quantity"),
      column("Window", "duration"),
    ],
    rows,
  };
}
