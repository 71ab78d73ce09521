// Reading manifests for apply/create/replace/delete -f: files, directories (.yaml, .yml, .json;
// recursively with -R), stdin ("-"), multi-document YAML and v1 Lists. A bad document becomes an
// entry with an error naming its file and document number, so the rest still get applied.
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { parseAllDocuments, type YAMLError } from "yaml";
import { isObject, type KubeObject } from "../apis/meta/types.ts";

export interface ManifestDoc {
  /** The file path, or "stdin". */
  source: string;
  /** 1-based document number within the source; 0 when the whole source failed. */
  index: number;
  /** 1-based position inside a `kind: List` document. */
  item?: number;
  object?: KubeObject;
  error?: string;
}

export interface ReadOptions {
  recursive: boolean;
  readStdin: () => Promise<string>;
}

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/** Where a document came from, as errors name it: `app.yaml (document 2)`. */
export function docLabel(doc: Pick<ManifestDoc, "source" | "index" | "item">): string {
  if (doc.index === 0) return doc.source;
  return `${doc.source} (document ${doc.index}${doc.item ? `, item ${doc.item}` : ""})`;
}

export async function readManifests(paths: string[], opts: ReadOptions): Promise<ManifestDoc[]> {
  const out: ManifestDoc[] = [];
  let stdinRead = false;
  for (const path of paths) {
    if (path === "-") {
      if (stdinRead) continue;
      stdinRead = true;
      out.push(...parseManifests(await opts.readStdin(), "stdin"));
      continue;
    }
    for (const file of await expandPath(path, opts.recursive, true)) {
      if ("error" in file) {
        out.push({ source: file.path, index: 0, error: file.error });
        continue;
      }
      try {
        out.push(...parseManifests(await readFile(file.path, "utf8"), file.path));
      } catch (e) {
        out.push({ source: file.path, index: 0, error: fsMessage(e) });
      }
    }
  }
  return out;
}

type Expanded = { path: string } | { path: string; error: string };

/** The manifest files a path names: itself, or a directory's manifest files in name order. */
async function expandPath(path: string, recursive: boolean, top: boolean): Promise<Expanded[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (e) {
    return [
      {
        path,
        error: (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : fsMessage(e),
      },
    ];
  }
  if (!info.isDirectory()) return [{ path }];
  if (!top && !recursive) return [];
  const names = (await readdir(path)).sort();
  const out: Expanded[] = [];
  for (const name of names) {
    const child = join(path, name);
    const childInfo = await stat(child).catch(() => undefined);
    if (childInfo?.isDirectory()) out.push(...(await expandPath(child, recursive, false)));
    else if (MANIFEST_EXTENSIONS.has(extname(name).toLowerCase())) out.push({ path: child });
  }
  return out;
}

function fsMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "EACCES") return "permission denied";
  if (err.code === "EISDIR") return "is a directory";
  return err.message ?? String(e);
}

/** Every document of one YAML (or JSON) stream; empty documents are skipped but still counted. */
export function parseManifests(text: string, source: string): ManifestDoc[] {
  if (source.toLowerCase().endsWith(".json")) return [...fromValue(parseJson(text), source, 1)];
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const out: ManifestDoc[] = [];
  list.forEach((doc, i) => {
    const index = i + 1;
    if (doc.errors.length > 0) {
      out.push({ source, index, error: yamlMessage(doc.errors[0], text) });
      return;
    }
    out.push(...fromValue({ value: doc.toJS() }, source, index));
  });
  return out;
}

function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    // Node's message already names the position ("... in JSON at position 19 (line 1 column 20)").
    return { error: `invalid JSON: ${(e as Error).message}` };
  }
}

/** The yaml library's message with the line and column where the problem is. */
function yamlMessage(err: YAMLError, text: string): string {
  const first = err.message.split("\n")[0].replace(/\s*at line \d+, column \d+:?$/, "");
  let where = err.linePos?.[0];
  if (!where) {
    const before = text.slice(0, err.pos[0]).split("\n");
    where = { line: before.length, col: before[before.length - 1].length + 1 };
  }
  return `invalid YAML at line ${where.line}, column ${where.col}: ${first}`;
}

function* fromValue(
  parsed: { value: unknown } | { error: string },
  source: string,
  index: number,
): Generator<ManifestDoc> {
  if ("error" in parsed) {
    yield { source, index, error: parsed.error };
    return;
  }
  const value = parsed.value;
  if (value === null || value === undefined) return;
  // A v1 List (what `get -o yaml` prints) stands for its items.
  if (
    isObject(value) &&
    Array.isArray(value.items) &&
    typeof value.kind === "string" &&
    value.kind.endsWith("List")
  ) {
    let item = 0;
    for (const it of value.items) {
      item++;
      yield checked(it, { source, index, item });
    }
    return;
  }
  yield checked(value, { source, index });
}

/** A document that is a Kubernetes object, or the error saying what it lacks. */
function checked(value: unknown, at: Omit<ManifestDoc, "object" | "error">): ManifestDoc {
  if (!isObject(value)) {
    return { ...at, error: "not a Kubernetes object: expected a mapping with apiVersion, kind and metadata" };
  }
  const missing = ["apiVersion", "kind"].filter((f) => typeof value[f] !== "string" || value[f] === "");
  if (missing.length > 0) {
    return { ...at, error: `object has no ${missing.map((f) => `"${f}"`).join(" or ")} field` };
  }
  if (value.metadata !== undefined && !isObject(value.metadata)) {
    return { ...at, error: "metadata must be a mapping" };
  }
  const obj = value as KubeObject;
  obj.metadata ??= {};
  return { ...at, object: obj };
}
