// Printers for batch/v1: Job (STATUS, COMPLETIONS, DURATION) and CronJob (SCHEDULE, TIMEZONE,
// SUSPEND, ACTIVE, LAST SCHEDULE), as kubectl prints them.
import type { KubeObject } from "../../../apis/meta/types.ts";
import { formatLabelSelector, type LabelSelector } from "../../selectors/labels.ts";
import {
  AGE_COLUMN,
  age,
  bool,
  CONTAINERS_COLUMN,
  column,
  conditionStatus,
  containerCells,
  get,
  IMAGES_COLUMN,
  list,
  NAME_COLUMN,
  num,
  str,
  wide,
} from "../cells.ts";
import { humanDuration, parseTimestamp, since } from "../duration.ts";
import type { PrintContext, Printer, PrinterEntry } from "../types.ts";

const name = (obj: KubeObject) => obj.metadata.name ?? "";

function completions(job: KubeObject): string {
  const succeeded = num(job, "status.succeeded");
  const wanted = get(job, "spec.completions");
  if (typeof wanted === "number") return `${succeeded}/${wanted}`;
  const parallelism = num(job, "spec.parallelism", 1);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: KubeObject, ctx: PrintContext): string {
  const start = parseTimestamp(str(job, "status.startTime"));
  if (start === undefined) return "";
  const end = parseTimestamp(str(job, "status.completionTime"));
  return humanDuration((end ?? ctx.now) - start);
}

function jobStatus(job: KubeObject): string {
  const is = (type: string) => conditionStatus(job, type) === "True";
  if (is("Complete")) return "Complete";
  if (is("Failed")) return "Failed";
  if (job.metadata.deletionTimestamp) return "Terminating";
  if (is("Suspended")) return "Suspended";
  if (is("FailureTarget")) return "FailureTarget";
  return "Running";
}

const selectorDescription = "A label query over pods that should match the pod count.";

const job: Printer = {
  columns: [
    NAME_COLUMN,
    column("Status", "Status of the job."),
    column("Completions", "The number of pods which reached phase Succeeded."),
    column("Duration", "Time required to complete the job."),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    wide("Selector", selectorDescription),
  ],
  cells: (o, ctx) => [
    name(o),
    jobStatus(o),
    completions(o),
    jobDuration(o, ctx),
    age(o, ctx),
    ...containerCells(o, "spec.template.spec"),
    formatLabelSelector(get(o, "spec.selector") as LabelSelector | undefined),
  ],
};

const cronJob: Printer = {
  columns: [
    NAME_COLUMN,
    column("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
    column("Timezone", "The time zone name for the given schedule."),
    column("Suspend", "This flag tells the controller to suspend subsequent executions.", {
      type: "boolean",
    }),
    column("Active", "A list of pointers to currently running jobs.", { type: "integer" }),
    column("Last Schedule", "Information when was the last time the job was successfully scheduled."),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    wide("Selector", selectorDescription),
  ],
  cells: (o, ctx) => {
    const last = str(o, "status.lastScheduleTime");
    return [
      name(o),
      str(o, "spec.schedule"),
      str(o, "spec.timeZone") || "<none>",
      // batch/v1 defaults suspend to false.
      (bool(o, "spec.suspend") ?? false) ? "True" : "False",
      list(o, "status.active").length,
      last ? since(last, ctx.now) : "<none>",
      age(o, ctx),
      ...containerCells(o, "spec.jobTemplate.spec.template.spec"),
      formatLabelSelector(get(o, "spec.jobTemplate.spec.selector") as LabelSelector | undefined),
    ];
  },
};

export const batchPrinters: PrinterEntry[] = [
  { group: "batch", kind: "Job", printer: job },
  { group: "batch", kind: "CronJob", printer: cronJob },
];
