// Workload checks (MCP-WL-0NN): what makes rollouts, drains and upgrades unsafe for applications:
// probes, resources, replicas, disruption budgets, held-back StatefulSets, stuck Deployments and
// crash loops.
import type { Check } from "../../types.ts";
import { crashLoop } from "./crash-loop.ts";
import { disruptionBudget } from "./disruption-budget.ts";
import { missingProbes } from "./missing-probes.ts";
import { missingResources } from "./missing-resources.ts";
import { riskyProbes } from "./risky-probes.ts";
import { singleReplica } from "./single-replica.ts";
import { statefulSetPartition } from "./statefulset-partition.ts";
import { stuckRollout } from "./stuck-rollout.ts";

export const checks: Check[] = [
  missingProbes,
  riskyProbes,
  missingResources,
  singleReplica,
  disruptionBudget,
  statefulSetPartition,
  stuckRollout,
  crashLoop,
];
