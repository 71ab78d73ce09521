// The Job controller: runs up to `parallelism` pods at a time until `completions` of them have
// succeeded (the simulated kubelet finishes a Job's pods after a short run), then marks the Job
// Complete with completionTime. More failed pods than backoffLimit fail the Job; a suspended Job
// runs nothing. Status: startTime, active, ready, succeeded, failed, conditions. Events as the
// job-controller records them: SuccessfulCreate/SuccessfulDelete, Completed,
// BackoffLimitExceeded, Suspended, Resumed.
import type { KubeObject } from "../../apis/meta/types.ts";
import {
  type Controller,
  type ControllerEnv,
  createPod,
  deletePod,
  newQueue,
  recordEvent,
  writeStatus,
} from "./env.ts";
import {
  controllerRef,
  findCondition,
  isPodActive,
  isPodReady,
  isTerminating,
  keyOf,
  now,
  omitZero,
  podPhase,
  specOf,
  splitKey,
  statusOf,
} from "./objects.ts";
import { deletionOrder, podFromTemplate } from "./pods.ts";
import type { Condition, PodTemplate } from "./types.ts";

const COMPONENT = "job-controller";

interface JobSpec {
  parallelism?: number;
  completions?: number | null;
  backoffLimit?: number;
  suspend?: boolean;
  template?: PodTemplate;
}

interface JobStatus {
  startTime?: string;
  completionTime?: string;
  conditions?: Condition[];
  active?: number;
  ready?: number;
  succeeded?: number;
  failed?: number;
}

const finished = (s: JobStatus) =>
  (s.conditions ?? []).some((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");

function condition(type: string, reason?: string, message?: string): Condition {
  const at = now();
  return {
    type,
    status: "True",
    lastProbeTime: at,
    lastTransitionTime: at,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

export function startJobController(env: ControllerEnv): Controller {
  const { cache } = env;

  const jobPod = (job: KubeObject, spec: JobSpec) => {
    const uid = job.metadata.uid!;
    const name = job.metadata.name!;
    return podFromTemplate({
      owner: job,
      template: spec.template,
      // What the Job strategy puts on the template, in case no defaulting did.
      labels: {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "job-name": name,
      },
    });
  };

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const job = cache.jobs.get(namespace, name);
    if (!job || isTerminating(job)) return;
    const spec = specOf<JobSpec>(job);
    const old = statusOf<JobStatus>(job);
    const pods = cache.pods.byIndex("owner", job.metadata.uid!);
    let active = pods.filter(isPodActive);
    const succeeded = pods.filter((p) => podPhase(p) === "Succeeded").length;
    const failed = pods.filter((p) => podPhase(p) === "Failed").length;
    const parallelism = spec.parallelism ?? 1;
    // completions: null (set explicitly) means "a work queue": done when any pod succeeds.
    const completions =
      spec.completions === undefined && spec.parallelism === undefined ? 1 : spec.completions;
    let conditions = old.conditions ?? [];
    let completionTime = old.completionTime;
    const stopAll = async () => {
      for (const p of active) await deletePod(env, job, p, COMPONENT);
      active = [];
    };
    const say = (type: "Normal" | "Warning", reason: string, message: string) =>
      recordEvent(env, job, COMPONENT, { type, reason, message });
    if (finished(old)) {
      await stopAll();
    } else if (
      typeof completions === "number" ? succeeded >= completions : succeeded > 0 && active.length === 0
    ) {
      await stopAll();
      conditions = [...conditions, condition("Complete")];
      completionTime = now();
      say("Normal", "Completed", "Job completed");
    } else if (failed > (spec.backoffLimit ?? 6)) {
      await stopAll();
      conditions = [
        ...conditions,
        condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
      ];
      say("Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    } else if (spec.suspend) {
      await stopAll();
      if (findCondition(conditions, "Suspended")?.status !== "True") {
        conditions = [
          ...conditions.filter((c) => c.type !== "Suspended"),
          condition("Suspended", "JobSuspended", "Job suspended"),
        ];
        say("Normal", "Suspended", "Job suspended");
      }
    } else {
      if (findCondition(conditions, "Suspended")?.status === "True") {
        conditions = conditions.map((c) =>
          c.type === "Suspended"
            ? { ...condition("Suspended", "JobResumed", "Job resumed"), status: "False" }
            : c,
        );
        say("Normal", "Resumed", "Job resumed");
      }
      const want =
        typeof completions === "number"
          ? Math.min(parallelism, completions - succeeded)
          : succeeded > 0
            ? 0
            : parallelism;
      for (let i = active.length; i < want; i++)
        active.push(await createPod(env, job, jobPod(job, spec), COMPONENT));
      const extra = deletionOrder(active).slice(0, Math.max(0, active.length - want));
      for (const p of extra) await deletePod(env, job, p, COMPONENT);
      active = active.filter((p) => !extra.includes(p));
    }
    const status: JobStatus = {
      ...(old.startTime || !spec.suspend ? { startTime: old.startTime ?? now() } : {}),
      ...(completionTime ? { completionTime } : {}),
      ...omitZero({ active: active.length, succeeded, failed }),
      ready: active.filter(isPodReady).length,
      ...(conditions.length > 0 ? { conditions } : {}),
    };
    await writeStatus(env, job, { ...status, uncountedTerminatedPods: {} });
  };

  const queue = newQueue(env, "job", sync);
  cache.jobs.on((job) => queue.add(keyOf(job)));
  cache.pods.on((pod) => {
    const ref = controllerRef(pod);
    if (ref?.kind === "Job") queue.add(`${pod.metadata.namespace}/${ref.name}`);
  });
  return { name: "job", queue };
}
