import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decodeFieldsV1,
  encodeFieldsV1,
  type FieldSet,
  fieldElement as f,
  keyElement,
  pathKey,
  pathString,
  valueElement,
} from "./fieldpath.ts";

const set = (...paths: string[][]): FieldSet => new Set(paths.map(pathKey));

test("key elements are compact JSON with fields sorted by name", () => {
  assert.equal(keyElement({ protocol: "TCP", containerPort: 80 }), 'k:{"containerPort":80,"protocol":"TCP"}');
  assert.equal(keyElement({ name: "a<b" }), 'k:{"name":"a\\u003cb"}', "HTML characters escaped as Go does");
  assert.equal(valueElement("example.com/finalizer"), 'v:"example.com/finalizer"');
});

test("FieldsV1 puts `.` first for a member with children, and orders fields before keys", () => {
  const item = ["f:spec", "f:containers", keyElement({ name: "nginx" })];
  const s = set(
    item,
    [...item, f("name")],
    [...item, f("image")],
    ["f:spec", "f:replicas"],
    ["f:metadata", "f:labels", "f:app"],
  );
  const encoded = encodeFieldsV1(s);
  assert.equal(
    JSON.stringify(encoded),
    '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}},"f:replicas":{}}}',
  );
  assert.deepEqual(decodeFieldsV1(encoded), s);
});

test("decoding canonicalizes keys and reads `.` as membership", () => {
  const decoded = decodeFieldsV1({
    "f:spec": { "f:ports": { ".": {}, 'k:{"protocol":"TCP","port":80}': { ".": {}, "f:port": {} } } },
  });
  const ports = ["f:spec", "f:ports"];
  const item = [...ports, 'k:{"port":80,"protocol":"TCP"}'];
  assert.deepEqual(decoded, set(ports, item, [...item, "f:port"]));
  assert.throws(() => decodeFieldsV1({ "x:bad": {} }));
});

test("human-readable paths match the apiserver's conflict messages", () => {
  assert.equal(pathString(["f:spec", "f:replicas"]), ".spec.replicas");
  assert.equal(
    pathString(["f:spec", "f:template", "f:spec", "f:containers", keyElement({ name: "nginx" }), "f:image"]),
    '.spec.template.spec.containers[name="nginx"].image',
  );
  assert.equal(
    pathString(["f:spec", "f:ports", keyElement({ port: 80, protocol: "TCP" })]),
    '.spec.ports[port=80,protocol="TCP"]',
  );
  assert.equal(pathString(["f:metadata", "f:finalizers", valueElement("a")]), '.metadata.finalizers[="a"]');
});
