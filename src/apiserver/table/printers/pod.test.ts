import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../../apis/meta/types.ts";
import { toTable } from "../table.ts";

const NOW = Date.parse("2024-05-01T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function pod(
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
  meta: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-0", namespace: "shop", creationTimestamp: ago(5 * 60_000), ...meta },
    spec,
    status,
  };
}

const two = { containers: [{ name: "app" }, { name: "proxy" }] };
const running = (name: string, ready = true, restartCount = 0) => ({
  name,
  ready,
  restartCount,
  state: { running: {} },
});
const cellsOf = (p: KubeObject) => toTable([p], { group: "", kind: "Pod", now: NOW }).rows[0].cells;
/** READY, STATUS, RESTARTS only. */
const summary = (p: KubeObject) => cellsOf(p).slice(1, 4);

describe("Pod printer", () => {
  it("prints a running pod with its wide columns", () => {
    const p = pod(
      { ...two, nodeName: "node-a" },
      {
        phase: "Running",
        podIP: "10.0.0.7",
        podIPs: [{ ip: "10.0.0.7" }],
        containerStatuses: [running("app"), running("proxy")],
      },
    );
    const table = toTable([p], { group: "", kind: "Pod", now: NOW });
    assert.deepEqual(
      table.columnDefinitions.map((c) => [c.name, c.priority]),
      [
        ["Name", 0],
        ["Ready", 0],
        ["Status", 0],
        ["Restarts", 0],
        ["Age", 0],
        ["IP", 1],
        ["Node", 1],
        ["Nominated Node", 1],
        ["Readiness Gates", 1],
      ],
    );
    assert.deepEqual(table.rows[0].cells, [
      "web-0",
      "2/2",
      "Running",
      "0",
      "5m",
      "10.0.0.7",
      "node-a",
      "<none>",
      "<none>",
    ]);
  });

  it("shows a pending pod without statuses", () => {
    assert.deepEqual(cellsOf(pod({ containers: [{ name: "a" }] }, { phase: "Pending" })), [
      "web-0",
      "0/1",
      "Pending",
      "0",
      "5m",
      "<none>",
      "<none>",
      "<none>",
      "<none>",
    ]);
  });

  it("shows the waiting reason and restarts with the time of the last one", () => {
    const crashing = {
      name: "app",
      ready: false,
      restartCount: 4,
      state: { waiting: { reason: "CrashLoopBackOff" } },
      lastState: { terminated: { exitCode: 1, finishedAt: ago(2 * 60_000 + 5000) } },
    };
    const p = pod(two, { phase: "Running", containerStatuses: [crashing, running("proxy")] });
    assert.deepEqual(summary(p), ["1/2", "CrashLoopBackOff", "4 (2m5s ago)"]);
  });

  it("reports terminated containers by reason, signal or exit code", () => {
    const terminated = (t: Record<string, unknown>) =>
      pod(
        { containers: [{ name: "a" }] },
        { phase: "Running", containerStatuses: [{ name: "a", state: { terminated: t } }] },
      );
    assert.equal(summary(terminated({ reason: "OOMKilled", exitCode: 137 }))[1], "OOMKilled");
    assert.equal(summary(terminated({ exitCode: 137 }))[1], "ExitCode:137");
    assert.equal(summary(terminated({ signal: 9, exitCode: 137 }))[1], "Signal:9");
  });

  it("shows init progress and init failures", () => {
    const spec = { initContainers: [{ name: "migrate" }, { name: "seed" }], containers: [{ name: "app" }] };
    const waiting = pod(spec, {
      phase: "Pending",
      initContainerStatuses: [
        { name: "migrate", restartCount: 0, state: { terminated: { exitCode: 0 } } },
        { name: "seed", restartCount: 0, state: { running: {} } },
      ],
    });
    assert.deepEqual(summary(waiting), ["0/1", "Init:1/2", "0"]);
    const failing = pod(spec, {
      phase: "Pending",
      initContainerStatuses: [
        { name: "migrate", restartCount: 3, state: { waiting: { reason: "CrashLoopBackOff" } } },
      ],
    });
    assert.deepEqual(summary(failing), ["0/1", "Init:CrashLoopBackOff", "3"]);
    const exited = pod(spec, {
      phase: "Pending",
      initContainerStatuses: [{ name: "migrate", state: { terminated: { exitCode: 2 } } }],
    });
    assert.equal(summary(exited)[1], "Init:ExitCode:2");
  });

  it("counts started sidecars (restartable init containers) as containers", () => {
    const p = pod(
      { initContainers: [{ name: "mesh", restartPolicy: "Always" }], containers: [{ name: "app" }] },
      {
        phase: "Running",
        conditions: [{ type: "Initialized", status: "True" }],
        initContainerStatuses: [
          { name: "mesh", started: true, ready: true, restartCount: 1, state: { running: {} } },
        ],
        containerStatuses: [running("app")],
      },
    );
    assert.deepEqual(summary(p), ["2/2", "Running", "1"]);
  });

  it("shows Terminating for deleted pods and Completed for finished ones", () => {
    const deleting = pod(
      { containers: [{ name: "a" }] },
      { phase: "Running", containerStatuses: [running("a")] },
      {
        deletionTimestamp: ago(1000),
      },
    );
    assert.equal(summary(deleting)[1], "Terminating");
    const done = pod(
      { containers: [{ name: "a" }] },
      {
        phase: "Succeeded",
        containerStatuses: [{ name: "a", state: { terminated: { reason: "Completed", exitCode: 0 } } }],
      },
    );
    const table = toTable([done], { group: "", kind: "Pod", now: NOW });
    assert.deepEqual(table.rows[0].cells.slice(1, 3), ["0/1", "Completed"]);
    assert.deepEqual(table.rows[0].conditions, [
      {
        type: "Completed",
        status: "True",
        reason: "Succeeded",
        message: "The pod has completed successfully.",
      },
    ]);
    const lost = pod(
      { containers: [] },
      { phase: "Running", reason: "NodeLost" },
      { deletionTimestamp: ago(1000) },
    );
    assert.equal(summary(lost)[1], "Unknown");
  });

  it("counts true readiness gates", () => {
    const p = pod(
      {
        containers: [{ name: "a" }],
        readinessGates: [{ conditionType: "lb/ready" }, { conditionType: "dns/ready" }],
      },
      {
        phase: "Running",
        conditions: [{ type: "lb/ready", status: "True" }],
        containerStatuses: [running("a")],
      },
    );
    assert.equal(cellsOf(p)[8], "1/2");
  });
});
