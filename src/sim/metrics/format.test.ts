// Numbers as metrics-server and the HPA write them: canonical quantities and Go durations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesQuantity, cpuQuantity, goDuration, milliQuantity } from "./format.ts";

test("CPU nanocores take the largest exact decimal suffix", () => {
  assert.equal(cpuQuantity(0), "0");
  assert.equal(cpuQuantity(4_093_436), "4093436n");
  assert.equal(cpuQuantity(250_000_000), "250m");
  assert.equal(cpuQuantity(1_500_000_000), "1500m");
  assert.equal(cpuQuantity(2_000_000_000), "2");
  assert.equal(cpuQuantity(3_000), "3u");
});

test("milli-values print as resource.NewMilliQuantity does", () => {
  assert.equal(milliQuantity(97), "97m");
  assert.equal(milliQuantity(1000), "1");
  assert.equal(milliQuantity(52_428_800_000), "52428800");
  assert.equal(milliQuantity(2_000_000), "2k");
});

test("bytes take a power-of-1024 suffix only when it divides", () => {
  assert.equal(bytesQuantity(0), "0");
  assert.equal(bytesQuantity(12_288), "12Ki");
  assert.equal(bytesQuantity(64 * 2 ** 20), "64Mi");
  assert.equal(bytesQuantity(2 ** 30), "1Gi");
  assert.equal(bytesQuantity(1000), "1000");
});

test("windows print as time.Duration.String()", () => {
  assert.equal(goDuration(15_000), "15s");
  assert.equal(goDuration(10_500), "10.5s");
  assert.equal(goDuration(60_000), "1m0s");
  assert.equal(goDuration(3_661_000), "1h1m1s");
  assert.equal(goDuration(500), "500ms");
});
