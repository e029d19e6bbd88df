import type { IConstruct } from 'constructs';
import { parseIp as parseAddress } from '../evaluator/cidr';
import { ianaSvcNameProblem } from '../evaluator/rule-ports';
import { ValidationError } from './errors';

/**
 * Pure validation rules shared by every construct. Each rule returns `undefined` when the value
 * is fine, or a sentence saying what is allowed. `invalid()` turns a broken rule into the error
 * format used across the library: `<construct path>: <field> <value> is invalid: <rule>`.
 */
export type Rule<T> = (value: T) => string | undefined;

/** Formats a value for an error message so that whitespace and look-alike characters show. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') {
    // JSON.stringify shows quotes and escapes control characters; non-ASCII look-alikes are escaped too.
    return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (value === undefined) return 'undefined';
  // JSON has no NaN, Infinity or bigint: JSON.stringify would show NaN as null, or throw.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function' || typeof value === 'symbol') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Builds the library's error for a broken rule. */
export function invalid(scope: IConstruct, field: string, value: unknown, rule: string): Error {
  return new ValidationError(`${scope.node.path}: ${field} ${formatValue(value)} is invalid: ${rule}`);
}

/**
 * Throws the library's error when `other`, a construct handed to `scope` (a peer, a backend, a
 * workload), belongs to another cdk8s App: each app has its own network model, which renders and
 * checks only its own flows. `value` is how the message shows it.
 */
export function checkSameApp(scope: IConstruct, field: string, other: unknown, why: string): void {
  const node = (other as Partial<IConstruct> | null | undefined)?.node;
  if (node !== undefined && node.root !== scope.node.root) {
    throw invalid(scope, field, node.path, `must belong to the same cdk8s App: ${why}`);
  }
}

/** Throws the library's error when `rule` rejects `value`. */
export function check<T>(scope: IConstruct, field: string, value: T, ...rules: Rule<T>[]): T {
  for (const rule of rules) {
    const broken = rule(value);
    if (broken) throw invalid(scope, field, value, broken);
  }
  return value;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 label: namespace names, container names. */
export const dns1123Label: Rule<string> = (v) => {
  if (typeof v !== 'string' || v.length === 0) return 'must be a non-empty string';
  if (v.length > 63) return `must be at most 63 characters (a DNS-1123 label), got ${v.length}`;
  if (!DNS1123_LABEL.test(v)) return 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
  return undefined;
};

/** A DNS-1035 label: Service names (must start with a letter). */
export const dns1035Label: Rule<string> = (v) => {
  if (typeof v !== 'string' || v.length === 0) return 'must be a non-empty string';
  if (v.length > 63) return `must be at most 63 characters (a DNS-1035 label), got ${v.length}`;
  if (!DNS1035_LABEL.test(v)) return 'must be a DNS-1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter ' +
    'or digit';
  return undefined;
};

/** A DNS-1123 subdomain: object names such as NetworkPolicy, Ingress, Secret; DNS names. */
export const dns1123Subdomain: Rule<string> = (v) => {
  if (typeof v !== 'string' || v.length === 0) return 'must be a non-empty string';
  if (v.length > 253) return `must be at most 253 characters (a DNS-1123 subdomain), got ${v.length}`;
  const labels = v.split('.');
  if (!labels.every((l) => DNS1123_LABEL.test(l))) {
    return 'must be a DNS-1123 subdomain: dot-separated labels of lowercase letters, digits and "-"';
  }
  const long = labels.find((l) => l.length > 63);
  if (long) return `must be a DNS-1123 subdomain: each dot-separated label at most 63 characters, got one of ${long.length}`;
  return undefined;
};

/**
 * A Kubernetes object name as the API server checks it (`IsDNS1123Subdomain`): at most 253
 * characters of dot-separated DNS-1123 labels, with no limit per label. For names the library
 * builds from others (`allow-<source>-egress-to-<destination>`): unlike a DNS name, such a name may
 * run past 63 characters without a dot.
 */
export const objectName: Rule<string> = (v) => {
  if (typeof v !== 'string' || v.length === 0) return 'must be a non-empty string';
  if (v.length > 253) return `must be at most 253 characters (a Kubernetes object name), got ${v.length}`;
  if (!v.split('.').every((l) => DNS1123_LABEL.test(l))) {
    return 'must be a DNS-1123 subdomain: dot-separated labels of lowercase letters, digits and "-"';
  }
  return undefined;
};

/** A DNS name that is not an IP address (ExternalName targets, Ingress hosts). */
export const dnsNameNotIp: Rule<string> = (v) => {
  if (typeof v === 'string' && (parseAddress(v) !== undefined || v.includes(':'))) return 'must be a DNS name, not an IP address';
  return dns1123Subdomain(v);
};

/** An integer within [min, max]. */
export function intInRange(min: number, max: number, what = 'an integer'): Rule<number> {
  return (v) => (Number.isInteger(v) && v >= min && v <= max ? undefined : `must be ${what} from ${min} to ${max}`);
}

/** A TCP/UDP port number. */
export const portNumber: Rule<number> = intInRange(1, 65535, 'a port number');

/** An IANA service name: named container ports, Service port names used by Ingress backends. */
export const ianaSvcName: Rule<string> = (v) => ianaSvcNameProblem(v);

/** Label keys: an optional DNS-1123 subdomain prefix and a name of at most 63 characters. */
export const labelKey: Rule<string> = (v) => {
  if (typeof v !== 'string' || v.length === 0) return 'must be a non-empty label key';
  const parts = v.split('/');
  if (parts.length > 2) return 'must be a label key: at most one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2 && objectName(parts[0])) return 'must be a label key: the prefix must be a DNS-1123 subdomain';
  if (name.length > 63 || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) {
    return 'must be a label key: a name of at most 63 characters, alphanumerics, "-", "_", "." inside';
  }
  return undefined;
};

/** Label values: empty, or at most 63 alphanumerics with `-_.` inside. */
export const labelValue: Rule<string> = (v) => {
  if (typeof v !== 'string') return 'must be a string';
  const numeric = goYamlNumber(v);
  if (numeric) return numeric;
  if (v.length > 63 || !/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(v)) {
    return 'must be a label value: at most 63 characters, alphanumerics, "-", "_", "." inside';
  }
  return undefined;
};

/**
 * Throws the library's error unless `value` is a list (a JavaScript array): from JavaScript or a
 * config file a single value may come where a list belongs, and iterating a string would check its
 * characters one by one. `items` says what the list holds ("CIDRs"). `undefined` and `null` pass:
 * an optional list left out (callers read it with `?? []`).
 */
export function checkList(scope: IConstruct, field: string, value: unknown, items: string): void {
  if (value != null && !Array.isArray(value)) throw invalid(scope, field, value, `must be a list of ${items}`);
}

/**
 * Throws the library's error unless `value` is an object (not a list); `undefined` and `null` pass
 * (an optional object left out). `what` says what the object holds ("a map of label keys to values").
 */
export function checkObject(scope: IConstruct, field: string, value: unknown, what: string): void {
  if (value != null && (typeof value !== 'object' || Array.isArray(value))) {
    throw invalid(scope, field, value, `must be ${what}`);
  }
}

/**
 * Throws the library's error unless a required object of options was given (a construct's `props`,
 * `forbid()`'s options): from JavaScript a call may leave it out, and reading a field of undefined
 * would fail with a bare TypeError. `required` lists the fields it must set ("namespace, image, containerPort").
 */
export function checkProps(scope: IConstruct, field: string, value: unknown, required: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(scope, field, value, `must be an object: { ${required} } are required`);
  }
}

/** Validates every key and value of a label map. */
export function checkLabels(scope: IConstruct, field: string, labels: Record<string, string>): void {
  for (const [k, v] of Object.entries(labels)) {
    check(scope, `${field} key`, k, labelKey);
    check(scope, `${field}[${JSON.stringify(k)}]`, v, labelValue);
  }
}

/**
 * Parses an IPv4 or IPv6 address to a bigint and its bit width, or undefined. The evaluator's
 * parser does the work; validation is stricter in one point, as the API server now is: a dotted
 * octet has no leading zero (`010.0.0.1` is ambiguous between decimal and octal).
 */
export function parseIp(v: string): { value: bigint; bits: 32 | 128 } | undefined {
  if (typeof v !== 'string') return undefined;
  const ip = parseAddress(v);
  const dotted = v.slice(v.lastIndexOf(':') + 1);
  if (!ip || (dotted.includes('.') && /(^|\.)0\d/.test(dotted))) return undefined;
  return { value: ip.value, bits: ip.family === 4 ? 32 : 128 };
}

/** Parses `addr/prefix`; undefined when it is not a CIDR. */
export function parseCidr(v: string): { value: bigint; bits: 32 | 128; prefix: number } | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(v);
  if (!m) return undefined;
  const ip = parseIp(m[1]);
  const prefix = Number(m[2]);
  if (!ip || prefix > ip.bits) return undefined;
  return { ...ip, prefix };
}

/**
 * An IPv4 or IPv6 CIDR whose host bits are zero (so it means what it says), in the form the API
 * server's strict validation (KEP-4858, `netip.ParsePrefix`) accepts: no leading zero in the prefix
 * length, no IPv4-mapped IPv6 address.
 */
export const cidr: Rule<string> = (v) => {
  const parsed = parseCidr(v);
  if (parsed && /\/0\d/.test(v)) return `must not have a leading 0 in its prefix length (the API server refuses it): write "/${parsed.prefix}"`;
  if (parsed && parsed.bits === 128 && parsed.value >> 32n === 0xffffn) {
    return 'must not be an IPv4-mapped IPv6 address ("::ffff:a.b.c.d", which the API server refuses): write the IPv4 CIDR';
  }
  if (!parsed) {
    if (typeof v === 'string' && parseIp(v)) {
      return `must be a CIDR with a prefix length; did you mean "${v}/${v.includes(':') ? 128 : 32}"?`;
    }
    return 'must be an IPv4 or IPv6 CIDR such as "10.0.0.0/16" or "2001:db8::/32"';
  }
  const hostBits = BigInt(parsed.bits - parsed.prefix);
  if ((parsed.value & ((1n << hostBits) - 1n)) !== 0n) {
    return 'must have its host bits zero: the address is not the first address of its block';
  }
  return undefined;
};

/**
 * The canonical text of a CIDR that `cidr` accepts: the form the API server writes back and warns
 * for when it gets another (KEP-4858: "IPv6 address ... should be in RFC 5952 canonical format").
 * IPv6 per RFC 5952 as Go's `netip.Prefix.String()` writes it: lowercase hex, no leading zeros in a
 * group, the longest run of two or more zero groups (the first of equal runs) as `::`, and a dotted
 * tail only for an IPv4-mapped address. Two spellings of one block get the same text, so they are
 * one peer, one policy name and one rendered `cidr`. Returns the input unchanged when it is not a CIDR.
 */
export function canonicalCidr(v: string): string {
  const parsed = parseCidr(v);
  if (!parsed) return v;
  return `${formatIp(parsed.value, parsed.bits)}/${parsed.prefix}`;
}

/** Formats an address parsed by `parseIp` canonically (see `canonicalCidr`). */
export function formatIp(value: bigint, bits: 32 | 128): string {
  const dotted = (v: bigint) => [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  if (bits === 32) return dotted(value);
  if (value >> 32n === 0xffffn) return `::ffff:${dotted(value & 0xffffffffn)}`;
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(16 * (7 - i))) & 0xffffn));
  // The longest run of zero groups, of at least two; the first one wins a tie.
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (best.start < 0) return hex(groups);
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`;
}

/** Checks `value` with the `cidr` rule and returns its canonical text (see `canonicalCidr`). */
export function validCidr(scope: IConstruct, field: string, value: string): string {
  return canonicalCidr(check(scope, field, value, cidr));
}

/**
 * Private and shared address ranges (RFC 1918, RFC 6598 shared space, IPv6 unique local): where
 * nodes, pods and Service addresses usually live, and what a load balancer's own subnets use.
 */
export const PRIVATE_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

/** An IP block: a CIDR and the ranges it leaves out. */
export interface CidrBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/**
 * The ranges of `ranges` that a block reaches into where its exceptions do not take them out
 * (CIDRs either nest or are disjoint: the common part is the smaller one).
 */
export function rangesReached(block: CidrBlock, ranges: readonly string[]): string[] {
  return ranges.filter((r) => (cidrContains(r, block.cidr) || cidrContains(block.cidr, r))
    && !(block.except ?? []).some((e) => cidrContains(e, r) || cidrContains(e, block.cidr)));
}

/** True when `inner` lies inside `outer` (same family). */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i || o.bits !== i.bits || i.prefix < o.prefix) return false;
  const shift = BigInt(o.bits - o.prefix);
  return (o.value >> shift) === (i.value >> shift);
}

/**
 * Free text that survives cdk8s' YAML and the Go YAML decoder of kubectl and Argo CD. cdk8s writes
 * DEL and C1 controls (U+007F-U+009F), U+2028, U+2029, U+FFFE and U+FFFF raw, and Go YAML refuses
 * the whole file for them, or reads NEL (U+0085) as a line break; an unpaired surrogate cannot be
 * written as UTF-8 at all. One such character in one value would stop every object of its file
 * from syncing.
 */
export const yamlSafeText: Rule<string> = (v) => goYamlNumber(v) ?? unreadableCharacter(v);

/**
 * cdk8s writes YAML 1.1 and leaves `0o17`, `0O17`, `0X1F` and `0B11` unquoted: strings in YAML 1.1,
 * but integers to YAML 1.2 and to Go YAML (kubectl, Argo CD), so the API server would get a number
 * where it wants a string and refuse the object.
 */
function goYamlNumber(v: string): string | undefined {
  if (typeof v !== 'string' || !/^[-+]?0([oO][0-7_]+|X[0-9a-fA-F_]+|B[01_]+)$/.test(v)) return undefined;
  return 'would be read as a number by kubectl and Argo CD: cdk8s writes it unquoted (write the number in decimal, or add a character that is not ' +
    'a digit)';
}

function unreadableCharacter(v: string): string | undefined {
  const m = typeof v === 'string'
    ? /[\u007f-\u009f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(v)
    : null;
  if (!m) return undefined;
  const code = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return `must not contain ${code} at index ${m.index}: kubectl and Argo CD cannot read it back from the YAML (DEL and C1 controls, U+2028, ` +
    `U+2029, U+FFFE, U+FFFF and unpaired surrogates are refused)`;
};

/** A value is one of the allowed list. */
export function oneOf<T>(allowed: readonly T[]): Rule<T> {
  return (v) => (allowed.includes(v) ? undefined : `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
}
