// Output of the commands that write objects (apply, create, replace): by default one progress
// line per object as it goes; with -o name the object's name; with -o json|yaml the objects the
// hub returned, printed together at the end (one object, or a List).
import type { KubeObject } from "../../apis/meta/types.ts";
import type { FlagSpec } from "../../cli/flags.ts";
import { outputFlag } from "../command.ts";
import type { Invocation } from "../invocation.ts";
import { formatObjects, nameOf, parseOutput, withoutManagedFields } from "../output.ts";

const FORMATS = ["json", "yaml", "name"] as const;

export const writeOutputFlags: FlagSpec[] = [
  {
    ...outputFlag(FORMATS, ""),
    description: "Print the written objects instead of progress lines: json|yaml|name",
  },
];

export interface CollectedOutput {
  /** The line to print for this object now (undefined when the objects print at the end). */
  line(obj: KubeObject, progress: string): string | undefined;
  flush(): void;
}

export function collectOutput(inv: Invocation): CollectedOutput {
  const format = inv.str("output") ? parseOutput(inv.str("output"), FORMATS, "name") : undefined;
  const objects: KubeObject[] = [];
  return {
    line(obj, progress) {
      if (format === undefined) return progress;
      if (format === "name") return nameOf(obj);
      objects.push(withoutManagedFields(obj));
      return undefined;
    },
    flush() {
      if ((format === "json" || format === "yaml") && objects.length > 0) {
        inv.io.out(formatObjects(objects, format, objects.length > 1));
      }
    },
  };
}
