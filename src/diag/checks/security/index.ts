// Security checks: privileged and root containers, host networking, cluster-admin bindings.
import type { Check } from "../../types.ts";
import { clusterAdmin } from "./cluster-admin.ts";
import { hostNetwork } from "./host-network.ts";
import { privileged } from "./privileged.ts";
import { runAsRoot } from "./run-as-root.ts";

export const checks: Check[] = [privileged, runAsRoot, hostNetwork, clusterAdmin];
