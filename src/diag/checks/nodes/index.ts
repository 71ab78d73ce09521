// Node checks (MCP-NODE-0NN): readiness, pressure, cordons, taints nothing tolerates, and nodes
// too full to absorb a drain.
import type { Check } from "../../types.ts";
import { nodeCordoned } from "./cordoned.ts";
import { nodeNotReady } from "./not-ready.ts";
import { nodeOvercommitted } from "./overcommitted.ts";
import { nodePressure } from "./pressure.ts";
import { untoleratedTaints } from "./untolerated-taints.ts";

export const checks: Check[] = [
  nodeNotReady,
  nodePressure,
  nodeCordoned,
  untoleratedTaints,
  nodeOvercommitted,
];
