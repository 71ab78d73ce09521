// Turns a method and URL path into what Kubernetes calls RequestInfo: is it a resource request,
// which verb, group, version, resource, namespace, name and subresource.

export interface RequestInfo {
  resourceRequest: boolean;
  path: string;
  /** get list watch create update patch delete deletecollection; lower-case method otherwise. */
  verb: string;
  apiPrefix?: "api" | "apis";
  group: string;
  version: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** Path segments after /api or /apis, for discovery requests. */
  parts: string[];
}

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const segs = path.split("/").filter((s) => s !== "");
  const info: RequestInfo = {
    resourceRequest: false,
    path,
    verb: method.toLowerCase(),
    group: "",
    version: "",
    resource: "",
    subresource: "",
    namespace: "",
    name: "",
    parts: [],
  };
  const prefix = segs[0];
  if (prefix !== "api" && prefix !== "apis") return info;
  info.apiPrefix = prefix;
  let rest = segs.slice(1).map(decodeURIComponent);
  info.parts = rest;
  if (prefix === "apis") {
    if (rest.length < 3) return info; // /apis, /apis/g, /apis/g/v are discovery
    info.group = rest[0];
    rest = rest.slice(1);
  } else if (rest.length < 2) return info; // /api, /api/v1
  info.version = rest[0];
  rest = rest.slice(1);
  info.resourceRequest = true;
  if (rest[0] === "namespaces" && rest.length >= 2) {
    info.namespace = rest[1];
    if (rest.length === 2) {
      info.resource = "namespaces";
      info.name = rest[1];
      rest = [];
    } else if (rest.length === 3 && (rest[2] === "status" || rest[2] === "finalize")) {
      info.resource = "namespaces";
      info.name = rest[1];
      info.subresource = rest[2];
      rest = [];
    } else rest = rest.slice(2);
  }
  if (rest.length > 0) {
    info.resource = rest[0];
    info.name = rest[1] ?? "";
    info.subresource = rest.slice(2).join("/");
  }
  if (info.resource === "namespaces" && info.name) info.namespace = "";
  info.verb = verbFor(method, info.name !== "", query);
  return info;
}

function verbFor(method: string, named: boolean, query: URLSearchParams): string {
  switch (method) {
    case "GET":
    case "HEAD": {
      const w = query.get("watch");
      if (w === "1" || w === "true") return "watch";
      return named ? "get" : "list";
    }
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return named ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}
