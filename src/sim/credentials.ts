// One simulated cluster's credentials: its own CA and serving certificate (ECDSA P-256, from the
// hub's PKI helpers) and the bearer token of its admin user, cached in a directory so a restarted
// fleet keeps its kubeconfigs valid and does not pay for key generation again. Authentication is
// that one static token (user "kubernetes-admin" in system:masters, as kubeadm's admin.conf).
import { randomBytes, timingSafeEqual } from "node:crypto";
import { join } from "node:path";
import { readOptional, writeAtomic } from "../apiserver/auth/files.ts";
import { ensurePki, type Pki } from "../apiserver/auth/pki.ts";
import { AUTHENTICATED, type Authenticator, SYSTEM_MASTERS, type UserInfo } from "../apiserver/auth/types.ts";
import { errors } from "../apiserver/errors.ts";

export const ADMIN_USER: UserInfo = { name: "kubernetes-admin", groups: [SYSTEM_MASTERS, AUTHENTICATED] };

export interface ClusterCredentials {
  pki: Pki;
  token: string;
}

/** Loads or creates the CA, the serving certificate for `hosts`, and the admin token in `dir`. */
export async function clusterCredentials(dir: string, hosts: string[]): Promise<ClusterCredentials> {
  const pki = await ensurePki(dir, { hosts });
  const path = join(dir, "admin.token");
  let token = (await readOptional(path))?.trim();
  if (!token) {
    token = randomBytes(24).toString("base64url");
    await writeAtomic(path, `${token}\n`, 0o600);
  }
  return { pki, token };
}

/** Accepts exactly `token` as a bearer credential; anything else presented is Unauthorized. */
export function staticTokenAuthenticator(token: string, user: UserInfo = ADMIN_USER): Authenticator {
  const want = Buffer.from(token);
  return {
    async authenticate(req) {
      const header = req.headers.authorization;
      if (header === undefined) return undefined;
      const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) {
        if (/^\s*bearer/i.test(header)) throw errors.unauthorized();
        return undefined;
      }
      const got = Buffer.from(m[1]);
      if (got.length !== want.length || !timingSafeEqual(got, want)) throw errors.unauthorized();
      return user;
    },
  };
}
