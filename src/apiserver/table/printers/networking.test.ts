import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../../apis/meta/types.ts";
import { toTable } from "../table.ts";

const NOW = Date.parse("2024-05-01T12:00:00Z");

const service = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "shop", creationTimestamp: "2024-04-27T08:00:00Z" },
  spec,
  status,
});

const cells = (obj: KubeObject, group = "") =>
  toTable([obj], { group, kind: obj.kind, now: NOW }).rows[0].cells;

describe("Service printer", () => {
  it("prints TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), AGE and the wide SELECTOR", () => {
    const table = toTable(
      [
        service({
          type: "ClusterIP",
          clusterIP: "10.96.0.10",
          clusterIPs: ["10.96.0.10"],
          selector: { app: "web", tier: "fe" },
          ports: [
            { port: 80, protocol: "TCP" },
            { port: 53, protocol: "UDP" },
          ],
        }),
      ],
      { group: "", kind: "Service", now: NOW },
    );
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"],
    );
    assert.deepEqual(table.rows[0].cells, [
      "web",
      "ClusterIP",
      "10.96.0.10",
      "<none>",
      "80/TCP,53/UDP",
      "4d4h",
      "app=web,tier=fe",
    ]);
  });

  it("formats node ports, external IPs, defaults and headless services", () => {
    assert.deepEqual(
      cells(
        service({
          type: "NodePort",
          clusterIP: "10.0.0.2",
          externalIPs: ["1.2.3.4"],
          ports: [{ port: 80, nodePort: 30080 }],
        }),
      ).slice(1, 5),
      ["NodePort", "10.0.0.2", "1.2.3.4", "80:30080/TCP"],
    );
    assert.deepEqual(cells(service({ clusterIP: "None" })).slice(1, 5), [
      "ClusterIP",
      "None",
      "<none>",
      "<none>",
    ]);
    assert.equal(cells(service({}))[2], "<none>");
    assert.equal(cells(service({}))[6], "<none>");
  });

  it("shows load balancer addresses, or <pending> until one is assigned", () => {
    assert.equal(cells(service({ type: "LoadBalancer", clusterIP: "10.0.0.3" }))[3], "<pending>");
    const lb = service(
      { type: "LoadBalancer", externalIPs: ["9.9.9.9"] },
      {
        loadBalancer: {
          ingress: [{ ip: "34.1.2.3" }, { hostname: "a.elb.example.com" }, { ip: "34.1.2.3" }],
        },
      },
    );
    assert.equal(cells(lb)[3], "34.1.2.3,a.elb.example.com,9.9.9.9");
    assert.equal(
      cells(service({ type: "ExternalName", externalName: "db.example.com" }))[3],
      "db.example.com",
    );
  });
});

describe("other networking printers", () => {
  it("summarises endpoints after three addresses", () => {
    const ep: KubeObject = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: "web", creationTimestamp: "2024-05-01T11:59:00Z" },
      subsets: [
        {
          addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, { ip: "10.0.0.3" }, { ip: "10.0.0.4" }],
          ports: [{ port: 8080 }],
        },
      ],
    };
    assert.deepEqual(cells(ep), ["web", "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 1 more...", "60s"]);
  });

  it("prints ingress hosts, address and ports", () => {
    const ing: KubeObject = {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: "web", creationTimestamp: "2024-05-01T11:00:00Z" },
      spec: {
        ingressClassName: "nginx",
        rules: [{ host: "a.example.com" }, {}],
        tls: [{ hosts: ["a.example.com"] }],
      },
      status: { loadBalancer: { ingress: [{ ip: "5.6.7.8" }] } },
    };
    assert.deepEqual(cells(ing, "networking.k8s.io"), [
      "web",
      "nginx",
      "a.example.com",
      "5.6.7.8",
      "80, 443",
      "60m",
    ]);
  });
});
