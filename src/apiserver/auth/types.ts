// The authentication and authorization contracts of the API server.
import type { IncomingHttpHeaders } from "node:http";
import type { PeerCertificate } from "node:tls";

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface AuthnRequest {
  headers: IncomingHttpHeaders;
  /** The verified client certificate, when the TLS peer presented one our CA signed. */
  peerCertificate?: PeerCertificate;
}

export interface Authenticator {
  /**
   * The user behind a request. Returns undefined when the request carries no credential at all;
   * throws ApiError Unauthorized when it carries a bad one (unknown, expired, malformed).
   */
  authenticate(req: AuthnRequest): Promise<UserInfo | undefined>;
}

/** What a request wants to do, as Kubernetes' authorizer sees it. */
export interface AuthzAttributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection; for non-resource paths the lower-case HTTP method. */
  verb: string;
  resourceRequest: boolean;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** For non-resource requests, e.g. "/version". */
  path?: string;
}

export interface Decision {
  allowed: boolean;
  /** Why it was allowed or denied (for logs and the 403 message). */
  reason?: string;
}

export interface Authorizer {
  authorize(attrs: AuthzAttributes): Promise<Decision>;
}

export const SYSTEM_MASTERS = "system:masters";
export const AUTHENTICATED = "system:authenticated";
export const UNAUTHENTICATED = "system:unauthenticated";
