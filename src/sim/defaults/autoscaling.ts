// Defaulting of HorizontalPodAutoscalers, as kube-apiserver's autoscaling/v1 and v2
// SetDefaults_HorizontalPodAutoscaler do: minReplicas 1; in v2 an 80% cpu target when no metric
// is given, and a behavior's missing rules filled with the controller's defaults.
import type { KubeObject } from "../../apis/meta/types.ts";
import { DEFAULT_CPU_UTILIZATION } from "../../apiserver/resources/conversion/hpa.ts";
import { child, isRec, type Rec, setDefault } from "./util.ts";

export function defaultHpaV1(obj: KubeObject): void {
  setDefault(child(obj as Rec, "spec"), "minReplicas", 1);
}

const scaleUp = () => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
});

const scaleDown = () => ({
  stabilizationWindowSeconds: 300,
  selectPolicy: "Max",
  policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
});

/** copyHPAScalingRules: what the user set wins, the rest comes from the defaults. */
function rules(given: unknown, defaults: Rec): Rec {
  if (!isRec(given)) return defaults;
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

export function defaultHpaV2(obj: KubeObject): void {
  const s = child(obj as Rec, "spec");
  setDefault(s, "minReplicas", 1);
  if (!Array.isArray(s.metrics) || s.metrics.length === 0)
    s.metrics = [
      {
        type: "Resource",
        resource: {
          name: "cpu",
          target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION },
        },
      },
    ];
  if (isRec(s.behavior))
    s.behavior = {
      ...s.behavior,
      scaleUp: rules(s.behavior.scaleUp, scaleUp()),
      scaleDown: rules(s.behavior.scaleDown, scaleDown()),
    };
}
