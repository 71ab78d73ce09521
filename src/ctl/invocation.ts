// One run of mcpctl: the parsed flags, where output goes, and the hub connection and discovery,
// both created on first use (so `config` and `--help` never touch the network) and closed at exit.
import { existsSync } from "node:fs";
import { type LoadedKubeconfig, loadKubeconfig } from "../apiserver/auth/kubeconfig.ts";
import type { FlagSpec, FlagValue } from "../cli/flags.ts";
import { HubClient } from "./client.ts";
import { kubeconfigPath, missingConfig } from "./config.ts";
import { ApiError, CtlError } from "./errors.ts";
import { Discovery } from "./resources.ts";

/** Where output goes; injectable so commands can be exercised without a terminal. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
}

export const processIo: Io = {
  out: (text) => {
    process.stdout.write(text);
  },
  err: (text) => {
    process.stderr.write(text);
  },
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
};

/** Flags every command accepts. */
export const globalFlags: FlagSpec[] = [
  {
    name: "kubeconfig",
    type: "string",
    env: "MCPCONFIG",
    description:
      "Kubeconfig file to use (default ./mcp-data/hub.kubeconfig if it exists, else ~/.mcp/config)",
  },
  { name: "context", type: "string", description: "Kubeconfig context to use (default its current-context)" },
  {
    name: "namespace",
    short: "n",
    type: "string",
    description: "Namespace for this request (default the context's namespace, else default)",
  },
  {
    name: "request-timeout",
    type: "duration",
    default: "30s",
    description: "How long to wait for each request to the hub before giving up (0 waits forever)",
  },
  { name: "help", short: "h", type: "boolean", description: "Show help for the command" },
];

export class Invocation {
  readonly io: Io;
  readonly flags: Record<string, FlagValue>;
  private loaded: Promise<LoadedKubeconfig> | undefined;
  private hub: HubClient | undefined;
  private disco: Discovery | undefined;

  constructor(io: Io, flags: Record<string, FlagValue>) {
    this.io = io;
    this.flags = flags;
  }

  str(name: string): string | undefined {
    const v = this.flags[name];
    return typeof v === "string" && v !== "" ? v : undefined;
  }

  bool(name: string): boolean {
    return this.flags[name] === true;
  }

  get kubeconfigPath(): string {
    return kubeconfigPath(this.str("kubeconfig"));
  }

  kubeconfig(): Promise<LoadedKubeconfig> {
    if (!this.loaded) {
      const path = this.kubeconfigPath;
      if (!existsSync(path)) return Promise.reject(missingConfig(path));
      this.loaded = loadKubeconfig(path, this.str("context")).catch((e: Error) => {
        throw new CtlError(e.message);
      });
    }
    return this.loaded;
  }

  async client(): Promise<HubClient> {
    if (!this.hub) {
      const timeout = this.flags["request-timeout"];
      this.hub = new HubClient(await this.kubeconfig(), {
        requestTimeoutMs: typeof timeout === "number" ? timeout : 30_000,
      });
    }
    return this.hub;
  }

  async discovery(): Promise<Discovery> {
    if (!this.disco) {
      const client = await this.client();
      this.disco = new Discovery(async (path) => {
        try {
          return await client.get(path);
        } catch (e) {
          if (e instanceof ApiError && e.code === 404) return undefined;
          throw e;
        }
      });
    }
    return this.disco;
  }

  /** True when -n was given, so a manifest's own namespace must agree with it. */
  get namespaceGiven(): boolean {
    return this.str("namespace") !== undefined;
  }

  /** -n, else the context's namespace (which is "default" when the context names none). */
  async namespace(): Promise<string> {
    return this.str("namespace") ?? (await this.kubeconfig()).namespace;
  }

  close(): void {
    this.hub?.close();
  }
}
