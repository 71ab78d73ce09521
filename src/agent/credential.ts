// The agent's one secret on disk: the per-cluster credential the hub issued at registration,
// kept in <state-dir>/<cluster>/credential.json (directory 0700, file 0600, written atomically)
// so that a restarted agent reconnects without a new bootstrap token.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { readOptional, writeAtomic } from "../apiserver/auth/files.ts";

export interface StoredCredential {
  clusterName: string;
  /** The hub it was issued by (HOST:PORT), for the operator's benefit. */
  hub: string;
  credential: string;
  registeredAt: string;
}

export function credentialPath(stateDir: string, clusterName: string): string {
  return join(stateDir, clusterName, "credential.json");
}

/** The stored credential, or undefined when there is none (or the file is unreadable JSON). */
export async function loadCredential(
  stateDir: string,
  clusterName: string,
): Promise<StoredCredential | undefined> {
  const text = await readOptional(credentialPath(stateDir, clusterName));
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<StoredCredential>;
    if (typeof parsed.credential !== "string" || parsed.clusterName !== clusterName) return undefined;
    return parsed as StoredCredential;
  } catch {
    return undefined;
  }
}

export async function saveCredential(stateDir: string, cred: StoredCredential): Promise<void> {
  await mkdir(join(stateDir, cred.clusterName), { recursive: true, mode: 0o700 });
  await writeAtomic(credentialPath(stateDir, cred.clusterName), `${JSON.stringify(cred, null, 2)}\n`, 0o600);
}

export async function deleteCredential(stateDir: string, clusterName: string): Promise<void> {
  await rm(credentialPath(stateDir, clusterName), { force: true });
}
