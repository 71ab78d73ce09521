// The runtime of @kubernetes/client-node's generated client that MCP uses — request context,
// fetch-based HTTP library, configuration, server, errors — imported from the files that hold it.
// The package index (and its dist/gen/index.js) loads every generated API class and all ~750
// models with them, some 30 MiB of a process's memory, for code that reads and writes plain
// JSON. Member-facing code imports these names from here instead of the index; the agent also
// hands this module to client-node's own files in place of dist/gen/index.js
// (client-node-slim.ts).
export { ApiException } from "@kubernetes/client-node/dist/gen/apis/exception.js";
export type { SecurityAuthentication } from "@kubernetes/client-node/dist/gen/auth/auth.js";
export { createConfiguration } from "@kubernetes/client-node/dist/gen/configuration.js";
export {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  RequestContext,
  ResponseContext,
} from "@kubernetes/client-node/dist/gen/http/http.js";
export { ServerConfiguration } from "@kubernetes/client-node/dist/gen/servers.js";
