// Version-compatibility checks (MCP-VER-0NN): etcd, CNI and component skew against the running
// Kubernetes or, in pre-upgrade mode, the target version; and apiVersions the target removes.
// Their knowledge lives in ../../data/, one versioned table per rule with a source per row.
import type { Check } from "../../types.ts";
import { cniVersion } from "./cni-version.ts";
import { componentSkew } from "./component-skew.ts";
import { deprecatedApis } from "./deprecated-apis.ts";
import { etcdVersion } from "./etcd-version.ts";

export const checks: Check[] = [etcdVersion, cniVersion, componentSkew, deprecatedApis];
