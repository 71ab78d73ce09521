import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { humanDuration, since } from "./duration.ts";

const ms = 1;
const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe("humanDuration", () => {
  const cases: [duration: number, expected: string][] = [
    [-2 * s, "<invalid>"],
    [-2 * s + ms, "0s"],
    [-500 * ms, "0s"],
    [0, "0s"],
    [999 * ms, "0s"],
    [5 * s, "5s"],
    [70 * s, "70s"],
    [2 * m - ms, "119s"],
    [2 * m, "2m"],
    [2 * m + s, "2m1s"],
    [3 * m + 20 * s, "3m20s"],
    [10 * m - ms, "9m59s"],
    [10 * m, "10m"],
    [10 * m + 30 * s, "10m"],
    [70 * m, "70m"],
    [3 * h - ms, "179m"],
    [3 * h, "3h"],
    [3 * h + m, "3h1m"],
    [5 * h, "5h"],
    [8 * h - ms, "7h59m"],
    [8 * h + 59 * m, "8h"],
    [47 * h, "47h"],
    [2 * d, "2d"],
    [49 * h, "2d1h"],
    [3 * d + 4 * h, "3d4h"],
    [8 * d - ms, "7d23h"],
    [8 * d + 23 * h, "8d"],
    [400 * d, "400d"],
    [2 * y - ms, "729d"],
    [2 * y, "2y"],
    [2 * y + 24 * h - ms, "2y"],
    [2 * y + 100 * d, "2y100d"],
    [8 * y - ms, "7y364d"],
    [8 * y, "8y"],
    [8 * y + 364 * d, "8y"],
    [12 * y, "12y"],
  ];
  for (const [duration, expected] of cases) {
    it(`${duration}ms -> ${expected}`, () => assert.equal(humanDuration(duration), expected));
  }
});

describe("since", () => {
  const now = Date.parse("2024-05-01T12:00:00Z");
  it("prints the age of a timestamp, or <unknown> without one", () => {
    assert.equal(since("2024-05-01T11:55:00Z", now), "5m");
    assert.equal(since("2024-04-28T08:00:00Z", now), "3d4h");
    assert.equal(since(undefined, now), "<unknown>");
    assert.equal(since("", now), "<unknown>");
  });
});
