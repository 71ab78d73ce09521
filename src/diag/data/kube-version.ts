// Version arithmetic the compatibility data needs: Kubernetes and component versions as they
// appear in image tags and /version ("v1.29.4", "1.29", "3.5.12-0", "v1.30.1-eks-1234"), compared
// by minor because every compatibility rule in ./ is stated per minor.

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

/** Parses the leading MAJOR.MINOR[.PATCH] of a version or tag; undefined when there is none. */
export function parseVersion(text: string | undefined): Version | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text?.trim() ?? "");
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** a's minor minus b's minor, counting across majors as if minors were consecutive (they are, for 1.x). */
export function minorDistance(a: Version, b: Version): number {
  return (a.major - b.major) * 1000 + (a.minor - b.minor);
}

/** "1.29" for v1.29.4. */
export function minorString(v: Version): string {
  return `${v.major}.${v.minor}`;
}

export function versionString(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** The minor a row like "1.29" names, for tables keyed by minor. */
export function parseMinor(text: string): Version {
  const v = parseVersion(text);
  if (!v) throw new Error(`not a version: ${text}`);
  return { ...v, patch: 0 };
}
