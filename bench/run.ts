// `npm run bench`: runs every bench/*.bench.ts in its own process, one after another (they must
// not compete for the machine's two cores), and prints one JSON object keyed by benchmark name.
// Arguments name benchmarks to run (e.g. `npm run bench -- apiserver`); none runs them all.
// Exits non-zero if any benchmark fails; the others still report.
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL(".", import.meta.url));

function runBench(file: string): Promise<{ ok: true; result: unknown } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    // stderr (progress) passes straight through; stdout is the benchmark's JSON.
    const child = spawn(process.execPath, [`${DIR}${file}`], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      out += c;
    });
    child.on("error", (e) => resolve({ ok: false, error: e.message }));
    child.on("close", (code) => {
      if (code !== 0) return resolve({ ok: false, error: `${file} exited with ${code}` });
      try {
        resolve({ ok: true, result: JSON.parse(out) });
      } catch {
        resolve({ ok: false, error: `${file} printed no JSON` });
      }
    });
  });
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const files = (await readdir(DIR))
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, "")))
    .sort();
  if (files.length === 0) {
    process.stderr.write(`no benchmarks match ${wanted.join(", ")}\n`);
    return 2;
  }
  const results: Record<string, unknown> = {};
  let failed = false;
  for (const f of files) {
    const name = f.replace(/\.bench\.ts$/, "");
    process.stderr.write(`[bench] === ${name} ===\n`);
    const r = await runBench(f);
    results[name] = r.ok ? r.result : { error: r.error };
    failed ||= !r.ok;
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
