/**
 * `explain`: why one connection is allowed or denied, policy by policy and rule by rule, on each
 * side (egress at the source, ingress at the destination), with the evaluator's verdict.
 */
import type { CheckContext } from '../checks/context';
import type { ManifestObject } from '../checks/objects';
import { compare, namespaceOf } from '../checks/objects';
import type { NetworkView } from '../checks/verify';
import type { Endpoint, PodGroup, Protocol } from '../evaluator';
import { isPodGroup, PROTOCOLS } from '../evaluator';
import { parseCidr } from '../evaluator/cidr';
import { NamespaceLabels } from '../evaluator/namespaces';
import { rulePeersMatch } from '../evaluator/peer-match';
import type { Direction, Policy } from '../evaluator/policy';
import { parsePolicy } from '../evaluator/policy';
import { hasPort } from '../evaluator/port-set';
import { resolveRulePorts } from '../evaluator/rule-ports';
import { matchesSelector } from '../evaluator/selector';
import { CliError } from './errors';

/** One rule of a policy that governs a side. */
export interface RuleVerdict {
  /** `ingress[0]`, `egress[1]`. */
  readonly rule: string;
  readonly peerMatches: boolean;
  readonly portMatches: boolean;
  /** The rule as written, compact. */
  readonly text: string;
}

/** A policy that selects the pods of a side. */
export interface PolicyVerdict {
  /** `namespace/name`. */
  readonly name: string;
  /** Where it comes from: a construct path, or `file#document`. */
  readonly path: string;
  /** Whether one of its rules admits the connection. */
  readonly allows: boolean;
  /** Its rules of the side's direction; empty for a policy that only isolates. */
  readonly rules: readonly RuleVerdict[];
}

/** One side of the connection. */
export interface SideExplanation {
  readonly direction: Direction;
  /** The endpoint id of the pods on this side; undefined when the side is an address (not checked). */
  readonly at?: string;
  readonly isolated: boolean;
  readonly allowed: boolean;
  readonly policies: readonly PolicyVerdict[];
}

/** The whole explanation. */
export interface Explanation {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly allowed: boolean;
  readonly egress: SideExplanation;
  readonly ingress: SideExplanation;
}

/** Resolves FROM or TO: an endpoint id, `namespace/name`, `namespace:label=value,...`, or an IP/CIDR. */
export function resolveEndpoint(text: string, view: NetworkView, what: string): { id: string; endpoint: Endpoint } {
  const exact = view.groupById.get(text);
  if (exact) return { id: text, endpoint: exact.group };
  const cidr = text.startsWith('cidr:') ? text.slice(5) : text;
  if (/^[0-9a-fA-F:.]+(\/\d+)?$/.test(cidr) && /[.:]/.test(cidr)) {
    try {
      parseCidr(cidr);
      return { id: `cidr:${cidr}`, endpoint: { cidr } };
    } catch (e) {
      throw new CliError(`${what} "${text}" is invalid: ${(e as Error).message}`);
    }
  }
  const pods = /^([a-z0-9-]+):(.+)$/.exec(text);
  if (pods) {
    const labels: Record<string, string> = {};
    for (const kv of pods[2].split(',')) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new CliError(`${what} "${text}" is invalid: labels must be written key=value,key=value`);
      labels[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    }
    const group: PodGroup = { id: text, namespace: pods[1], labels };
    return { id: text, endpoint: group };
  }
  const slash = text.split('/');
  if (slash.length === 2) {
    const matches = view.groups.filter((g) => g.group.namespace === slash[0] && g.name === slash[1]);
    if (matches.length === 1) return { id: matches[0].group.id, endpoint: matches[0].group };
    if (matches.length > 1) {
      throw new CliError(`${what} "${text}" is ambiguous: it names ${matches.map((m) => m.group.id).join(', ')}; give one of these ids`);
    }
  }
  const known = view.groups.filter((g) => g.object).map((g) => `${g.group.namespace}/${g.name}`).sort(compare);
  throw new CliError(`${what} "${text}" is invalid: no such workload. Name one as namespace/name (known: ${known.slice(0, 12).join(', ')}`
    + `${known.length > 12 ? `, and ${known.length - 12} more` : ''}), pods as namespace:label=value, or an address as an IP or CIDR`);
}

/** Parses PORT: `3000`, `3000/TCP`, `udp/53`, `53/udp`, or a port name of the destination. */
export function parsePort(text: string, destination: Endpoint): { port: number; protocol: Protocol } {
  const parts = text.split(/[/:]/);
  const protocol = (parts.find((p) => PROTOCOLS.includes(p.toUpperCase() as Protocol))?.toUpperCase() ?? 'TCP') as Protocol;
  const rest = parts.filter((p) => !PROTOCOLS.includes(p.toUpperCase() as Protocol));
  if (rest.length !== 1 || parts.length > 2) {
    throw new CliError(`PORT "${text}" is invalid: write a port number (3000), with a protocol (53/UDP), or a port name`);
  }
  const value = rest[0];
  if (/^\d+$/.test(value)) {
    const port = Number(value);
    if (port < 1 || port > 65535) throw new CliError(`PORT "${text}" is invalid: must be a port number from 1 to 65535`);
    return { port, protocol };
  }
  const named = isPodGroup(destination) ? (destination.ports ?? []).find((p) => p.name === value && (p.protocol ?? 'TCP') === protocol) : undefined;
  if (!named) {
    const names = (isPodGroup(destination) ? destination.ports ?? [] : []).filter((p) => p.name)
      .map((p) => `${p.name} (${p.containerPort}/${p.protocol ?? 'TCP'})`);
    const known = names.length ? ` (it has ${names.join(', ')})` : '';
    throw new CliError(`PORT "${text}" is invalid: the destination has no ${protocol} port named "${value}"${known}`);
  }
  return { port: named.containerPort, protocol };
}

/** Explains the connection FROM -> TO on PORT over the manifests of `context`. */
export function explain(context: CheckContext, view: NetworkView, fromText: string, toText: string, portText: string): Explanation {
  const from = resolveEndpoint(fromText, view, 'FROM');
  const to = resolveEndpoint(toText, view, 'TO');
  const { port, protocol } = parsePort(portText, to.endpoint);
  const policies = context.ofKind('NetworkPolicy')
    .filter((o) => o.json.apiVersion === 'networking.k8s.io/v1')
    .map((o) => ({ object: o, policy: parsePolicy(o.json) }));
  const namespaces = new NamespaceLabels(context.ofKind('Namespace').map((o) => o.json));
  const verdict = context.evaluator.check(from.endpoint, to.endpoint, port, protocol);
  const side = (direction: Direction, at: { id: string; endpoint: Endpoint }, peer: Endpoint): SideExplanation => {
    const v = direction === 'egress' ? verdict.egress : verdict.ingress;
    if (!isPodGroup(at.endpoint)) return { direction, isolated: false, allowed: true, policies: [] };
    const group = at.endpoint;
    const selecting = policies.filter(({ policy }) =>
      policy.namespace === group.namespace && policy[direction] !== undefined && matchesSelector(policy.podSelector, group.labels));
    const destinationPorts = isPodGroup(to.endpoint) ? to.endpoint.ports : undefined;
    return {
      direction,
      at: at.id,
      isolated: v.isolated,
      allowed: !v.isolated || v.allowedBy.length > 0,
      policies: selecting.map(({ object, policy }) => policyVerdict(object, policy, direction, peer, destinationPorts, port, protocol, namespaces)),
    };
  };
  return {
    from: from.id,
    to: to.id,
    port,
    protocol,
    allowed: verdict.allowed,
    egress: side('egress', from, to.endpoint),
    ingress: side('ingress', to, from.endpoint),
  };
}

function policyVerdict(
  object: ManifestObject, policy: Policy, direction: Direction, peer: Endpoint, destinationPorts: PodGroup['ports'],
  port: number, protocol: Protocol, namespaces: NamespaceLabels,
): PolicyVerdict {
  const raw: any[] = object.json.spec?.[direction] ?? [];
  const rules = policy[direction]!.map((rule, i) => ({
    rule: `${direction}[${i}]`,
    peerMatches: rulePeersMatch(rule, policy.namespace, peer, namespaces),
    portMatches: hasPort(resolveRulePorts(rule.ports, destinationPorts), protocol, port),
    text: ruleText(raw[i], direction),
  }));
  const allows = rules.some((r) => r.peerMatches && r.portMatches);
  return { name: `${namespaceOf(object)}/${object.json.metadata.name}`, path: object.path, allows, rules };
}

/** A rule as compact text: its peers and ports. */
function ruleText(raw: any, direction: Direction): string {
  const peers: any[] = raw?.[direction === 'ingress' ? 'from' : 'to'] ?? [];
  const ports: any[] = raw?.ports ?? [];
  const peerText = peers.length === 0 ? 'any peer' : peers.map((p) => {
    if (p?.ipBlock) return `ipBlock ${p.ipBlock.cidr}${p.ipBlock.except?.length ? ` except ${p.ipBlock.except.join(',')}` : ''}`;
    const parts: string[] = [];
    if (p?.namespaceSelector) parts.push(`namespaces ${selectorText(p.namespaceSelector)}`);
    if (p?.podSelector) parts.push(`pods ${selectorText(p.podSelector)}`);
    return parts.join(' and ');
  }).join('; ');
  const portText = ports.length === 0 ? 'any port'
    : ports.map((p) => `${p?.protocol ?? 'TCP'} ${p?.port ?? 'all'}${p?.endPort ? `-${p.endPort}` : ''}`).join(', ');
  return `${direction === 'ingress' ? 'from' : 'to'} ${peerText} on ${portText}`;
}

function selectorText(s: any): string {
  const labels = Object.entries(s?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const exprs = (s?.matchExpressions ?? []).map((e: any) => `${e.key} ${e.operator}${e.values ? ` (${e.values.join(',')})` : ''}`);
  const all = [...labels, ...exprs];
  return all.length ? `{${all.join(', ')}}` : '(all)';
}

/** The explanation as Markdown. */
export function renderExplanation(x: Explanation): string {
  const out = [`**${x.from} -> ${x.to} on ${x.protocol} ${x.port}: ${x.allowed ? 'allowed' : 'denied'}**`, ''];
  for (const s of [x.egress, x.ingress]) {
    const where = s.direction === 'egress' ? `Egress at the source` : `Ingress at the destination`;
    out.push(`### ${where}${s.at ? ` ${s.at}` : ''}`, '');
    if (!s.at) {
      out.push(`Not a pod: no NetworkPolicy applies on this side.`, '');
      continue;
    }
    if (!s.isolated) {
      const type = s.direction === 'egress' ? 'Egress' : 'Ingress';
      out.push(`Not isolated for ${s.direction}: no NetworkPolicy with ${type} in its policyTypes selects these pods, `
        + 'so this side allows everything.', '');
      continue;
    }
    const admitting = s.policies.filter((p) => p.allows).map((p) => p.name);
    out.push(admitting.length
      ? `Isolated by ${s.policies.length} polic${s.policies.length === 1 ? 'y' : 'ies'}; allowed by ${admitting.join(', ')}.`
      : `Isolated by ${s.policies.map((p) => p.name).join(', ')}, and **no rule admits this connection**: denied here.`, '');
    out.push('| Policy | Rule | Peer matches | Port matches | Rule as written |', '|---|---|---|---|---|');
    for (const p of s.policies) {
      if (p.rules.length === 0) out.push(`| ${p.name} (${p.path}) | none | - | - | isolates only (no ${s.direction} rule) |`);
      for (const r of p.rules) {
        const yes = (b: boolean) => (b ? 'yes' : 'no');
        out.push(`| ${p.name} (${p.path}) | ${r.rule} | ${yes(r.peerMatches)} | ${yes(r.portMatches)} | ${r.text.replace(/\|/g, '\\|')} |`);
      }
    }
    out.push('');
  }
  return out.join('\n').replace(/\n+$/, '\n');
}
