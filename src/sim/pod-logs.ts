// The pods/log subresource of a simulated cluster (`kubectl logs`): simulated containers write
// no real output, so each returns a few synthetic lines that say what it is and how it runs,
// honouring ?container=, ?tailLines= and ?timestamps=, with Kubernetes' errors for a missing
// pod or container.
import { errors } from "../apiserver/errors.ts";
import type { RequestContext } from "../apiserver/handlers/context.ts";

interface PodShape {
  spec?: { containers?: { name: string; image?: string }[]; nodeName?: string };
  status?: {
    phase?: string;
    startTime?: string;
    containerStatuses?: { name: string; restartCount?: number }[];
  };
}

export async function handlePodLogs(ctx: RequestContext): Promise<void> {
  if (ctx.info.verb !== "get") throw errors.methodNotAllowed("only GET is supported on pods/log");
  const pod = (await ctx.deps.objects.get(ctx.rt, ctx.info.namespace, ctx.info.name)) as PodShape & {
    metadata: { name?: string };
  };
  const containers = pod.spec?.containers ?? [];
  const wanted = ctx.query.get("container");
  if (!wanted && containers.length > 1)
    throw errors.badRequest(
      `a container name must be specified for pod ${ctx.info.name}, choose one of: [${containers.map((c) => c.name).join(" ")}]`,
    );
  const container = wanted ? containers.find((c) => c.name === wanted) : containers[0];
  if (!container) throw errors.badRequest(`container ${wanted} is not valid for pod ${ctx.info.name}`);
  if (pod.status?.phase === "Pending")
    throw errors.badRequest(
      `container "${container.name}" in pod "${ctx.info.name}" is waiting to start: ContainerCreating`,
    );
  const started = pod.status?.startTime ?? new Date().toISOString();
  const restarts = pod.status?.containerStatuses?.find((s) => s.name === container.name)?.restartCount ?? 0;
  let lines = [
    `simulated container ${container.name} (${container.image ?? "unknown image"}) started`,
    `running on node ${pod.spec?.nodeName ?? "<none>"} after ${restarts} restart(s)`,
    "ready to serve",
  ].map((l) => (ctx.query.get("timestamps") === "true" ? `${started} ${l}` : l));
  const tail = Number(ctx.query.get("tailLines") ?? "-1");
  if (Number.isInteger(tail) && tail >= 0) lines = lines.slice(Math.max(lines.length - tail, 0));
  const body = lines.map((l) => `${l}\n`).join("");
  ctx.res.writeHead(200, { "content-type": "text/plain", "content-length": String(Buffer.byteLength(body)) });
  ctx.res.end(body);
}
