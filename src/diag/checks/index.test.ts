// The registry's invariants, whatever checks the areas add: unique stable codes in the report
// schema's format, each check listed under its own area, reads that the snapshot can supply,
// and the texts the table, SARIF rules and `mcp-diag checks` print.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SNAPSHOT_SOURCES } from "../resources.ts";
import { FRAMEWORK_RULES } from "../scan.ts";
import { AREAS, allChecks } from "./index.ts";
import { checks as network } from "./network/index.ts";
import { checks as nodes } from "./nodes/index.ts";
import { checks as operations } from "./operations/index.ts";
import { checks as security } from "./security/index.ts";
import { checks as storage } from "./storage/index.ts";
import { checks as version } from "./version/index.ts";
import { checks as workloads } from "./workloads/index.ts";

test("codes are unique and look like MCP-AREA-000", () => {
  const codes = [...allChecks, ...FRAMEWORK_RULES].map((c) => c.code);
  assert.deepEqual(
    codes.filter((c, i) => codes.indexOf(c) !== i),
    [],
    "duplicate codes",
  );
  for (const c of codes) assert.match(c, /^MCP-[A-Z]+-\d{3}$/);
});

test("every area's index holds only checks of that area, and the registry holds them all", () => {
  const byArea = { version, nodes, workloads, storage, network, operations, security };
  assert.deepEqual(Object.keys(byArea), AREAS);
  for (const [area, list] of Object.entries(byArea))
    for (const c of list) assert.equal(c.area, area, `${c.code} is listed under ${area}`);
  assert.equal(allChecks.length, Object.values(byArea).flat().length);
});

test("every check reads only what a snapshot holds, and has the texts reports print", () => {
  for (const c of allChecks) {
    for (const k of c.reads) assert.ok(k in SNAPSHOT_SOURCES, `${c.code} reads unknown key ${k}`);
    assert.ok(["info", "warning", "error"].includes(c.severity), c.code);
    assert.ok(c.title.trim() && c.title.length <= 80, `${c.code} title`);
    assert.ok(c.description.trim(), `${c.code} description`);
    assert.equal(typeof c.run, "function");
  }
});

test("checks read only the snapshot keys they declare (the scan lists nothing else)", () => {
  const undeclared: string[] = [];
  for (const c of allChecks) {
    const touched = new Set<string>();
    const objects = new Proxy(
      {},
      {
        get(_t, key) {
          touched.add(String(key));
          return [];
        },
      },
    );
    c.run({
      snapshot: {
        kubernetesVersion: "v1.30.2",
        objects,
        unreadable: {},
        servedResources: [],
        kubeconfigCertificates: [],
      },
      targetVersion: "1.32",
      now: new Date(),
    });
    for (const k of touched) if (!(c.reads as string[]).includes(k)) undeclared.push(`${c.code} reads ${k}`);
  }
  assert.deepEqual(undeclared, []);
});
