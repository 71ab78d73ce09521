// Immutable fields against a simulated member, which refuses them as kube-apiserver does: a Job's
// pod template and an immutable ConfigMap's data. Without Recreate the member's 422 is reported
// and the object stays as it was; with it, the object is re-created with the new content.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { id, marked, namespace, startTestMember } from "./testing.ts";

const RECREATE = { "mcp.platform/immutable-field-change": "Recreate" };

function job(image: string): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "migrate", namespace: "shop" },
    spec: {
      template: {
        spec: { restartPolicy: "Never", containers: [{ name: "migrate", image }] },
      },
    },
  };
}

const imageOf = (o: KubeObject | undefined) =>
  (o?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec
    .containers[0].image;

test("a Job's new template: reported as the member refuses it, or re-created with immutableFieldChange: Recreate", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier({ recreateTimeoutMs: 10_000 });
  const ns = marked(namespace("shop"), 1);
  await applier.apply({
    revision: 1,
    full: true,
    deletions: [],
    manifests: [ns, marked(job("migrate:1"), 1)],
  });
  const first = await m.user.get(id(job("migrate:1")));
  assert.equal(imageOf(first), "migrate:1");

  // Default: the member's own words, what resolves it, and the Job untouched.
  const refused = await applier.apply({
    revision: 2,
    full: true,
    deletions: [],
    manifests: [ns, marked(job("migrate:2"), 2)],
  });
  const failed = refused?.find((s) => s.identifier.kind === "Job");
  assert.equal(failed?.applied, false);
  assert.match(
    failed?.message ?? "",
    /Job\.batch "migrate" is invalid: spec\.template: Invalid value: .*field is immutable/,
  );
  assert.match(failed?.message ?? "", /immutableFieldChange: Recreate/);
  assert.equal((await m.user.get(id(job("x"))))?.metadata.uid, first?.metadata.uid);

  // Recreate: a new Job (another uid) with the new template.
  const recreated = await applier.apply({
    revision: 3,
    full: true,
    deletions: [],
    manifests: [ns, marked(job("migrate:2"), 3, RECREATE)],
  });
  const s = recreated?.find((x) => x.identifier.kind === "Job");
  assert.equal(s?.applied, true, s?.message);
  assert.equal(s?.message, "re-created in the member: spec.template cannot be changed in place");
  const now = await m.user.get(id(job("x")));
  assert.notEqual(now?.metadata.uid, first?.metadata.uid);
  assert.equal(imageOf(now), "migrate:2");
  assert.equal(now?.metadata.labels?.["mcp.platform/managed"], "true");
});

test("an immutable ConfigMap whose data changed is re-created with Recreate", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier({ recreateTimeoutMs: 10_000 });
  const cm = (v: string): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "settings", namespace: "default" },
    immutable: true,
    data: { v },
  });
  await applier.apply({ revision: 1, full: true, deletions: [], manifests: [marked(cm("1"), 1, RECREATE)] });
  const [s] =
    (await applier.apply({
      revision: 2,
      full: true,
      deletions: [],
      manifests: [marked(cm("2"), 2, RECREATE)],
    })) ?? [];
  assert.equal(s.applied, true, s.message);
  assert.equal(s.message, "re-created in the member: data cannot be changed in place");
  assert.deepEqual((await m.user.get(id(cm("x"))))?.data, { v: "2" });
});
