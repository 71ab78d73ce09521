import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { ManifestStatus } from "./work-object.ts";
import { nextWorkStatus, parseManifestStatuses } from "./work-status.ts";

const ms = (name: string, extra: Partial<ManifestStatus> = {}): ManifestStatus => ({
  identifier: { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name },
  revision: 2,
  applied: true,
  health: "Healthy",
  ...extra,
});

const work = (status?: object): KubeObject => ({
  apiVersion: "mcp.platform/v1",
  kind: "Work",
  metadata: { name: "c1", namespace: "mcp-system" },
  spec: { cluster: "c1", revision: 2, workload: { manifests: [] } },
  ...(status ? { status } : {}),
});

const t0 = new Date("2026-03-01T10:00:00Z");
const t1 = new Date("2026-03-01T10:05:00Z");

describe("Work status from an ack", () => {
  it("records the revision, when it was applied, every manifest status and Applied/Available", () => {
    const s = nextWorkStatus(work(), { revision: 2, statuses: [ms("web"), ms("api")] }, t0)!;
    assert.equal(s.appliedRevision, 2);
    assert.equal(s.lastAppliedTime, "2026-03-01T10:00:00Z");
    assert.deepEqual(
      s.manifestStatuses?.map((m) => m.identifier.name),
      ["api", "web"],
    );
    const cond = Object.fromEntries((s.conditions ?? []).map((c) => [c.type, [c.status, c.reason]]));
    assert.deepEqual(cond, { Applied: ["True", "Applied"], Available: ["True", "Available"] });
  });

  it("is undefined (no write) when the same ack comes again, and keeps the applied time", () => {
    const s = nextWorkStatus(work(), { revision: 2, statuses: [ms("web")] }, t0)!;
    assert.equal(nextWorkStatus(work(s), { revision: 2, statuses: [ms("web")] }, t1), undefined);
    const drift = nextWorkStatus(
      work(s),
      { revision: 2, statuses: [ms("web", { drift: ["spec.replicas"] })] },
      t1,
    )!;
    assert.equal(drift.lastAppliedTime, "2026-03-01T10:00:00Z", "same revision: same applied time");
    assert.deepEqual(drift.manifestStatuses?.[0].drift, ["spec.replicas"]);
  });

  it("an error before anything was applied (revision 0) sets no applied time", () => {
    const s = nextWorkStatus(
      work(),
      { revision: 0, statuses: [], error: "push sync failed: no credential" },
      t0,
    )!;
    assert.equal(s.appliedRevision, 0);
    assert.equal(s.lastAppliedTime, undefined);
    const applied = s.conditions?.find((c) => c.type === "Applied");
    assert.deepEqual([applied?.status, applied?.reason], ["False", "AgentError"]);
    assert.equal(
      nextWorkStatus(work(s), { revision: 0, statuses: [], error: "push sync failed: no credential" }, t1),
      undefined,
    );
  });

  it("reports what is not applied and what is unhealthy", () => {
    const s = nextWorkStatus(
      work(),
      {
        revision: 2,
        statuses: [
          ms("legacy", { applied: false, reason: "Conflict", health: undefined }),
          ms("web", { health: "Unhealthy" }),
        ],
      },
      t0,
    )!;
    const applied = s.conditions?.find((c) => c.type === "Applied");
    assert.equal(applied?.status, "False");
    assert.equal(applied?.reason, "Conflict");
    assert.match(applied?.message ?? "", /Deployment shop\/legacy: Conflict/);
    const available = s.conditions?.find((c) => c.type === "Available");
    assert.equal(available?.status, "False");
    assert.match(available?.message ?? "", /Deployment shop\/web/);
    const failed = nextWorkStatus(
      work(),
      { revision: 1, statuses: [], error: "manifests_json is not JSON" },
      t0,
    )!;
    assert.equal(failed.conditions?.find((c) => c.type === "Applied")?.reason, "AgentError");
  });

  it("an agent's statuses are checked before they are taken", () => {
    assert.deepEqual(parseManifestStatuses(""), []);
    assert.equal(parseManifestStatuses(JSON.stringify([ms("web")]))[0].identifier.name, "web");
    assert.throws(() => parseManifestStatuses("{"), SyntaxError);
    assert.throws(() => parseManifestStatuses(JSON.stringify([{ applied: true }])), /malformed at \/0/);
    assert.throws(
      () => parseManifestStatuses(JSON.stringify([ms("web", { health: "Great" as "Healthy" })])),
      /malformed/,
    );
  });
});
