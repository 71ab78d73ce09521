// node:http as client-node's KubeConfig and agent-base (its SOCKS proxy support) use it, for
// mcp-agent (client-node-slim.ts): taken with require, not import. An ES module import of a
// builtin reads every named export, and node:http's lazy WebSocket, CloseEvent and MessageEvent
// then load Node's own bundled copy of undici and compile its parser — about 8 MiB of the agent,
// for a WebSocket it never opens. Those files use the default export, Agent and request.
import { createRequire } from "node:module";

const http = createRequire(import.meta.url)("node:http") as typeof import("node:http");

export default http;
export const { Agent, get, request } = http;
