// The RBAC authorizer, with Kubernetes' semantics: ClusterRoleBindings grant everywhere, RoleBindings
// grant within their namespace (also when they reference a ClusterRole), rules only ever add
// permissions, and members of system:masters are always allowed. Also builds Kubernetes' exact
// "forbidden" wording so kubectl users see familiar messages.

import type { PolicyRule, RbacSource, RoleRef, Subject } from "./rbac-types.ts";
import {
  type Authorizer,
  type AuthzAttributes,
  type Decision,
  SYSTEM_MASTERS,
  type UserInfo,
} from "./types.ts";

export const SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

export function serviceAccountUserName(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

/** The groups Kubernetes gives a service account's user. */
export function serviceAccountGroups(namespace: string): string[] {
  return ["system:serviceaccounts", `system:serviceaccounts:${namespace}`];
}

export function rbacAuthorizer(source: RbacSource): Authorizer {
  return {
    async authorize(attrs: AuthzAttributes): Promise<Decision> {
      return authorizeSync(source, attrs);
    },
  };
}

/** The decision, synchronously (for callers that check many attributes at once). */
export function authorizeSync(source: RbacSource, attrs: AuthzAttributes): Decision {
  if (attrs.user.groups.includes(SYSTEM_MASTERS)) {
    return {
      allowed: true,
      reason: `RBAC: allowed because "${attrs.user.name}" is in group "${SYSTEM_MASTERS}"`,
    };
  }
  const grant = findGrant(source, attrs);
  if (grant) return { allowed: true, reason: `RBAC: allowed by ${grant}` };
  return { allowed: false, reason: forbiddenMessage(attrs) };
}

/**
 * Kubernetes' wording for a denied request, e.g.
 * `User "bob" cannot list resource "pods" in API group "" in the namespace "dev"`.
 * Callers prefix it as Kubernetes does: `pods is forbidden: <this>` (see errors.forbidden).
 */
export function forbiddenMessage(attrs: AuthzAttributes): string {
  const user = quote(attrs.user.name);
  if (!attrs.resourceRequest) return `User ${user} cannot ${attrs.verb} path ${quote(attrs.path ?? "")}`;
  const resource = attrs.subresource
    ? `${attrs.resource ?? ""}/${attrs.subresource}`
    : (attrs.resource ?? "");
  const head = `User ${user} cannot ${attrs.verb} resource ${quote(resource)} in API group ${quote(attrs.apiGroup ?? "")}`;
  return attrs.namespace
    ? `${head} in the namespace ${quote(attrs.namespace)}`
    : `${head} at the cluster scope`;
}

/** Every rule that applies to the user in a namespace ("" for cluster scope), as kubectl auth can-i --list shows. */
export function rulesFor(source: RbacSource, user: UserInfo, namespace: string): PolicyRule[] {
  const rules: PolicyRule[] = [];
  visitRules(source, user, namespace, (rule) => {
    rules.push(rule);
    return false;
  });
  return rules;
}

/** A description of the binding that allows the request, or undefined. */
function findGrant(source: RbacSource, attrs: AuthzAttributes): string | undefined {
  return visitRules(source, attrs.user, attrs.namespace ?? "", (rule) => ruleAllows(rule, attrs));
}

type Visitor = (rule: PolicyRule) => boolean;

/** Calls visit for each applicable rule until it returns true; returns what allowed it. */
function visitRules(
  source: RbacSource,
  user: UserInfo,
  namespace: string,
  visit: Visitor,
): string | undefined {
  for (const binding of source.clusterRoleBindings()) {
    if (binding.roleRef.kind !== "ClusterRole") continue;
    const subject = appliesTo(user, binding.subjects, "");
    if (!subject) continue;
    const rules = source.clusterRole(binding.roleRef.name)?.rules ?? [];
    if (rules.some(visit)) {
      return `ClusterRoleBinding ${quote(binding.metadata.name ?? "")} of ClusterRole ${quote(binding.roleRef.name)} to ${describe(subject)}`;
    }
  }
  if (!namespace) return undefined;
  for (const binding of source.roleBindings(namespace)) {
    const subject = appliesTo(user, binding.subjects, namespace);
    if (!subject) continue;
    const rules = roleRules(source, binding.roleRef, namespace);
    if (rules.some(visit)) {
      return `RoleBinding ${quote(binding.metadata.name ?? "")} of ${binding.roleRef.kind} ${quote(binding.roleRef.name)} to ${describe(subject)} in namespace ${quote(namespace)}`;
    }
  }
  return undefined;
}

function roleRules(source: RbacSource, ref: RoleRef, namespace: string): PolicyRule[] {
  if (ref.kind === "ClusterRole") return source.clusterRole(ref.name)?.rules ?? [];
  if (ref.kind === "Role") return source.role(namespace, ref.name)?.rules ?? [];
  return [];
}

/** The first subject that names this user, directly, by group or as a service account. */
export function appliesTo(user: UserInfo, subjects: Subject[] | undefined, bindingNamespace: string) {
  return subjects?.find((s) => subjectMatches(user, s, bindingNamespace));
}

function subjectMatches(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case "User":
      return user.name === subject.name;
    case "Group":
      return user.groups.includes(subject.name);
    case "ServiceAccount": {
      const namespace = subject.namespace || bindingNamespace;
      return !!namespace && user.name === serviceAccountUserName(namespace, subject.name);
    }
    default:
      return false;
  }
}

export function ruleAllows(rule: PolicyRule, attrs: AuthzAttributes): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceURLMatches(rule, attrs.path ?? "");
  return (
    apiGroupMatches(rule, attrs.apiGroup ?? "") &&
    resourceMatches(rule, attrs.resource ?? "", attrs.subresource ?? "") &&
    resourceNameMatches(rule, attrs.name ?? "")
  );
}

const verbMatches = (rule: PolicyRule, verb: string) => rule.verbs.some((v) => v === "*" || v === verb);

const apiGroupMatches = (rule: PolicyRule, group: string) =>
  (rule.apiGroups ?? []).some((g) => g === "*" || g === group);

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some(
    (r) => r === "*" || r === combined || (subresource !== "" && r === `*/${subresource}`),
  );
}

// No resourceNames means every name; a name-restricted rule cannot allow list or create (no name).
function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (u) => u === "*" || u === path || (u.endsWith("*") && path.startsWith(u.slice(0, -1))),
  );
}

function describe(subject: Subject): string {
  const ns = subject.kind === "ServiceAccount" && subject.namespace ? `${subject.namespace}/` : "";
  return `${subject.kind} ${quote(`${ns}${subject.name}`)}`;
}

// Go's %q for the strings that occur here; JSON escaping agrees with it on printable text.
const quote = (s: string) => JSON.stringify(s);
