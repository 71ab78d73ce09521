// Benchmark settings from the environment: every bench reads its sizes and switches once, with
// the same rules (unset or empty means the default; anything else must be valid or the run fails
// before it starts).

/** An integer variable of at least `min`. */
export function envInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

/** A comma-separated list of integers, each at least `min`. */
export function envIntList(name: string, fallback: number[], min = 1): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  return raw.split(",").map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n < min)
      throw new Error(`${name} takes integers >= ${min} separated by commas, got "${raw}"`);
    return n;
  });
}

/** The hub's --durability (BENCH_DURABILITY, default "full", the hub's own default). */
export function envDurability(): "full" | "normal" {
  const durability = process.env.BENCH_DURABILITY || "full";
  if (durability !== "full" && durability !== "normal")
    throw new Error(`BENCH_DURABILITY takes full or normal, got "${durability}"`);
  return durability;
}
