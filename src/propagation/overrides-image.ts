// Image references split into the components an imageOverrider changes (Karmada's semantics):
// Registry (the host, when the first path segment looks like one), Repository (the path) and Tag
// (the tag, or the digest when there is no tag). `add` appends the value to the component,
// `replace` sets it, `remove` clears it.

export interface ImageRef {
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export type ImageComponent = "Registry" | "Repository" | "Tag";
export type Operator = "add" | "remove" | "replace";

/** A first segment is a registry host when it has a dot or a port, or is localhost. */
function isRegistry(segment: string): boolean {
  return segment.includes(".") || segment.includes(":") || segment === "localhost";
}

export function parseImage(image: string): ImageRef {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const slash = rest.indexOf("/");
  if (slash > 0 && isRegistry(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  return {
    ...(registry ? { registry } : {}),
    repository: rest,
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

export function formatImage(ref: ImageRef): string {
  return `${ref.registry ? `${ref.registry}/` : ""}${ref.repository}${ref.tag ? `:${ref.tag}` : ""}${
    ref.digest ? `@${ref.digest}` : ""
  }`;
}

/** A value with an algorithm prefix (sha256:…) is a digest, anything else a tag. */
const isDigest = (v: string) => /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(v);

function setTagOrDigest(ref: ImageRef, value: string): ImageRef {
  const { tag: _t, digest: _d, ...rest } = ref;
  if (value === "") return rest;
  return isDigest(value) ? { ...rest, digest: value } : { ...rest, tag: value };
}

/** The image with one component changed; throws when the result is not an image. */
export function overrideImage(image: string, component: ImageComponent, op: Operator, value = ""): string {
  const ref = parseImage(image);
  let next: ImageRef;
  switch (component) {
    case "Registry":
      next = {
        ...ref,
        registry: op === "remove" ? undefined : op === "add" ? `${ref.registry ?? ""}${value}` : value,
      };
      if (!next.registry) delete next.registry;
      break;
    case "Repository":
      if (op === "remove") throw new Error(`cannot remove the repository of image "${image}"`);
      next = { ...ref, repository: op === "add" ? `${ref.repository}${value}` : value };
      if (!next.repository) throw new Error(`the repository of image "${image}" would be empty`);
      break;
    case "Tag":
      next =
        op === "remove"
          ? setTagOrDigest(ref, "")
          : setTagOrDigest(ref, op === "add" ? `${ref.tag ?? ref.digest ?? ""}${value}` : value);
      break;
  }
  return formatImage(next);
}
