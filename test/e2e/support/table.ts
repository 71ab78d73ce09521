// Reads kubectl's human tables the way a person does: by column header. kubectl aligns columns
// with a tabwriter, so each header's offset is where its cells start; cells may contain single
// spaces (RESTARTS "1 (5s ago)"), which is why splitting on whitespace is not enough. A header
// may be two words ("ALLOWED DISRUPTIONS"): the tabwriter always leaves 2+ spaces between columns.

export type Row = Record<string, string>;

/** Parses `kubectl get` output (headers on the first line) into one record per row. */
export function parseTable(text: string): Row[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length === 0) return [];
  const header = lines[0];
  const cols: { name: string; start: number }[] = [];
  for (const m of header.matchAll(/\S+(?: \S+)*/g)) cols.push({ name: m[0], start: m.index });
  return lines.slice(1).map((line) => {
    const row: Row = {};
    cols.forEach((c, i) => {
      const end = i + 1 < cols.length ? cols[i + 1].start : line.length;
      row[c.name] = line.slice(c.start, end).trim();
    });
    return row;
  });
}
