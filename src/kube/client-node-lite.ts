// The part of @kubernetes/client-node's index that MCP's member-facing code uses, from the files
// that hold it: in mcp-agent, `import … from "@kubernetes/client-node"` resolves here
// (client-node-slim.ts), so a module that still imports the index does not load every generated
// API class and model. A name missing here fails the agent's module graph at link time;
// client-node-slim.test.ts loads that whole graph.
export { KubeConfig } from "@kubernetes/client-node/dist/config.js";
export { KubernetesObjectApi } from "@kubernetes/client-node/dist/object.js";
export * from "./client-node-gen.ts";
