import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFlags, UsageError } from "../cli/flags.ts";
import { Backoff } from "./backoff.ts";
import { agentFlags, compileAgentOptions, DEFAULT_BACKOFF, parseHubAddress } from "./options.ts";

const compile = (...args: string[]) => compileAgentOptions(parseFlags(agentFlags, args).flags);

test("--hub takes a URL or HOST:PORT and dials HOST:PORT", () => {
  assert.equal(parseHubAddress("https://127.0.0.1:6444"), "127.0.0.1:6444");
  assert.equal(parseHubAddress("hub.example.com:7000"), "hub.example.com:7000");
  assert.equal(parseHubAddress("https://hub.example.com"), "hub.example.com:6444");
  assert.equal(parseHubAddress("[::1]:6444"), "[::1]:6444");
  assert.throws(() => parseHubAddress("http://hub:6444"), /must use https/);
  assert.throws(() => parseHubAddress("https://hub:6444/api"), /only a host and port/);
});

test("options compile with defaults; required flags and bad values are usage errors", () => {
  const o = compile(
    "--hub",
    "127.0.0.1:6444",
    "--hub-ca",
    "ca.crt",
    "--cluster-name",
    "east",
    "--labels",
    "region=us,env=prod",
  );
  assert.equal(o.hubTarget, "127.0.0.1:6444");
  assert.deepEqual(o.labels, { region: "us", env: "prod" });
  assert.match(o.stateDir, /mcp-agent-state$/);
  assert.equal(o.kubeconfigPath, undefined, "in-cluster by default");
  assert.equal(o.bootstrapToken, undefined);
  assert.deepEqual(o.backoff, DEFAULT_BACKOFF);
  assert.throws(() => compile("--hub-ca", "ca.crt", "--cluster-name", "east"), /--hub is required/);
  assert.throws(() => compile("--hub", "h:1", "--hub-ca", "c", "--cluster-name", "East_1"), UsageError);
  assert.throws(
    () => compile("--hub", "h:1", "--hub-ca", "c", "--cluster-name", "e", "--labels", "novalue"),
    /k=v/,
  );
});

test("backoff doubles from 0.5 s to a 30 s cap, jittered ±20%, and resets", () => {
  const mid = new Backoff(DEFAULT_BACKOFF, () => 0.5);
  assert.deepEqual(
    Array.from({ length: 9 }, () => mid.next()),
    [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  );
  mid.reset();
  assert.equal(mid.next(), 500);
  const low = new Backoff(DEFAULT_BACKOFF, () => 0);
  const high = new Backoff(DEFAULT_BACKOFF, () => 1);
  assert.deepEqual([low.next(), high.next()], [400, 600]);
});
