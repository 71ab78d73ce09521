// The registry of every mcp-diag check: each area's index lists its checks, and this file joins
// them in catalog order (SPEC.md "Diagnostics catalog"). A check exists for the scanner, the
// `mcp-diag checks` listing and SARIF rules once it is in its area's index.
import type { Area, Check } from "../types.ts";
import { checks as network } from "./network/index.ts";
import { checks as nodes } from "./nodes/index.ts";
import { checks as operations } from "./operations/index.ts";
import { checks as security } from "./security/index.ts";
import { checks as storage } from "./storage/index.ts";
import { checks as version } from "./version/index.ts";
import { checks as workloads } from "./workloads/index.ts";

export const AREAS: Area[] = [
  "version",
  "nodes",
  "workloads",
  "storage",
  "network",
  "operations",
  "security",
];

export const allChecks: Check[] = [
  ...version,
  ...nodes,
  ...workloads,
  ...storage,
  ...network,
  ...operations,
  ...security,
];
