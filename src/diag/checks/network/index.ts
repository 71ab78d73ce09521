// Network checks: kube-proxy, MTU, cluster DNS, Services and NetworkPolicies.
import type { Check } from "../../types.ts";
import { coreDns } from "./coredns.ts";
import { kubeProxyMode } from "./kube-proxy-mode.ts";
import { mtuMismatch } from "./mtu-mismatch.ts";
import { namespaceNoPolicy } from "./namespace-no-policy.ts";
import { policySelectsNothing } from "./policy-selects-nothing.ts";
import { serviceNoEndpoints } from "./service-no-endpoints.ts";
import { serviceNoPods } from "./service-no-pods.ts";

export const checks: Check[] = [
  kubeProxyMode,
  mtuMismatch,
  coreDns,
  serviceNoPods,
  serviceNoEndpoints,
  policySelectsNothing,
  namespaceNoPolicy,
];
