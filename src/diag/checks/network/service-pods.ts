// Which pods a Service selects. Shared by MCP-NET-004 (selects none) and MCP-NET-005 (selects some
// but none is ready), so the two never report the same Service for the same cause.
import type { KubeObject } from "../../../apis/meta/types.ts";
import { isLivePod, mapMatches, rec, str } from "../objects.ts";

/** The Service's selector, or undefined when it does not select pods (none, empty, ExternalName). */
export function serviceSelector(svc: KubeObject): Record<string, string> | undefined {
  const spec = rec(svc.spec);
  if (str(spec.type) === "ExternalName") return undefined;
  const selector = rec(spec.selector) as Record<string, string>;
  // A Service without a selector is backed by hand-made endpoints: nothing to match pods against.
  return Object.keys(selector).length > 0 ? selector : undefined;
}

export function podsOf(svc: KubeObject, pods: KubeObject[]): KubeObject[] {
  const selector = serviceSelector(svc);
  if (!selector) return [];
  return pods.filter(
    (p) =>
      p.metadata.namespace === svc.metadata.namespace &&
      isLivePod(p) &&
      mapMatches(selector, p.metadata.labels),
  );
}

export function formatSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}
