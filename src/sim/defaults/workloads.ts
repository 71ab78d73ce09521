// Defaulting of the workload kinds, as kube-apiserver's apps/v1 and batch/v1 SetDefaults_*
// functions do, plus the Job strategy's generated selector (controller-uid labels). Every pod
// template gets the PodSpec defaults, so `kubectl get deploy -o yaml` reads like a real cluster.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { StatusCause } from "../../apiserver/errors.ts";
import { defaultPodTemplate } from "./pod.ts";
import { defaultPersistentVolumeClaim } from "./storage.ts";
import { child, isRec, type Rec, records, setDefault, setDefaultString } from "./util.ts";

const spec = (obj: KubeObject): Rec => child(obj as Rec, "spec");

export function defaultDeployment(obj: KubeObject): void {
  const s = spec(obj);
  setDefault(s, "replicas", 1);
  const strategy = child(s, "strategy");
  setDefaultString(strategy, "type", "RollingUpdate");
  if (strategy.type === "RollingUpdate") {
    const ru = child(strategy, "rollingUpdate");
    setDefault(ru, "maxUnavailable", "25%");
    setDefault(ru, "maxSurge", "25%");
  }
  setDefault(s, "revisionHistoryLimit", 10);
  setDefault(s, "progressDeadlineSeconds", 600);
  defaultPodTemplate(child(s, "template"));
}

export function defaultReplicaSet(obj: KubeObject): void {
  const s = spec(obj);
  setDefault(s, "replicas", 1);
  defaultPodTemplate(child(s, "template"));
}

export function defaultDaemonSet(obj: KubeObject): void {
  const s = spec(obj);
  const strategy = child(s, "updateStrategy");
  setDefaultString(strategy, "type", "RollingUpdate");
  if (strategy.type === "RollingUpdate") {
    const ru = child(strategy, "rollingUpdate");
    setDefault(ru, "maxUnavailable", 1);
    setDefault(ru, "maxSurge", 0);
  }
  setDefault(s, "revisionHistoryLimit", 10);
  defaultPodTemplate(child(s, "template"));
}

export function defaultStatefulSet(obj: KubeObject): void {
  const s = spec(obj);
  setDefaultString(s, "podManagementPolicy", "OrderedReady");
  const strategy = child(s, "updateStrategy");
  if (!strategy.type) {
    strategy.type = "RollingUpdate";
    child(strategy, "rollingUpdate");
  }
  if (strategy.type === "RollingUpdate" && isRec(strategy.rollingUpdate))
    setDefault(strategy.rollingUpdate, "partition", 0);
  // StatefulSetAutoDeletePVC is on by default since 1.27.
  const retention = child(s, "persistentVolumeClaimRetentionPolicy");
  setDefaultString(retention, "whenDeleted", "Retain");
  setDefaultString(retention, "whenScaled", "Retain");
  setDefault(s, "replicas", 1);
  setDefault(s, "revisionHistoryLimit", 10);
  // serviceName has no omitempty in apps/v1, so the API always shows it.
  setDefault(s, "serviceName", "");
  defaultPodTemplate(child(s, "template"));
  for (const pvc of records(s.volumeClaimTemplates)) defaultPersistentVolumeClaim(pvc as KubeObject);
}

export function defaultJob(obj: KubeObject): void {
  const s = spec(obj);
  if (s.completions == null && s.parallelism == null) s.completions = 1;
  setDefault(s, "parallelism", 1);
  setDefault(s, "backoffLimit", 6);
  setDefaultString(s, "completionMode", "NonIndexed");
  setDefault(s, "suspend", false);
  const template = child(s, "template");
  generateJobSelector(obj, s, template);
  const labels = child(template, "metadata").labels;
  if (isRec(labels) && Object.keys(obj.metadata.labels ?? {}).length === 0)
    obj.metadata.labels = { ...(labels as Record<string, string>) };
  defaultPodTemplate(template);
}

/**
 * The Job strategy's PrepareForCreate: unless spec.manualSelector, the selector is the Job's uid
 * and the template carries it, under both the current and the legacy label names.
 */
function generateJobSelector(obj: KubeObject, s: Rec, template: Rec): void {
  const uid = obj.metadata.uid;
  if (s.manualSelector === true || isRec(s.selector) || !uid) return;
  s.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
  const meta = child(template, "metadata");
  meta.labels = {
    ...(isRec(meta.labels) ? meta.labels : {}),
    "batch.kubernetes.io/controller-uid": uid,
    "batch.kubernetes.io/job-name": obj.metadata.name ?? "",
    "controller-uid": uid,
    "job-name": obj.metadata.name ?? "",
  };
}

/** Jobs' pods must not restart in place: the Job controller owns retries. */
export function validateJob(obj: KubeObject): StatusCause[] {
  const policy = (((obj.spec as Rec)?.template as Rec)?.spec as Rec)?.restartPolicy;
  if (policy === "OnFailure" || policy === "Never") return [];
  return [
    {
      reason: "FieldValueNotSupported",
      field: "spec.template.spec.restartPolicy",
      message: `Unsupported value: "${String(policy)}": supported values: "OnFailure", "Never"`,
    },
  ];
}

export function defaultCronJob(obj: KubeObject): void {
  const s = spec(obj);
  setDefaultString(s, "concurrencyPolicy", "Allow");
  setDefault(s, "suspend", false);
  setDefault(s, "successfulJobsHistoryLimit", 3);
  setDefault(s, "failedJobsHistoryLimit", 1);
  const jobSpec = child(child(s, "jobTemplate"), "spec");
  setDefault(jobSpec, "backoffLimit", 6);
  defaultPodTemplate(child(jobSpec, "template"));
}
