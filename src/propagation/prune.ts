// What must not travel from the hub to a member, per kind (docs/propagation.md, "Work builder").
// renderTemplate has already kept only name, namespace, labels and annotations of the metadata
// and dropped status; this drops what is left that some apiserver or controller set for the
// cluster the template came from (the hub, or the cluster a manifest was exported from with
// `kubectl get -o yaml`): a real member rejects it (a clusterIP outside its service range, a Job
// selector it did not generate), or its own controllers would keep rewriting it and MCP would
// revert that as drift (a Deployment's revision annotation), or it names something that exists
// only there (a bound PersistentVolume, a Node, token Secrets). The same list as Karmada's
// pkg/resourceinterpreter/default/native/prune, plus the PVC binding and Pod node.
import { isObject, type KubeObject } from "../apis/meta/types.ts";

/** group/kind → what to drop from the rendered manifest (in place). */
const PRUNERS: Record<string, (m: KubeObject) => void> = {
  "/Service": pruneService,
  "batch/Job": pruneJob,
  "apps/Deployment": (m) => dropAnnotations(m, ["deployment.kubernetes.io/revision"]),
  // The apiserver's DaemonSet strategy counts template changes in it, per cluster.
  "apps/DaemonSet": (m) => dropAnnotations(m, ["deprecated.daemonset.template.generation"]),
  "/Namespace": pruneNamespace,
  "/ServiceAccount": pruneServiceAccount,
  "/PersistentVolumeClaim": prunePersistentVolumeClaim,
  "/Pod": (m) => {
    // The hub has no nodes: a node name from elsewhere would leave the Pod bound to a Node the
    // member lacks (an OverridePolicy, applied after this, may still set one per cluster).
    if (isObject(m.spec)) delete m.spec.nodeName;
  },
  "/Secret": secretStringData,
};

const groupKind = (o: { apiVersion: string; kind: string }) =>
  `${o.apiVersion.includes("/") ? o.apiVersion.slice(0, o.apiVersion.indexOf("/")) : ""}/${o.kind}`;

/** Drops, in place, what the member must set for itself. */
export function pruneForMember(m: KubeObject): void {
  PRUNERS[groupKind(m)]?.(m);
}

function dropAnnotations(m: KubeObject, keys: readonly string[]): void {
  const annotations = m.metadata.annotations;
  if (!annotations) return;
  for (const k of keys) delete annotations[k];
  if (!Object.keys(annotations).length) delete m.metadata.annotations;
}

function dropLabels(labels: unknown, keys: readonly string[]): void {
  if (isObject(labels)) for (const k of keys) delete labels[k];
}

function pruneService(m: KubeObject): void {
  const spec = isObject(m.spec) ? m.spec : undefined;
  if (!spec) return;
  // Allocated from the service range of the cluster it came from: another apiserver refuses an
  // address outside its own range and any change of it once allocated. "None" (headless) is a choice.
  if (spec.clusterIP !== "None") {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }
  delete spec.healthCheckNodePort;
}

const UID_LABELS = ["controller-uid", "batch.kubernetes.io/controller-uid"];
const JOB_NAME_LABELS = ["job-name", "batch.kubernetes.io/job-name"];

function pruneJob(m: KubeObject): void {
  const spec = isObject(m.spec) ? m.spec : undefined;
  if (!spec) return;
  // The member's ttl-after-finished controller would delete the finished Job and MCP would create
  // it again, running it again (as Karmada does, finished Jobs stay until the template goes).
  delete spec.ttlSecondsAfterFinished;
  if (spec.manualSelector === true) return;
  // Without manualSelector the apiserver generates the selector from the Job's own uid and
  // refuses any other ("selector not auto-generated"); the labels it adds to the pod template
  // name that uid and the Job.
  delete spec.selector;
  const template = isObject(spec.template) ? spec.template : undefined;
  const tmeta = template && isObject(template.metadata) ? template.metadata : undefined;
  if (tmeta) {
    dropLabels(tmeta.labels, [...UID_LABELS, ...JOB_NAME_LABELS]);
    if (isObject(tmeta.labels) && !Object.keys(tmeta.labels).length) delete tmeta.labels;
  }
  if (m.metadata.labels) {
    dropLabels(m.metadata.labels, UID_LABELS);
    if (!Object.keys(m.metadata.labels).length) delete m.metadata.labels;
  }
}

function pruneNamespace(m: KubeObject): void {
  // Set by every apiserver for itself: the name label and the default finalizer.
  if (m.metadata.labels) {
    delete m.metadata.labels["kubernetes.io/metadata.name"];
    if (!Object.keys(m.metadata.labels).length) delete m.metadata.labels;
  }
  const spec = isObject(m.spec) ? m.spec : undefined;
  if (spec && Array.isArray(spec.finalizers) && spec.finalizers.every((f) => f === "kubernetes"))
    delete spec.finalizers;
  if (spec && !Object.keys(spec).length) delete m.spec;
}

function pruneServiceAccount(m: KubeObject): void {
  // Token secrets are per cluster; a reference to the hub's would dangle.
  const secrets = m.secrets;
  if (Array.isArray(secrets))
    m.secrets = secrets.filter(
      (s) => !(isObject(s) && typeof s.name === "string" && s.name.startsWith(`${m.metadata.name}-token-`)),
    );
}

/** Set by the PersistentVolume controller and the scheduler of the cluster where the claim was bound. */
const PVC_BINDING_ANNOTATIONS = [
  "pv.kubernetes.io/bind-completed",
  "pv.kubernetes.io/bound-by-controller",
  "volume.beta.kubernetes.io/storage-provisioner",
  "volume.kubernetes.io/storage-provisioner",
  "volume.kubernetes.io/selected-node",
];

function prunePersistentVolumeClaim(m: KubeObject): void {
  // A claim the controller bound names a volume provisioned there: a member would wait for (or,
  // with bind-completed, report Lost) a volume it does not have. A volumeName the user chose
  // (static binding, no bound-by-controller) is kept.
  const boundByController = m.metadata.annotations?.["pv.kubernetes.io/bound-by-controller"] === "yes";
  if (boundByController && isObject(m.spec)) delete m.spec.volumeName;
  dropAnnotations(m, PVC_BINDING_ANNOTATIONS);
}

/**
 * stringData is write-only: every apiserver merges it into data and never returns it. Sent as
 * data, the manifest says what the member will store, so drift is judged on the same fields.
 */
function secretStringData(m: KubeObject): void {
  const stringData = m.stringData;
  if (!isObject(stringData)) return;
  const data: Record<string, unknown> = isObject(m.data) ? { ...m.data } : {};
  for (const [k, v] of Object.entries(stringData))
    if (typeof v === "string") data[k] = Buffer.from(v, "utf8").toString("base64");
  m.data = data;
  delete m.stringData;
}
