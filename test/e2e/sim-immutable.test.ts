// Immutable fields, the kubectl way: an apply that changes what kube-apiserver never lets change
// (a Deployment's selector, an immutable ConfigMap's data, a Secret's type, a Job's template,
// most of a Pod's, a PersistentVolumeClaim's or a StatefulSet's spec) fails with kubectl's usual
// "The <Kind> "<name>" is invalid: <field>: ..." and changes nothing, what may change still
// does, and `kubectl replace --force` (delete, then create) is the way out. Portable like
// sim-kubectl.test.ts: with MCP_E2E_KUBECONFIG set it runs against that cluster, where only the
// wording common to every recent release is asserted; against mcp-sim the exact text of the
// simulated release is.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SETTLE, TEST_TIMEOUT, useKubeSession } from "./support/kube-session.ts";
import { manifestFile } from "./support/manifests.ts";
import { EXTERNAL_KUBECONFIG } from "./support/target.ts";
import { eventually } from "./support/wait.ts";

const T = TEST_TIMEOUT;
const SIM = EXTERNAL_KUBECONFIG === undefined;
const session = useKubeSession({
  prefix: "mcp-e2e-immut",
  nodes: 2,
  simArgs: ["--k8s-version", "1.30.2"],
});
const { k, inNs } = session;

const file = (name: string, text: string) => manifestFile(session.target.workDir, name, text);
const apply = async (name: string, text: string) =>
  k(["-n", session.ns, "apply", "-f", await file(name, text)]);
const getJson = async (...args: string[]) => JSON.parse(await inNs(["get", ...args, "-o", "json"]));

/** A failed kubectl: non-zero exit, and its error (stderr) for the assertions. */
function failed(r: { code: number | null; stdout: string; stderr: string }): string {
  assert.notEqual(r.code, 0, `expected a failure, got: ${r.stdout}`);
  return r.stderr;
}

function deploymentYaml(name: string, labels: Record<string, string>): string {
  const l = JSON.stringify(labels);
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: ${l}}
  template:
    metadata: {labels: ${l}}
    spec:
      containers: [{name: web, image: "nginx:1.25"}]
`;
}

test(
  "kubectl apply of a Deployment with a changed selector: field is immutable; replace --force recreates it",
  T,
  async () => {
    const created = await apply("sel-1.yaml", deploymentYaml("sel", { app: "sel" }));
    assert.equal(created.code, 0, created.stderr);
    const changed = deploymentYaml("sel", { app: "sel", tier: "web" });
    const err = failed(await apply("sel-2.yaml", changed));
    assert.match(
      err,
      /The Deployment "sel" is invalid: spec\.selector: Invalid value: .*: field is immutable/,
    );
    if (SIM)
      assert.match(
        err,
        /spec\.selector: Invalid value: v1\.LabelSelector\{MatchLabels:map\[string\]string\{"app":"sel", "tier":"web"\}, MatchExpressions:\[\]v1\.LabelSelectorRequirement\(nil\)\}: field is immutable/,
      );
    assert.deepEqual((await getJson("deployment", "sel")).spec.selector, { matchLabels: { app: "sel" } });

    // What may change still does.
    assert.match(await inNs(["scale", "deployment", "sel", "--replicas=2"]), /scaled/);
    assert.match(await inNs(["label", "deployment", "sel", "team=a"]), /labeled/);

    const replaced = await k([
      "-n",
      session.ns,
      "replace",
      "--force",
      "-f",
      await file("sel-2.yaml", changed),
    ]);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stdout, /deployment\.apps "sel" deleted/);
    assert.match(replaced.stdout, /deployment\.apps\/sel replaced/);
    assert.deepEqual((await getJson("deployment", "sel")).spec.selector, {
      matchLabels: { app: "sel", tier: "web" },
    });
  },
);

test("an immutable ConfigMap: apply of a changed value is Forbidden, replace --force works", T, async () => {
  const generated = await inNs([
    "create",
    "configmap",
    "frozen",
    "--from-literal=a=1",
    "--dry-run=client",
    "-o",
    "yaml",
  ]);
  const frozen = `${generated.trimEnd()}\nimmutable: true\n`;
  const created = await apply("cm-1.yaml", frozen);
  assert.equal(created.code, 0, created.stderr);

  const changed = frozen.replace(/^ {2}a: "1"$/m, '  a: "2"');
  assert.notEqual(changed, frozen, generated);
  const err = failed(await apply("cm-2.yaml", changed));
  assert.match(
    err,
    /The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set/,
  );
  const unfrozen = failed(
    await k(["-n", session.ns, "patch", "configmap", "frozen", "--type=merge", "-p", '{"immutable":false}']),
  );
  assert.match(
    unfrozen,
    /The ConfigMap "frozen" is invalid: immutable: Forbidden: field is immutable when `immutable` is set/,
  );
  assert.equal((await getJson("configmap", "frozen")).data.a, "1");
  // Metadata is not data.
  assert.match(await inNs(["label", "configmap", "frozen", "team=a"]), /labeled/);

  const replaced = await k(["-n", session.ns, "replace", "--force", "-f", await file("cm-2.yaml", changed)]);
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.equal((await getJson("configmap", "frozen")).data.a, "2");
});

test("a Secret's type never changes", T, async () => {
  await inNs(["create", "secret", "generic", "creds", "--from-literal=user=admin"]);
  const err = failed(
    await k([
      "-n",
      session.ns,
      "patch",
      "secret",
      "creds",
      "--type=merge",
      "-p",
      '{"type":"kubernetes.io/basic-auth"}',
    ]),
  );
  assert.match(
    err,
    /The Secret "creds" is invalid: type: Invalid value: "kubernetes\.io\/basic-auth": field is immutable/,
  );
});

test("a scheduled Pod: the image may change, labels too, the rest of its spec not", T, async () => {
  await inNs(["run", "solo", "--image=nginx:1.25"]);
  // The scheduler binds it (spec.nodeName), which no pod update could do.
  await eventually(async () => assert.ok((await getJson("pod", "solo")).spec.nodeName, "not scheduled yet"), {
    ...SETTLE,
    what: "the pod to be scheduled",
  });
  assert.match(await inNs(["set", "image", "pod/solo", "solo=nginx:1.27"]), /image updated/);
  assert.match(await inNs(["label", "pod", "solo", "tier=web"]), /labeled/);
  const err = failed(
    await k([
      "-n",
      session.ns,
      "patch",
      "pod",
      "solo",
      "--type=merge",
      "-p",
      '{"spec":{"restartPolicy":"Never"}}',
    ]),
  );
  assert.match(
    err,
    /The Pod "solo" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,/,
  );
  assert.equal((await getJson("pod", "solo")).spec.containers[0].image, "nginx:1.27");
});

test("a Job's template is immutable", T, async () => {
  await inNs(["create", "job", "once", "--image=busybox:1.36", "--", "true"]);
  // kubectl set image words the failure its own way around the server's message.
  const err = failed(await k(["-n", session.ns, "set", "image", "job/once", "once=busybox:1.37"]));
  assert.match(err, /Job\.batch "once" is invalid: spec\.template: Invalid value: .*: field is immutable/);
  const patched = failed(
    await k([
      "-n",
      session.ns,
      "patch",
      "job",
      "once",
      "--type=json",
      "-p",
      '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"busybox:1.37"}]',
    ]),
  );
  assert.match(patched, /The Job "once" is invalid: spec\.template: Invalid value: .*: field is immutable/);
  // Parallelism is not the template.
  assert.match(
    await inNs(["patch", "job", "once", "--type=merge", "-p", '{"spec":{"parallelism":2}}']),
    /patched/,
  );
});

test("a StatefulSet: replicas may change, serviceName not", T, async () => {
  const sts = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 1
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: "nginx:1.25"}]
`;
  const created = await apply("sts.yaml", sts);
  assert.equal(created.code, 0, created.stderr);
  assert.match(await inNs(["scale", "statefulset", "db", "--replicas=2"]), /scaled/);
  const err = failed(
    await k([
      "-n",
      session.ns,
      "patch",
      "statefulset",
      "db",
      "--type=merge",
      "-p",
      '{"spec":{"serviceName":"other"}}',
    ]),
  );
  assert.match(
    err,
    /The StatefulSet "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', .*'template', 'updateStrategy', .*and 'minReadySeconds' are forbidden/,
  );
});

test("a PersistentVolumeClaim is bound by its controller, and its spec is frozen", T, async () => {
  const claim = `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: user}
spec:
  containers:
  - name: web
    image: nginx:1.25
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
`;
  const created = await apply("pvc.yaml", claim);
  assert.equal(created.code, 0, created.stderr);
  // The volume controller's binding sets spec.volumeName: allowed once, as upstream allows it.
  // (An outside cluster may have no default StorageClass; the claim's spec is frozen either way.)
  if (SIM)
    await eventually(
      async () => {
        const pvc = await getJson("pvc", "data");
        assert.equal(pvc.status.phase, "Bound");
        assert.ok(pvc.spec.volumeName);
      },
      { ...SETTLE, what: "the claim to bind" },
    );
  const err = failed(
    await k([
      "-n",
      session.ns,
      "patch",
      "pvc",
      "data",
      "--type=merge",
      "-p",
      '{"spec":{"accessModes":["ReadWriteMany"]}}',
    ]),
  );
  assert.match(
    err,
    /The PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after creation except resources\.requests (and volumeAttributesClassName )?for bound claims/,
  );
});
