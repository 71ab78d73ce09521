// The controllers that make a simulated cluster's workloads behave: scheduler, kubelets,
// ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, endpoints, volume binding, disruption
// budgets, HorizontalPodAutoscalers, and the garbage collector. They share one informer cache per
// cluster and are event-driven: nothing polls per object. The only periodic work is one cheap
// check per cluster of the fault switches (plain sets the CLI and tests flip without telling
// anyone), and the HPA controller's sync period, only in clusters that have HPAs;
// faultsChanged() applies a fault change at once.

import { startGarbageCollector } from "../../apiserver/controllers/gc.ts";
import type { InformerLogger } from "../../apiserver/controllers/informer.ts";
import type { FaultState, SimController, SimControllerContext } from "../context.ts";
import { EventRecorder } from "../events/recorder.ts";
import { ClusterCache } from "./cluster-cache.ts";
import { startDaemonSetController } from "./daemonset.ts";
import { startDeploymentController } from "./deployment.ts";
import { startDisruptionController } from "./disruption.ts";
import { startEndpointsController } from "./endpoints.ts";
import type { Controller, ControllerEnv } from "./env.ts";
import { startHpaController } from "./hpa.ts";
import { startJobController } from "./job.ts";
import { startKubelet } from "./kubelet.ts";
import { startReplicaSetController } from "./replicaset.ts";
import { startScheduler } from "./scheduler.ts";
import { startStatefulSetController } from "./statefulset.ts";
import { startVolumeController } from "./volumes.ts";

const FAULT_CHECK_MS = 500;

export const CONTROLLERS: ((env: ControllerEnv) => Controller)[] = [
  startScheduler,
  startKubelet,
  startReplicaSetController,
  startDeploymentController,
  startStatefulSetController,
  startDaemonSetController,
  startJobController,
  startEndpointsController,
  startVolumeController,
  startDisruptionController,
  startHpaController,
];

export interface WorkloadControllers extends SimController {
  /** Applies a change to ctx.faults now instead of at the next periodic check. */
  faultsChanged(): void;
}

const faultSignature = (f: FaultState) => `${[...f.crashLoop].sort()}|${[...f.nodesNotReady].sort()}`;

export function startWorkloadControllers(
  ctx: SimControllerContext,
  starters: ((env: ControllerEnv) => Controller)[] = CONTROLLERS,
): WorkloadControllers {
  const log: InformerLogger = { warn: (o, m) => ctx.log.warn(o, m) };
  const cache = new ClusterCache();
  const env: ControllerEnv = {
    cluster: ctx.cluster,
    client: ctx.client,
    cache,
    profile: ctx.profile,
    faults: ctx.faults,
    log: ctx.log,
    events: ctx.events ?? new EventRecorder({ client: ctx.client, log: ctx.log }),
  };
  const controllers = starters.map((start) => start(env));
  const store = ctx.client.objects.store;
  cache.start(store, log);
  const gc = startGarbageCollector(store, ctx.client.registry, log);
  const synced = Promise.all([cache.synced, gc.synced]).then(() => {
    for (const c of controllers) c.queue.start();
  });

  let signature = faultSignature(ctx.faults);
  const faultsChanged = () => {
    signature = faultSignature(ctx.faults);
    for (const c of controllers) c.resync?.();
  };
  const faultCheck = setInterval(() => {
    if (faultSignature(ctx.faults) !== signature) faultsChanged();
  }, FAULT_CHECK_MS);
  faultCheck.unref();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(faultCheck);
      await Promise.all([cache.stop(), gc.stop(), ...controllers.map((c) => c.queue.stop())]);
    })();
    return stopping;
  };
  ctx.signal.addEventListener("abort", () => void stop(), { once: true });
  return { synced, stop, faultsChanged };
}
