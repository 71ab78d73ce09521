// The mcp.platform/v1 kinds as ResourceTypes the API server serves.
import type { TObject } from "@sinclair/typebox";
import { pluralize } from "../../../apiserver/resources/builtin.ts";
import {
  ALL_VERBS,
  type PrinterColumn,
  type ResourceType,
} from "../../../apiserver/resources/resource-type.ts";
import { Cluster } from "./cluster.ts";
import { ClusterPolicy, PolicyReport } from "./cluster-policy.ts";
import { GROUP, VERSION } from "./common.ts";
import { DiagnosticScan } from "./diagnostic-scan.ts";
import { ClusterOverridePolicy, OverridePolicy } from "./override-policy.ts";
import { ClusterPropagationPolicy, PropagationPolicy } from "./propagation-policy.ts";
import { BootstrapToken, ClusterJoin } from "./registration.ts";
import { ResourceBinding } from "./resource-binding.ts";
import { DiagnosticReport, Rollout } from "./rollout.ts";
import { Work } from "./work.ts";

interface KindEntry {
  kind: string;
  schema: TObject;
  namespaced: boolean;
  shortNames?: string[];
  printerColumns?: PrinterColumn[];
  /** Create-only kinds served by custom handlers (see ApiServerOptions.handlers). */
  createOnly?: boolean;
}

const kinds: KindEntry[] = [
  { kind: "Cluster", schema: Cluster, namespaced: false, shortNames: ["mc"] },
  { kind: "PropagationPolicy", schema: PropagationPolicy, namespaced: true, shortNames: ["pp"] },
  {
    kind: "ClusterPropagationPolicy",
    schema: ClusterPropagationPolicy,
    namespaced: false,
    shortNames: ["cpp"],
  },
  { kind: "OverridePolicy", schema: OverridePolicy, namespaced: true, shortNames: ["op"] },
  { kind: "ClusterOverridePolicy", schema: ClusterOverridePolicy, namespaced: false, shortNames: ["cop"] },
  {
    kind: "ResourceBinding",
    schema: ResourceBinding,
    namespaced: true,
    shortNames: ["rb"],
    printerColumns: [
      { name: "Kind", type: "string", jsonPath: ".spec.resource.kind" },
      { name: "Resource", type: "string", jsonPath: ".spec.resource.name" },
      { name: "Scheduled", type: "string", jsonPath: '.status.conditions[?(@.type=="Scheduled")].status' },
      {
        name: "FullyApplied",
        type: "string",
        jsonPath: '.status.conditions[?(@.type=="FullyApplied")].status',
      },
      { name: "Clusters", type: "string", jsonPath: ".spec.clusters[*].name", priority: 1 },
    ],
  },
  {
    kind: "Work",
    schema: Work,
    namespaced: true,
    printerColumns: [
      { name: "Cluster", type: "string", jsonPath: ".spec.cluster" },
      { name: "Revision", type: "integer", jsonPath: ".spec.revision" },
      { name: "Applied", type: "integer", jsonPath: ".status.appliedRevision" },
    ],
  },
  { kind: "ClusterPolicy", schema: ClusterPolicy, namespaced: false, shortNames: ["cpol"] },
  { kind: "PolicyReport", schema: PolicyReport, namespaced: true, shortNames: ["polr"] },
  { kind: "Rollout", schema: Rollout, namespaced: true, shortNames: ["ro"] },
  {
    kind: "DiagnosticReport",
    schema: DiagnosticReport,
    namespaced: true,
    shortNames: ["diagr"],
    printerColumns: [
      { name: "Cluster", type: "string", jsonPath: ".spec.cluster" },
      { name: "Score", type: "integer", jsonPath: ".status.score" },
      { name: "Errors", type: "integer", jsonPath: ".status.summary.error" },
      { name: "Warnings", type: "integer", jsonPath: ".status.summary.warning" },
      { name: "Error", type: "string", jsonPath: ".status.error" },
      { name: "Scanned", type: "string", jsonPath: ".status.scannedAt" },
    ],
  },
  { kind: "BootstrapToken", schema: BootstrapToken, namespaced: false, createOnly: true },
  { kind: "ClusterJoin", schema: ClusterJoin, namespaced: false, createOnly: true },
  { kind: "DiagnosticScan", schema: DiagnosticScan, namespaced: false, createOnly: true },
];

export function platformResourceTypes(): ResourceType[] {
  return kinds.map((k) => ({
    group: GROUP,
    version: VERSION,
    kind: k.kind,
    listKind: `${k.kind}List`,
    plural: pluralize(k.kind),
    singular: k.kind.toLowerCase(),
    namespaced: k.namespaced,
    shortNames: k.shortNames,
    categories: ["mcp"],
    verbs: k.createOnly ? ["create"] : ALL_VERBS,
    subresources: k.createOnly ? [] : ["status"],
    schema: k.schema as unknown as Record<string, unknown>,
    printerColumns: k.printerColumns,
    builtin: false,
    source: "platform",
  }));
}
