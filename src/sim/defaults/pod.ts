// Pod and pod-template defaulting, as kube-apiserver applies it (core/v1 SetDefaults_PodSpec,
// SetDefaults_Container, SetDefaults_Probe, SetDefaults_Pod) plus what the admission plugins a
// real cluster runs add to every Pod (ServiceAccount, DefaultTolerationSeconds, Priority), so
// Pods read back from the simulator look like Pods read back from kube-apiserver.
import type { KubeObject } from "../../apis/meta/types.ts";
import { parseQuantity } from "../quantity.ts";
import { child, isRec, type Rec, records, setDefault, setDefaultString } from "./util.ts";

/** Priorities of the built-in PriorityClasses; any other class (or none) defaults to 0. */
const SYSTEM_PRIORITIES: Record<string, number> = {
  "system-node-critical": 2_000_001_000,
  "system-cluster-critical": 2_000_000_000,
};

/** What DefaultTolerationSeconds adds: evict 5 minutes after the node becomes unreachable. */
const DEFAULT_TOLERATIONS = ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"];

/** SetDefaults_PodSpec and the container/probe defaults, for Pods and every pod template. */
export function defaultPodSpec(spec: Rec): void {
  setDefaultString(spec, "dnsPolicy", "ClusterFirst");
  setDefaultString(spec, "restartPolicy", "Always");
  setDefault(spec, "securityContext", {});
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  setDefaultString(spec, "schedulerName", "default-scheduler");
  for (const c of [...records(spec.initContainers), ...records(spec.containers)]) defaultContainer(c);
  for (const v of records(spec.volumes)) defaultVolume(v);
}

export function defaultContainer(c: Rec): void {
  if (!c.imagePullPolicy)
    c.imagePullPolicy = imageTag(String(c.image ?? "")) === "latest" ? "Always" : "IfNotPresent";
  setDefaultString(c, "terminationMessagePath", "/dev/termination-log");
  setDefaultString(c, "terminationMessagePolicy", "File");
  // Go serialises the ResourceRequirements struct even when empty.
  setDefault(c, "resources", {});
  for (const p of records(c.ports)) setDefaultString(p, "protocol", "TCP");
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"])
    if (isRec(c[probe])) defaultProbe(c[probe] as Rec);
}

export function defaultProbe(p: Rec): void {
  setDefault(p, "timeoutSeconds", 1);
  setDefault(p, "periodSeconds", 10);
  setDefault(p, "successThreshold", 1);
  setDefault(p, "failureThreshold", 3);
  if (isRec(p.httpGet)) {
    setDefaultString(p.httpGet, "path", "/");
    setDefaultString(p.httpGet, "scheme", "HTTP");
  }
}

function defaultVolume(v: Rec): void {
  const sources = Object.keys(v).filter((k) => k !== "name");
  if (sources.length === 0) v.emptyDir = {};
  for (const [key, mode] of [
    ["secret", 0o644],
    ["configMap", 0o644],
    ["downwardAPI", 0o644],
    ["projected", 0o644],
  ] as const)
    if (isRec(v[key])) setDefault(v[key] as Rec, "defaultMode", mode);
}

/** The tag of an image reference ("latest" when it names none and no digest). */
export function imageTag(image: string): string {
  if (image.includes("@")) return "";
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  return colon < 0 ? "latest" : image.slice(colon + 1);
}

/** A pod template inside a workload (Deployment, Job...): PodSpec defaults only, as Kubernetes does. */
export function defaultPodTemplate(template: Rec): void {
  defaultPodSpec(child(template, "spec"));
}

/** The Pod kind's defaulting hook. */
export function defaultPod(obj: KubeObject): void {
  const spec = child(obj as Rec, "spec");
  for (const c of [...records(spec.initContainers), ...records(spec.containers)]) requestsFromLimits(c);
  defaultPodSpec(spec);
  setDefault(spec, "enableServiceLinks", true);
  // ServiceAccount admission: every Pod runs as a service account.
  setDefaultString(spec, "serviceAccountName", String(spec.serviceAccount || "default"));
  setDefaultString(spec, "serviceAccount", String(spec.serviceAccountName));
  // Priority admission.
  setDefault(spec, "priority", SYSTEM_PRIORITIES[String(spec.priorityClassName ?? "")] ?? 0);
  setDefaultString(spec, "preemptionPolicy", "PreemptLowerPriority");
  addDefaultTolerations(spec);
  const status = child(obj as Rec, "status");
  setDefaultString(status, "phase", "Pending");
  setDefaultString(status, "qosClass", qosClass(spec));
}

function requestsFromLimits(c: Rec): void {
  const res = isRec(c.resources) ? c.resources : undefined;
  if (!res || !isRec(res.limits)) return;
  const requests = child(res, "requests");
  for (const [k, v] of Object.entries(res.limits)) setDefault(requests, k, v);
}

function addDefaultTolerations(spec: Rec): void {
  const tolerations = records(spec.tolerations);
  const present = (key: string) =>
    tolerations.some(
      (t) =>
        (t.key === key || (t.key === undefined && t.operator === "Exists")) &&
        (!t.effect || t.effect === "NoExecute"),
    );
  const added = DEFAULT_TOLERATIONS.filter((key) => !present(key)).map((key) => ({
    key,
    operator: "Exists",
    effect: "NoExecute",
    tolerationSeconds: 300,
  }));
  if (added.length > 0)
    spec.tolerations = [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), ...added];
}

/** Kubernetes' QoS class: Guaranteed, Burstable or BestEffort (cpu and memory only). */
export function qosClass(spec: Rec): string {
  const containers = [...records(spec.initContainers), ...records(spec.containers)];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = isRec(c.resources) ? c.resources : {};
    const requests = isRec(res.requests) ? res.requests : {};
    const limits = isRec(res.limits) ? res.limits : {};
    for (const r of ["cpu", "memory"]) {
      const req = parseQuantity(requests[r]);
      const lim = parseQuantity(limits[r]);
      if ((req ?? 0) > 0 || (lim ?? 0) > 0) any = true;
      if (lim === undefined || (req ?? lim) !== lim) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
