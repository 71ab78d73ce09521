// How metrics-server and the HPA controller write numbers: resource.Quantity in its canonical
// form (CPU as nanocores, "4093436n" / "250m"; memory in bytes, "12896Ki"; HPA averages in
// milli-units) and Go's time.Duration text for a window ("15s", "10.5s", "1m0s").

const DECIMAL: [number, string][] = [
  [18, "E"],
  [15, "P"],
  [12, "T"],
  [9, "G"],
  [6, "M"],
  [3, "k"],
  [0, ""],
  [-3, "m"],
  [-6, "u"],
  [-9, "n"],
];

/**
 * `units` × 10^`exponent` in DecimalSI canonical form: the largest suffix that keeps the number
 * whole (Quantity.String() of NewScaledQuantity(units, exponent)).
 */
export function decimalQuantity(units: number, exponent: number): string {
  const n = Math.round(units);
  if (n === 0) return "0";
  for (const [e, suffix] of DECIMAL) {
    if (e < exponent) break;
    const div = 10 ** (e - exponent);
    if (n % div === 0) return `${n / div}${suffix}`;
  }
  return `${n}${DECIMAL.find(([e]) => e === exponent)?.[1] ?? ""}`;
}

/** CPU nanocores as metrics-server reports them. */
export const cpuQuantity = (nanocores: number) => decimalQuantity(nanocores, -9);

/** A milli-value (the HPA's averageValue), as resource.NewMilliQuantity(v, DecimalSI). */
export const milliQuantity = (milli: number) => decimalQuantity(milli, -3);

const BINARY: [number, string][] = [
  [2 ** 60, "Ei"],
  [2 ** 50, "Pi"],
  [2 ** 40, "Ti"],
  [2 ** 30, "Gi"],
  [2 ** 20, "Mi"],
  [2 ** 10, "Ki"],
];

/** Bytes in BinarySI canonical form: a power-of-1024 suffix when it divides exactly. */
export function bytesQuantity(bytes: number): string {
  const n = Math.round(bytes);
  if (n === 0) return "0";
  for (const [div, suffix] of BINARY) if (n % div === 0) return `${n / div}${suffix}`;
  return String(n);
}

/** time.Duration.String() of a whole number of milliseconds. */
export function goDuration(ms: number): string {
  const total = Math.round(ms);
  if (total === 0) return "0s";
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = ((total % 60_000) / 1000).toFixed(3).replace(/\.?0+$/, "");
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
