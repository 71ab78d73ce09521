// Binding a pod to a node, as kube-scheduler does through the pods/binding subresource and
// kube-apiserver's BindingREST carries it out: not a pod update (which may not touch
// spec.nodeName, see defaults/immutable.ts) but a compare-and-swap on the stored pod that sets
// spec.nodeName and the PodScheduled=True condition, refused when the pod is being deleted,
// already bound or still gated. Pod validation is not run, exactly as upstream's binding skips it.
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError } from "../../apiserver/errors.ts";
import type { ControllerEnv } from "./env.ts";
import { now, podSpec, podStatus, refOf, setCondition } from "./objects.ts";

/** Why BindingREST would refuse to bind the pod as it is now, if it would. */
function refusal(pod: KubeObject): string | undefined {
  const name = pod.metadata.name;
  if (pod.metadata.deletionTimestamp) return `pod ${name} is being deleted, cannot be assigned to a host`;
  const bound = podSpec(pod).nodeName;
  if (bound) return `pod ${name} is already assigned to node "${bound}"`;
  if ((podSpec(pod).schedulingGates?.length ?? 0) > 0)
    return `pod ${name} has non-empty .spec.schedulingGates`;
  return undefined;
}

/**
 * Binds `pod` (the scheduler's cached copy) to `nodeName`; retried on conflicting writes as
 * GuaranteedUpdate does. Returns the bound pod, or undefined when it is gone, was replaced, or may
 * not be bound (already bound, terminating, gated): the scheduler then has nothing to do.
 */
export async function bindPod(
  env: ControllerEnv,
  pod: KubeObject,
  nodeName: string,
): Promise<KubeObject | undefined> {
  const rt = env.client.type(pod.apiVersion, pod.kind);
  let current: KubeObject | undefined = pod;
  for (let attempt = 0; ; attempt++) {
    if (!current || current.metadata.uid !== pod.metadata.uid) return undefined;
    const why = refusal(current);
    if (why) {
      env.log.debug({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, why }, "not binding");
      return undefined;
    }
    const status = podStatus(current);
    const bound: KubeObject = {
      ...current,
      spec: { ...podSpec(current), nodeName },
      status: {
        ...status,
        conditions: setCondition(status.conditions, {
          type: "PodScheduled",
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: now(),
        }),
      },
    };
    try {
      const out = await env.client.objects.update(rt, bound, Number(current.metadata.resourceVersion));
      env.cache.observe(out);
      return out;
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === "Conflict") || attempt >= 10) throw e;
      current = await env.client.get(refOf(pod));
    }
  }
}
