// The one registry of API errors. Every error that crosses the API boundary is an ApiError and
// leaves as a Kubernetes `Status` object (reason, message, field causes), never as a stack trace.

export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Expired"
  | "Invalid"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "TooManyRequests"
  | "Timeout"
  | "InternalError"
  | "ServiceUnavailable";

/** One field-level problem, as in metav1.StatusCause. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

const httpCode: Record<StatusReason, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  Invalid: 422,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  Timeout: 504,
  InternalError: 500,
  ServiceUnavailable: 503,
};

export class ApiError extends Error {
  readonly reason: StatusReason;
  readonly code: number;
  readonly details?: StatusDetails;

  constructor(reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = "ApiError";
    this.reason = reason;
    this.code = httpCode[reason];
    this.details = details;
  }

  toStatus(): Status {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** Identifies the object an error is about, as Kubernetes puts it in Status.details. */
export interface ErrorTarget {
  group: string;
  /** The resource (plural) name, as Kubernetes reports it. */
  resource: string;
  name?: string;
}

const qualified = (t: ErrorTarget) => (t.group ? `${t.resource}.${t.group}` : t.resource);
const target = (t: ErrorTarget): StatusDetails => ({ name: t.name, group: t.group, kind: t.resource });

export const errors = {
  badRequest: (message: string, causes?: StatusCause[]) =>
    new ApiError("BadRequest", message, causes ? { causes } : undefined),
  unauthorized: (message = "Unauthorized") => new ApiError("Unauthorized", message),
  forbidden: (t: ErrorTarget, message: string) =>
    new ApiError(
      "Forbidden",
      `${qualified(t)}${t.name ? ` "${t.name}"` : ""} is forbidden: ${message}`,
      target(t),
    ),
  notFound: (t: ErrorTarget) =>
    new ApiError("NotFound", `${qualified(t)} "${t.name ?? ""}" not found`, target(t)),
  alreadyExists: (t: ErrorTarget) =>
    new ApiError("AlreadyExists", `${qualified(t)} "${t.name ?? ""}" already exists`, target(t)),
  conflict: (t: ErrorTarget, message: string, causes?: StatusCause[]) =>
    new ApiError(
      "Conflict",
      `Operation cannot be fulfilled on ${qualified(t)} "${t.name ?? ""}": ${message}`,
      {
        ...target(t),
        ...(causes ? { causes } : {}),
      },
    ),
  /** The write was based on an older resourceVersion than the stored one. */
  stale: (t: ErrorTarget) =>
    new ApiError(
      "Conflict",
      `Operation cannot be fulfilled on ${qualified(t)} "${t.name ?? ""}": the object has been modified; please apply your changes to the latest version and try again`,
      target(t),
    ),
  /** A Conflict whose message is taken as is (server-side apply field-manager conflicts). */
  applyConflict: (t: ErrorTarget, message: string, causes: StatusCause[]) =>
    new ApiError("Conflict", message, { ...target(t), causes }),
  invalid: (kind: string, name: string, group: string, causes: StatusCause[]) =>
    new ApiError(
      "Invalid",
      `${kind}${group ? `.${group}` : ""} "${name}" is invalid: ${causes
        .map((c) => (c.field ? `${c.field}: ${c.message}` : c.message))
        .join(", ")}`,
      { name, group, kind, causes },
    ),
  gone: (message: string) => new ApiError("Gone", message),
  expired: (message: string) => new ApiError("Expired", message),
  methodNotAllowed: (message: string) => new ApiError("MethodNotAllowed", message),
  notAcceptable: (message: string) => new ApiError("NotAcceptable", message),
  tooLarge: (limitBytes: number) =>
    new ApiError("RequestEntityTooLarge", `the request body is larger than the limit of ${limitBytes} bytes`),
  unsupportedMediaType: (contentType: string) =>
    new ApiError("UnsupportedMediaType", `the body of the request was in an unknown format: ${contentType}`),
  internal: (message: string) => new ApiError("InternalError", `Internal error occurred: ${message}`),
  unavailable: (message: string) => new ApiError("ServiceUnavailable", message),
  timeout: (message: string) => new ApiError("Timeout", message),
};

/** Turns anything thrown into an ApiError without leaking internals to the caller. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return errors.internal("the server could not complete the request; see the server log");
}
