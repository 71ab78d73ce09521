// Kubernetes resource quantities ("8", "7800m", "32Gi", "1.5G", "1e3") with exact arithmetic:
// values are held as integer nano-units (BigInt) so that summing the capacity of a hundred nodes
// never drifts, and are written back in Kubernetes' canonical form (the largest suffix that keeps
// the number whole, in the format of the first operand), as `kubectl describe node` shows them.

export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

export interface Quantity {
  /** The value times 10^9; anything finer than a nano-unit is rounded up, as Kubernetes does. */
  nano: bigint;
  format: QuantityFormat;
}

const BINARY_POWER: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_EXP: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const DECIMAL_SUFFIX: Record<number, string> = Object.fromEntries(
  Object.entries(DECIMAL_EXP).map(([s, e]) => [e, s]),
);
const BINARY_SUFFIX = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
const GRAMMAR = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/;
const NANO = 10n ** 9n;

const pow10 = (n: number) => 10n ** BigInt(n);

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b === 0n ? q : a > 0n ? q + 1n : q;
}

/** Parses a quantity; undefined when the text is not one. */
export function parseQuantity(text: string | number | undefined): Quantity | undefined {
  if (text === undefined) return undefined;
  const m = GRAMMAR.exec(String(text).trim());
  if (!m) return undefined;
  const [, sign, whole = "", frac = "", suffix = ""] = m;
  if (whole === "" && frac === "") return undefined;
  const mantissa = BigInt(`${whole}${frac}` || "0") * (sign === "-" ? -1n : 1n);
  let nano: bigint;
  let format: QuantityFormat;
  if (suffix in BINARY_POWER) {
    format = "BinarySI";
    nano = ceilDiv(mantissa * 1024n ** BigInt(BINARY_POWER[suffix]) * NANO, pow10(frac.length));
  } else {
    const exponential = suffix.length > 1 && /^[eE]/.test(suffix);
    format = exponential ? "DecimalExponent" : "DecimalSI";
    const exp = (exponential ? Number(suffix.slice(1)) : DECIMAL_EXP[suffix]) + 9 - frac.length;
    nano = exp >= 0 ? mantissa * pow10(exp) : ceilDiv(mantissa, pow10(-exp));
  }
  return { nano, format };
}

/** The canonical text of a quantity, e.g. 1.5G → "1500M", 8000m → "8", 64Gi stays "64Gi". */
export function formatQuantity(q: Quantity): string {
  if (q.nano === 0n) return "0";
  const sign = q.nano < 0n ? "-" : "";
  const abs = q.nano < 0n ? -q.nano : q.nano;
  // As Kubernetes does, binary values below 1Ki or not whole are written in decimal.
  if (q.format === "BinarySI" && abs % NANO === 0n && abs >= 1024n * NANO) {
    const units = abs / NANO;
    for (let p = BINARY_SUFFIX.length - 1; p >= 0; p--) {
      const base = 1024n ** BigInt(p);
      if (units % base === 0n) return `${sign}${units / base}${BINARY_SUFFIX[p]}`;
    }
  }
  // Decimal: the largest power of 1000 (from nano to exa) that divides the value exactly.
  for (let exp = 18; exp >= -9; exp -= 3) {
    const base = pow10(exp + 9);
    if (abs % base === 0n) {
      const suffix = q.format === "DecimalExponent" ? (exp === 0 ? "" : `e${exp}`) : DECIMAL_SUFFIX[exp];
      return `${sign}${abs / base}${suffix}`;
    }
  }
  return `${sign}${abs}n`;
}

/** a + b, in a's format (as Kubernetes' Quantity.Add keeps the receiver's format). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano + b.nano, format: a.format };
}

/** The sum of quantities given as text; unparsable entries are skipped. undefined for none. */
export function sumQuantities(texts: Iterable<string | undefined>): string | undefined {
  let total: Quantity | undefined;
  for (const t of texts) {
    const q = parseQuantity(t);
    if (q) total = total ? addQuantities(total, q) : q;
  }
  return total && formatQuantity(total);
}

/** The value as a float in base units (cores, bytes), for ratios and gauges. */
export function quantityValue(q: Quantity): number {
  return Number(q.nano) / 1e9;
}
