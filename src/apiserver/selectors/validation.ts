// Label key and value validation with Kubernetes' exact messages (apimachinery
// validate/content), plus the field.Error / aggregate formatting that selector errors are built
// from, so that a bad selector reads the same as it would from a real kube-apiserver.

const labelKeyFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const labelKeyErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelKeyRe = new RegExp(`^${labelKeyFmt}$`);
const labelValueFmt = `(${labelKeyFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueRe = new RegExp(`^${labelValueFmt}$`);
const dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

const MAX_NAME = 63;
const MAX_SUBDOMAIN = 253;

// Go measures these limits in bytes, not UTF-16 units.
const byteLength = (s: string) => Buffer.byteLength(s, "utf8");
const maxLenError = (n: number) => `must be no more than ${n} bytes`;
const emptyError = () => "must be non-empty";

function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${re}')`;
}

function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > MAX_SUBDOMAIN) errs.push(maxLenError(MAX_SUBDOMAIN));
  if (!dns1123SubdomainRe.test(value))
    errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, "example.com"));
  return errs;
}

/** content.IsLabelKey: an optional DNS subdomain prefix and '/', then a name of at most 63 bytes. */
export function labelKeyErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a valid label key ${regexError(labelKeyErrMsg, labelKeyFmt, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > MAX_NAME) errs.push(`name part ${maxLenError(MAX_NAME)}`);
  if (!labelKeyRe.test(name))
    errs.push(`name part ${regexError(labelKeyErrMsg, labelKeyFmt, "MyName", "my.name", "123-abc")}`);
  return errs;
}

/** validation.IsValidLabelValue: empty, or at most 63 bytes of [A-Za-z0-9_.-] starting and ending alphanumeric. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > MAX_NAME) errs.push(maxLenError(MAX_NAME));
  if (!labelValueRe.test(value))
    errs.push(regexError(labelValueErrMsg, labelValueFmt, "MyValue", "my_value", "12345"));
  return errs;
}

/** Go's %#v of a []string, which field.Invalid uses for list values. */
export function goStringSlice(values: readonly string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(", ")}}`;
}

/** field.Invalid(...).Error(): `<path>: Invalid value: <value>: <detail>`; a nil path prints as <nil>. */
export function invalidValue(path: string, value: string | readonly string[], detail: string): string {
  const shown = typeof value === "string" ? JSON.stringify(value) : goStringSlice(value);
  return `${path}: Invalid value: ${shown}: ${detail}`;
}

/** utilerrors.Aggregate.Error(): one message alone, several de-duplicated inside brackets. */
export function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(", ")}]`;
}
