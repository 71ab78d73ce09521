// @kubernetes/client-node in mcp-agent without what the agent never uses. The agent uses
// client-node for kubeconfig loading and authentication (KubeConfig), its request chain and
// fetch, and KubernetesObjectApi's discovery — all on plain JSON. But KubeConfig's file imports
// dist/gen/index.js for two names, KubernetesObjectApi's imports the package's API index and the
// model-mapping serializer, and a bare `@kubernetes/client-node` import loads everything: each
// ends in some 750 model classes and all the API classes, about 30 MiB of a process that must
// stay under 64 MiB (SPEC). And its ES module imports of node:http load Node's own copy of undici
// (node-http.ts). Resolve hooks, registered by the agent's entry before any of that loads, point
// those imports at modules that hold just what is used:
//   client-node dist/config.js  ./gen/index.js   → client-node-gen.ts (2 of its names)
//   client-node dist/config.js  node:http        → node-http.ts
//   client-node dist/object.js  ./api.js         → client-node-gen.ts (ApiException, HttpMethod)
//   client-node dist/object.js  ./serializer.js  → client-node-json.ts (plain JSON, see there)
//   agent-base  dist/*.js       http             → node-http.ts
//   src/**      @kubernetes/client-node          → client-node-lite.ts
// Nothing else changes: the same client-node files run, from the same URLs.
import { registerHooks } from "node:module";

const SRC = new URL("../", import.meta.url).href;
const here = (file: string) => new URL(file, import.meta.url).href;
const GEN = here("./client-node-gen.ts");
const HTTP = here("./node-http.ts");
const LITE = here("./client-node-lite.ts");

/** By importing file (its path under node_modules): its imports and where they go instead. */
const INSIDE: Record<string, Record<string, string>> = {
  "@kubernetes/client-node/dist/config.js": { "./gen/index.js": GEN, "node:http": HTTP },
  "@kubernetes/client-node/dist/object.js": {
    "./api.js": GEN,
    "./serializer.js": here("./client-node-json.ts"),
  },
  "agent-base/dist/index.js": { http: HTTP },
  "agent-base/dist/helpers.js": { http: HTTP },
};

/** The modules imports go to instead (some only from client-node's JavaScript). */
export function slimModules(): string[] {
  return [...new Set([LITE, ...Object.values(INSIDE).flatMap((m) => Object.values(m))])];
}

/** Where an import goes instead, or undefined to resolve it as usual. */
export function slimTarget(specifier: string, parentURL: string | undefined): string | undefined {
  if (!parentURL) return undefined;
  if (specifier === "@kubernetes/client-node") return parentURL.startsWith(SRC) ? LITE : undefined;
  const i = parentURL.lastIndexOf("/node_modules/");
  return i < 0 ? undefined : INSIDE[parentURL.slice(i + "/node_modules/".length)]?.[specifier];
}

let installed = false;

/** Registers the hooks for this process (once); call before anything imports client-node. */
export function slimClientNode(): void {
  if (installed) return;
  installed = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = slimTarget(specifier, context.parentURL);
      return url ? { url, shortCircuit: true } : nextResolve(specifier, context);
    },
  });
}
