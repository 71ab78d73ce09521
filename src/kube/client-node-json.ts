// A plain-JSON stand-in for @kubernetes/client-node's ObjectSerializer, which the agent gives
// client-node's KubernetesObjectApi (dist/object.js) in place of dist/serializer.js
// (client-node-slim.ts). The real serializer maps objects through the generated models — all of
// them loaded up front — and drops or renames fields the models do not know; MCP's object client
// (src/member-apply/client.ts) sends and reads plain JSON and never calls it. Here every
// serializer call is the identity on JSON, so nothing the apiserver sent is lost either way.

/** A media type without parameters: "application/json; charset=utf-8" → "application/json". */
function normalizeMediaType(mediaType: string | undefined): string | undefined {
  return mediaType?.split(";")[0].trim().toLowerCase();
}

export const ObjectSerializer = {
  serialize: (data: unknown): unknown => data,
  deserialize: (data: unknown): unknown => data,
  normalizeMediaType,
  getPreferredMediaType: (_mediaTypes: string[]): string => "application/json",
  stringify: (data: unknown, _mediaType?: string): string => JSON.stringify(data),
  parse: (rawData: string, _mediaType?: string): unknown => (rawData ? JSON.parse(rawData) : undefined),
};
