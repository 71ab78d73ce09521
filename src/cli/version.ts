// The MCP release version every binary reports with --version.
import { readFileSync } from "node:fs";

export const MCP_VERSION: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
