// `mcpctl get -o wide` on templates at the hub: a CLUSTERS column, from each template's
// ResourceBinding — where it is placed and how it does there ("east-1 4/4", "east-2 Conflict").
import type { KubeObject } from "../apis/meta/types.ts";
import type { Table } from "../apiserver/table/types.ts";

interface BindingView {
  spec?: {
    resource?: { kind?: string; namespace?: string; name?: string };
    clusters?: { name: string; replicas?: number }[];
  };
  status?: {
    aggregatedStatus?: { cluster: string; applied?: boolean; reason?: string; availableReplicas?: number }[];
  };
}

/** One cell: every target cluster with its state. */
export function clustersCell(binding: KubeObject): string {
  const b = binding as unknown as BindingView;
  const statuses = new Map((b.status?.aggregatedStatus ?? []).map((s) => [s.cluster, s]));
  return (
    (b.spec?.clusters ?? [])
      .map((c) => {
        const s = statuses.get(c.name);
        if (!s || s.applied === undefined) return `${c.name} Pending`;
        if (!s.applied) return `${c.name} ${s.reason ?? "NotApplied"}`;
        return c.replicas === undefined ? c.name : `${c.name} ${s.availableReplicas ?? 0}/${c.replicas}`;
      })
      .join(", ") || "<none>"
  );
}

/** Adds the CLUSTERS column (wide only) to a table of templates of `kind`. */
export function withClustersColumn(table: Table, kind: string, bindings: KubeObject[]): Table {
  const byTemplate = new Map<string, KubeObject>();
  for (const b of bindings) {
    const r = (b as unknown as BindingView).spec?.resource;
    if (r?.kind === kind) byTemplate.set(`${r.namespace ?? ""}/${r.name}`, b);
  }
  return {
    ...table,
    columnDefinitions: [
      ...table.columnDefinitions,
      {
        name: "Clusters",
        type: "string",
        format: "",
        description: "The member clusters MCP placed the object on, and its state in each",
        priority: 1,
      },
    ],
    rows: table.rows.map((row) => {
      const md = row.object?.metadata;
      const b = md ? byTemplate.get(`${md.namespace ?? ""}/${md.name}`) : undefined;
      return { ...row, cells: [...row.cells, b ? clustersCell(b) : "<none>"] };
    }),
  };
}
