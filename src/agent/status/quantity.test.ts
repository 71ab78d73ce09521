import assert from "node:assert/strict";
import { test } from "node:test";
import { formatQuantity, parseQuantity, quantityValue, sumQuantities } from "./quantity.ts";

const canon = (s: string) => formatQuantity(parseQuantity(s)!);

test("parses every suffix family", () => {
  assert.equal(quantityValue(parseQuantity("8")!), 8);
  assert.equal(quantityValue(parseQuantity("7800m")!), 7.8);
  assert.equal(quantityValue(parseQuantity("32Gi")!), 32 * 2 ** 30);
  assert.equal(quantityValue(parseQuantity("1.5G")!), 1.5e9);
  assert.equal(quantityValue(parseQuantity("1e3")!), 1000);
  assert.equal(quantityValue(parseQuantity("1E")!), 1e18, "a bare E is exa, not an exponent");
  assert.equal(quantityValue(parseQuantity(".5")!), 0.5);
  assert.equal(quantityValue(parseQuantity("-250m")!), -0.25);
  assert.equal(parseQuantity("110")?.format, "DecimalSI");
  assert.equal(parseQuantity("1Mi")?.format, "BinarySI");
  assert.equal(parseQuantity("5e2")?.format, "DecimalExponent");
});

test("rejects what is not a quantity", () => {
  for (const bad of ["", "abc", "1.2.3", "5 Gi", "1e", "Gi", "--1", "1Gb"])
    assert.equal(parseQuantity(bad), undefined, bad);
});

test("canonical form is the largest suffix that keeps the number whole", () => {
  assert.equal(canon("1.5G"), "1500M");
  assert.equal(canon("8000m"), "8");
  assert.equal(canon("7800m"), "7800m");
  assert.equal(canon("1024Mi"), "1Gi");
  assert.equal(canon("1536Mi"), "1536Mi");
  assert.equal(canon("0.5Gi"), "512Mi");
  assert.equal(canon("100"), "100");
  assert.equal(canon("500"), "500");
  assert.equal(canon("1000"), "1k");
  assert.equal(canon("0"), "0");
  assert.equal(canon("0Gi"), "0");
  assert.equal(canon("512"), "512", "a small number is never given a binary suffix");
  assert.equal(canon("1e3"), "1e3");
  assert.equal(canon("1.5e3"), "1500");
  assert.equal(canon("1n"), "1n");
  assert.equal(canon("0.1n"), "1n", "finer than nano rounds up, as Kubernetes does");
});

test("sums exactly, in the first operand's format", () => {
  assert.equal(sumQuantities(["8", "8", "4"]), "20");
  assert.equal(sumQuantities(["7800m", "7800m"]), "15600m");
  assert.equal(sumQuantities(["7800m", "200m"]), "8");
  assert.equal(sumQuantities(["32Gi", "32Gi"]), "64Gi");
  assert.equal(sumQuantities(["32879180Ki", "32879180Ki"]), "65758360Ki");
  assert.equal(sumQuantities(["16Gi", "17179869184"]), "32Gi", "bytes and Gi mix exactly");
  assert.equal(sumQuantities(["1.5G", "500M"]), "2G");
  assert.equal(sumQuantities(["110", "110", "110"]), "330");
  // 0.1 + 0.2 is not 0.30000000000000004 here.
  assert.equal(sumQuantities(["100m", "200m"]), "300m");
  assert.equal(sumQuantities(Array.from({ length: 100 }, () => "3900m")), "390");
  assert.equal(sumQuantities([undefined, "nonsense", "2"]), "2");
  assert.equal(sumQuantities([]), undefined);
});
