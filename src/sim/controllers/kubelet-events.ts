// What a simulated kubelet reports about a pod's containers, with the kubelet's reasons and
// messages: Pulling and Pulled (a node pulls an image once; later pods, and kube-system's add-ons
// whose images come with the node, find it "already present on machine", unless imagePullPolicy
// is Always), Created and Started, and BackOff while a container crash-loops. Events carry source {kubelet, <node>} and the container's fieldPath.
import type { KubeObject } from "../../apis/meta/types.ts";
import { type ControllerEnv, recordEvent } from "./env.ts";
import { podSpec } from "./objects.ts";
import type { Container } from "./types.ts";

const COMPONENT = "kubelet";

/** Go's time.Duration.String() for whole milliseconds ("823ms", "1.5s", "1m2.25s"). */
export function goDuration(ms: number): string {
  if (ms <= 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = ((ms % 60_000) / 1000).toFixed(3).replace(/\.?0+$/, "");
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

/** A stable, plausible compressed image size (10–200 MB) for the Pulled message. */
function imageSize(image: string): number {
  let h = 2166136261;
  for (let i = 0; i < image.length; i++) h = Math.imul(h ^ image.charCodeAt(i), 16777619) >>> 0;
  return 10_000_000 + (h % 190_000_000);
}

const containersOf = (pod: KubeObject): Container[] => [
  ...(podSpec(pod).initContainers ?? []),
  ...(podSpec(pod).containers ?? []),
];

const fieldPath = (pod: KubeObject, c: Container) =>
  (podSpec(pod).initContainers ?? []).includes(c)
    ? `spec.initContainers{${c.name}}`
    : `spec.containers{${c.name}}`;

export class KubeletEvents {
  private readonly env: ControllerEnv;
  /** Node → images it holds. */
  private readonly images = new Map<string, Set<string>>();
  /** Pod uid → its containers whose image is being pulled (between Pulling and Pulled). */
  private readonly pulling = new Map<string, Set<string>>();
  /** "Created container: x" since Kubernetes 1.32; "Created container x" before. */
  private readonly createdSep: string;

  constructor(env: ControllerEnv) {
    this.env = env;
    const minor = Number(/^v?\d+\.(\d+)/.exec(env.profile.kubernetesVersion)?.[1] ?? 0);
    this.createdSep = minor >= 32 ? ": " : " ";
  }

  private say(
    pod: KubeObject,
    node: string,
    c: Container,
    info: { type?: "Warning"; reason: string; message: string },
  ) {
    recordEvent(this.env, pod, COMPONENT, { ...info, host: node, fieldPath: fieldPath(pod, c) });
  }

  /** The pod was just bound to `node` and its containers are being created. */
  creating(pod: KubeObject, node: string): void {
    const held = this.images.get(node) ?? new Set<string>();
    this.images.set(node, held);
    const pulls = new Set<string>();
    // Node images ship the cluster's own add-ons (kind and kubeadm pre-pull them).
    const preloaded = pod.metadata.namespace === "kube-system";
    for (const c of containersOf(pod)) {
      const image = c.image ?? "";
      const always = (c as { imagePullPolicy?: string }).imagePullPolicy === "Always";
      if ((held.has(image) || preloaded) && !always) continue;
      held.add(image);
      pulls.add(c.name);
      this.say(pod, node, c, { reason: "Pulling", message: `Pulling image "${image}"` });
    }
    if (pulls.size > 0) this.pulling.set(pod.metadata.uid!, pulls);
  }

  /** The pod's containers are running after `pullMs` of pulling and creating. */
  started(pod: KubeObject, node: string, pullMs: number): void {
    const pulls = this.pulling.get(pod.metadata.uid!);
    this.pulling.delete(pod.metadata.uid!);
    for (const c of containersOf(pod)) {
      const image = c.image ?? "";
      const took = goDuration(Math.round(pullMs));
      this.say(pod, node, c, {
        reason: "Pulled",
        message: pulls?.has(c.name)
          ? `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${imageSize(image)} bytes.`
          : `Container image "${image}" already present on machine`,
      });
      this.say(pod, node, c, { reason: "Created", message: `Created container${this.createdSep}${c.name}` });
      this.say(pod, node, c, { reason: "Started", message: `Started container ${c.name}` });
    }
  }

  /**
   * A crash-looping container failed (again) and waits out its back-off; unless this was its
   * first start (reported by started()), it was pulled, created and started once more.
   */
  restarted(pod: KubeObject, node: string, opts: { firstStart: boolean }): void {
    this.pulling.delete(pod.metadata.uid!);
    const m = pod.metadata;
    for (const c of podSpec(pod).containers ?? []) {
      if (!opts.firstStart) {
        const image = c.image ?? "";
        this.say(pod, node, c, {
          reason: "Pulled",
          message: `Container image "${image}" already present on machine`,
        });
        this.say(pod, node, c, {
          reason: "Created",
          message: `Created container${this.createdSep}${c.name}`,
        });
        this.say(pod, node, c, { reason: "Started", message: `Started container ${c.name}` });
      }
      this.say(pod, node, c, {
        type: "Warning",
        reason: "BackOff",
        message: `Back-off restarting failed container ${c.name} in pod ${m.name}_${m.namespace}(${m.uid})`,
      });
    }
  }

  /** The pod is gone: nothing of it is remembered. */
  forget(pod: KubeObject): void {
    this.pulling.delete(pod.metadata.uid ?? "");
  }
}
