// MCP-VER-004 — deprecated or removed apiVersions in use.
// An upgrade removes API versions (../../data/api-removals.ts); objects already stored are
// converted by the apiserver, but the manifests, charts and controllers that still write the old
// apiVersion break the day after: `kubectl apply` fails, Helm releases cannot upgrade or roll back.
// What a cluster can show of those writers: the apiVersion in each object's
// kubectl.kubernetes.io/last-applied-configuration and in its managedFields entries (one per
// writer). Kinds that disappear without a replacement (PodSecurityPolicy) are reported from the
// served resources and the apiserver's admission plugins, since their objects are not gathered.
import type { KubeObject } from "../../../apis/meta/types.ts";
import { API_REMOVALS, type ApiRemoval, apiStatusAt, removalFor } from "../../data/api-removals.ts";
import { minorDistance, parseMinor, type Version } from "../../data/kube-version.ts";
import type { Check, CheckContext, Finding, SnapshotKey } from "../../types.ts";
import { nameOf, rec, ref, str } from "../objects.ts";
import { apiserverVersion, componentPods, judgedLabel, judgedVersion } from "./control-plane.ts";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

export const deprecatedApis: Check = {
  code: "MCP-VER-004",
  area: "version",
  title: "Deprecated or removed apiVersion in use",
  severity: "error",
  // Every kind users apply workloads and policy with: their apiVersion history is what is judged.
  reads: [
    "pods",
    "deployments",
    "statefulsets",
    "daemonsets",
    "jobs",
    "cronjobs",
    "services",
    "networkpolicies",
    "poddisruptionbudgets",
    "customresourcedefinitions",
    "rolebindings",
    "clusterrolebindings",
  ],
  description:
    "Reads the apiVersion each object was last applied with (kubectl.kubernetes.io/last-applied-configuration) " +
    "and the apiVersions its field managers write with (managedFields), across every gathered resource, and " +
    "reports those removed (error: re-applying fails) or deprecated (warning) at the Kubernetes version, or at " +
    "--target-version before an upgrade. Kinds removed without replacement (PodSecurityPolicy) are reported " +
    "when still served or enabled as an admission plugin.",
  run(ctx) {
    const at = judgedVersion(ctx);
    if (!at) return [];
    const out: Finding[] = [];
    for (const [key, objects] of Object.entries(ctx.snapshot.objects) as [SnapshotKey, KubeObject[]][]) {
      if (ctx.snapshot.unreadable[key]) continue;
      for (const obj of objects) out.push(...objectFindings(ctx, obj, at));
    }
    out.push(...goneKinds(ctx, at));
    return out;
  },
};

/** The old apiVersions an object was written with, each with who wrote it. */
function writers(obj: KubeObject): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (apiVersion: string | undefined, who: string) => {
    if (!apiVersion || !removalFor(apiVersion, obj.kind)) return;
    found.set(apiVersion, [...(found.get(apiVersion) ?? []), who]);
  };
  const applied = obj.metadata.annotations?.[LAST_APPLIED];
  if (applied) {
    try {
      add(str(rec(JSON.parse(applied)).apiVersion), "kubectl apply");
    } catch {
      // A hand-edited annotation that is not JSON says nothing about the apiVersion.
    }
  }
  for (const m of obj.metadata.managedFields ?? []) add(m.apiVersion, `field manager "${m.manager}"`);
  return found;
}

function objectFindings(ctx: CheckContext, obj: KubeObject, at: Version): Finding[] {
  const out: Finding[] = [];
  for (const [apiVersion, who] of writers(obj)) {
    const row = removalFor(apiVersion, obj.kind)!;
    const status = apiStatusAt(row, at);
    if (!status) continue;
    const by = [...new Set(who)].join(" and ");
    const when =
      status === "removed"
        ? `removed in Kubernetes ${row.removedIn}`
        : `deprecated since ${row.deprecatedIn} and removed in ${row.removedIn}`;
    out.push({
      code: deprecatedApis.code,
      severity: status === "removed" ? "error" : "warning",
      object: ref(obj),
      message: `${obj.kind} ${nameOf(obj)} is written as ${apiVersion} by ${by}; ${apiVersion} ${obj.kind} is ${when} (checked against ${judgedLabel(ctx, at)}).`,
      fix: fixFor(row, obj),
    });
  }
  return out;
}

function fixFor(row: ApiRemoval, obj: KubeObject): string {
  if (!row.replacement)
    return `${row.kind} has no replacement: migrate to its successor (for PodSecurityPolicy, Pod Security Admission namespace labels) and delete the object. Source: ${row.source}`;
  const ns = obj.metadata.namespace ? ` -n ${obj.metadata.namespace}` : "";
  return (
    `Change apiVersion to ${row.replacement} in the manifest or chart that owns it (\`kubectl convert -f <file> --output-version ${row.replacement}\` helps), ` +
    `then re-apply it (kubectl apply${ns} -f <file>) and update any controller still writing ${row.apiVersion}. Source: ${row.source}`
  );
}

/** Kinds removed with no replacement that the cluster still serves, removed by the judged version. */
function goneKinds(ctx: CheckContext, at: Version): Finding[] {
  const current = apiserverVersion(ctx);
  const out: Finding[] = [];
  for (const row of API_REMOVALS) {
    if (row.replacement || apiStatusAt(row, at) !== "removed") continue;
    const plugin = row.kind; // the admission plugin is named like the kind (PodSecurityPolicy)
    const apiservers = componentPods(ctx, "kube-apiserver").filter((p) =>
      admissionPlugins(p).includes(plugin),
    );
    for (const pod of apiservers)
      out.push({
        code: deprecatedApis.code,
        severity: "error",
        object: ref(pod),
        message: `kube-apiserver pod ${nameOf(pod)} enables the ${plugin} admission plugin, which ${judgedLabel(ctx, at)} no longer has; the apiserver will not start.`,
        fix: `Migrate to Pod Security Admission (label namespaces pod-security.kubernetes.io/enforce=<level>), then remove ${plugin} from --enable-admission-plugins in /etc/kubernetes/manifests/kube-apiserver.yaml. Source: ${row.source}`,
      });
    const served = ctx.snapshot.servedResources.includes(`${row.apiVersion}/${row.resource}`);
    const upcoming = current && minorDistance(current, parseMinor(row.removedIn)) < 0;
    if (served && upcoming && apiservers.length === 0)
      out.push({
        code: deprecatedApis.code,
        severity: "warning",
        message: `The cluster serves ${row.apiVersion} ${row.kind}, removed without replacement in Kubernetes ${row.removedIn}; any ${row.kind} objects and their enforcement disappear with the upgrade.`,
        fix: `List them (kubectl get ${row.resource}.${row.apiVersion.split("/")[0]}), move their rules to Pod Security Admission namespace labels, then delete them. Source: ${row.source}`,
      });
  }
  return out;
}

function admissionPlugins(pod: KubeObject): string[] {
  const args = rec(pod.spec).containers;
  const first = Array.isArray(args) ? rec(args[0]) : {};
  const flags = [
    ...(Array.isArray(first.command) ? first.command : []),
    ...(Array.isArray(first.args) ? first.args : []),
  ];
  const flag = flags.map(String).find((a) => a.startsWith("--enable-admission-plugins="));
  return flag ? flag.slice(flag.indexOf("=") + 1).split(",") : [];
}
