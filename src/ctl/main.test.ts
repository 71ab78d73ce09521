import assert from "node:assert/strict";
import { test } from "node:test";
import { MCP_VERSION } from "../cli/version.ts";
import type { Command } from "./command.ts";
import { commands, runCtl } from "./main.ts";
import { captureIo } from "./testing.ts";

test("--version and version --client need no hub", async () => {
  const io = captureIo();
  assert.equal(await runCtl(["--version"], io), 0);
  assert.equal(io.stdout, `mcpctl ${MCP_VERSION}\n`);
  const io2 = captureIo();
  assert.equal(await runCtl(["version", "--client"], io2), 0);
  assert.equal(io2.stdout, `Client Version: v${MCP_VERSION}\n`);
});

test("every command and subcommand has --help documenting its flags and defaults", async () => {
  const top = captureIo();
  assert.equal(await runCtl(["--help"], top), 0);
  for (const c of commands) assert.match(top.stdout, new RegExp(`\\n  ${c.name} `));
  // Subcommands nest (`cluster token create`): every level has its own help.
  const pathsOf = (c: Command, prefix: string[]): string[][] => [
    [...prefix, c.name],
    ...(c.subcommands ?? []).flatMap((s) => pathsOf(s, [...prefix, c.name])),
  ];
  const paths = commands.flatMap((c) => pathsOf(c, []));
  assert.ok(paths.some((p) => p.join(" ") === "cluster token create"));
  for (const path of paths) {
    const io = captureIo();
    assert.equal(await runCtl([...path, "--help"], io), 0, path.join(" "));
    assert.match(io.stdout, /Usage:\n {2}mcpctl /, path.join(" "));
    assert.match(io.stdout, /--kubeconfig STRING/, path.join(" "));
  }
  const get = captureIo();
  await runCtl(["help", "get"], get);
  assert.match(
    get.stdout,
    /-o, --output STRING +Output format: table\|wide\|json\|yaml\|name \(default table\)/,
  );
});

test("usage mistakes are one line on stderr and exit 2", async () => {
  for (const argv of [
    ["frob"],
    ["get"],
    ["get", "ns", "--bogus"],
    ["get", "ns", "-o", "xml"],
    ["create", "token"],
    ["cluster", "frob"],
    ["cluster", "token", "revoke"],
  ]) {
    const io = captureIo();
    assert.equal(await runCtl(argv, io), 2, argv.join(" "));
    assert.equal(io.stderr.split("\n").filter(Boolean).length, 1, io.stderr);
    assert.match(io.stderr, /^error: /);
  }
});

test("global flags may come before the command, and their values are not taken for it", async () => {
  const io = captureIo();
  assert.equal(await runCtl(["--kubeconfig", "/nonexistent/k", "-n", "shop", "get", "ns"], io), 1);
  assert.match(io.stderr, /^error: kubeconfig \/nonexistent\/k does not exist/);
});
