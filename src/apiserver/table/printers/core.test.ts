// kubectl get events -o wide: the SOURCE of an events.k8s.io-style event (the scheduler's) comes
// from its reportingComponent and reportingInstance, as kubectl's formatEventSource does.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../../apis/meta/types.ts";
import { toTable } from "../table.ts";

const NOW = Date.parse("2024-05-01T12:00:00Z");

function cells(event: Record<string, unknown>) {
  const obj = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: "web.1", namespace: "default" },
    ...event,
  };
  const table = toTable([obj as KubeObject], { group: "", kind: "Event", now: NOW });
  return Object.fromEntries(table.columnDefinitions.map((c, i) => [c.name, table.rows[0].cells[i]]));
}

describe("Event printer", () => {
  it("prints a scheduler event's source from reportingComponent and reportingInstance", () => {
    const c = cells({
      involvedObject: { kind: "Pod", name: "web", namespace: "default" },
      reason: "Scheduled",
      message: "Successfully assigned default/web to node-1",
      type: "Normal",
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: "2024-05-01T11:59:30.000000Z",
      reportingComponent: "default-scheduler",
      reportingInstance: "default-scheduler-cp",
    });
    assert.equal(c.Source, "default-scheduler, default-scheduler-cp");
    assert.equal(c["Last Seen"], "30s");
    assert.equal(c.Count, 1);
  });

  it("prints a kubelet event's source and count", () => {
    const c = cells({
      involvedObject: { kind: "Pod", name: "web", fieldPath: "spec.containers{app}" },
      reason: "BackOff",
      message: "Back-off restarting failed container",
      type: "Warning",
      source: { component: "kubelet", host: "node-1" },
      firstTimestamp: "2024-05-01T11:50:00Z",
      lastTimestamp: "2024-05-01T11:59:00Z",
      count: 7,
      reportingComponent: "kubelet",
      reportingInstance: "node-1",
    });
    assert.equal(c.Source, "kubelet, node-1");
    assert.equal(c.Subobject, "spec.containers{app}");
    assert.equal(c.Count, 7);
    assert.equal(c["First Seen"], "10m");
  });
});
