// DiagnosticScan: a create-only request to scan part of the fleet with mcp-diag. Nothing is
// stored as the scan itself: the hub's handler dispatches it (agents in pull mode, the hub itself
// in push mode) and each cluster's result lands as a DiagnosticReport labelled with the scan id.
import { Type } from "@sinclair/typebox";
import { LabelSelector, platformObject } from "./common.ts";

export const DiagnosticScan = platformObject("DiagnosticScan", {
  spec: Type.Object({
    /** Exactly one way of choosing clusters: a label selector, names, or every cluster. */
    clusterSelector: Type.Optional(LabelSelector),
    clusters: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    all: Type.Optional(Type.Boolean()),
    targetVersion: Type.Optional(Type.String({ pattern: "^v?[0-9]+\\.[0-9]+" })),
    /** Check areas (network, storage...) or codes (MCP-NET-003); empty runs every check. */
    checks: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  }),
  status: Type.Object({
    scanId: Type.Optional(Type.String()),
    /** Clusters the scan was sent to; each gets one DiagnosticReport. */
    clusters: Type.Optional(Type.Array(Type.String())),
    /** Of those, the ones whose report says "cluster offline" already. */
    offline: Type.Optional(Type.Array(Type.String())),
  }),
});
