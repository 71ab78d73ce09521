// Authentication: turns a request's credential into a UserInfo. Two methods, tried in Kubernetes'
// order: a TLS client certificate our CA signed (CN = user, O = groups), then a bearer token from
// the token store. Every authenticated user also gets the group system:authenticated.
import type { PeerCertificate, TLSSocket } from "node:tls";
import type { Store } from "../../storage/store.ts";
import { errors } from "../errors.ts";
import { lookupToken } from "./tokens.ts";
import { AUTHENTICATED, type Authenticator, type AuthnRequest, type UserInfo } from "./types.ts";

export interface AuthenticatorOptions {
  /** Where bearer tokens are looked up. */
  store: Store;
  /** Milliseconds since the epoch (tests). Default: Date.now. */
  now?: () => number;
}

export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const now = opts.now ?? Date.now;
  return {
    async authenticate(req: AuthnRequest): Promise<UserInfo | undefined> {
      // As in Kubernetes, a verified certificate wins over a bearer header sent alongside it.
      if (hasSubject(req.peerCertificate)) return userFromCertificate(req.peerCertificate);
      const token = bearerToken(req.headers.authorization);
      if (token === undefined) return undefined;
      const record = await lookupToken(opts.store, token, now());
      if (!record) throw errors.unauthorized();
      return withAuthenticated(record.user);
    },
  };
}

/**
 * The peer certificate to pass as AuthnRequest.peerCertificate: present only when the TLS layer
 * verified it against our CA (the server runs with requestCert and rejectUnauthorized: false, so
 * unverified certificates still reach the handler and must be ignored here).
 */
export function verifiedPeerCertificate(socket: TLSSocket): PeerCertificate | undefined {
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  return hasSubject(cert) ? cert : undefined;
}

/** The user a client certificate names: CN is the user, each O a group. */
export function userFromCertificate(cert: PeerCertificate): UserInfo {
  const name = first(cert.subject.CN);
  if (!name) throw errors.unauthorized("the client certificate has no common name");
  return withAuthenticated({ name, groups: all(cert.subject.O) });
}

/**
 * The token of an `Authorization: Bearer <token>` header; undefined for no header or another
 * scheme (Kubernetes ignores those too). An empty bearer is malformed, so Unauthorized.
 */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bearer(?:\s+(.*))?$/i.exec(header);
  if (!match) return undefined;
  const token = match[1]?.trim();
  if (!token || /\s/.test(token)) throw errors.unauthorized();
  return token;
}

function withAuthenticated(user: UserInfo): UserInfo {
  const groups = [...new Set([...user.groups, AUTHENTICATED])];
  return { ...user, groups };
}

// An absent certificate shows up as {} from getPeerCertificate(), or undefined.
function hasSubject(cert: PeerCertificate | undefined): cert is PeerCertificate {
  return !!cert && !!cert.subject && Object.keys(cert.subject).length > 0;
}

// Node gives a repeated subject attribute (several O=) as an array, a single one as a string.
type Attr = string | string[] | undefined;
const all = (v: Attr): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const first = (v: Attr): string | undefined => all(v)[0];
