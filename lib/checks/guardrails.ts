/**
 * Guardrails: rules a platform team writes once (`NetworkModel.forbid()`, `requireTls()`,
 * `forbidInternetEgress()`), checked on the computed reachability: the allowed flows and entry
 * points as the report lists them, whoever wrote the policies. Plain data, so that the report
 * carries them and `cdk8s-networking diff` checks the same rules on another output.
 */
import type { IpRange } from '../evaluator/cidr';
import { parseCidr, rangeContains, rangesOverlap } from '../evaluator/cidr';
import type { Guardrail, GuardrailPeer } from '../util/guardrail';
import { compare } from './objects';

export type { Guardrail, GuardrailKind, GuardrailPeer } from '../util/guardrail';

/** A guardrail broken by a flow or an entry point. */
export interface GuardrailViolation {
  /** The guardrail's name. */
  readonly guardrail: string;
  readonly reason: string;
  /** Where the guardrail was declared. */
  readonly guardrailDeclaredBy: string;
  /** `production/Deployment/api -> payments/Deployment/ledger on TCP 9000`, or the entry point. */
  readonly flow: string;
  /** Construct paths (or policy names) that declared or allowed the flow. */
  readonly declaredBy: readonly string[];
}

/** What guardrails are checked on: a network report, or anything shaped like one. */
export interface GuardrailSubject {
  readonly endpoints: readonly {
    readonly id: string; readonly type: string; readonly namespace?: string; readonly name: string;
    readonly labels?: Readonly<Record<string, string>>; readonly isolated?: { readonly ingress: boolean; readonly egress: boolean };
    readonly path?: string;
  }[];
  readonly flows: readonly {
    readonly from: string; readonly to: string; readonly ports: readonly string[];
    readonly allowedBy: readonly string[]; readonly declaredBy?: readonly string[];
  }[];
  readonly entryPoints: readonly {
    readonly namespace: string; readonly via: string; readonly path: string; readonly host: string;
    readonly match: string; readonly backend: string; readonly tls: string; readonly tlsNote?: string;
  }[];
}

type Endpoint = GuardrailSubject['endpoints'][number];

/** Addresses that are not the internet: private, shared, loopback and link-local ranges. */
const NON_INTERNET = [
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', 'fc00::/7', 'fe80::/10', '::1/128',
]
  .map((c) => parseCidr(c));

/** The CIDR of an ip-block endpoint id `cidr:<cidr>[ except ...]`. */
function cidrOf(id: string): IpRange | undefined {
  if (!id.startsWith('cidr:')) return undefined;
  try {
    return parseCidr(id.slice(5).split(' except ')[0]);
  } catch {
    return undefined;
  }
}

/** Whether a report endpoint is among the pods or addresses of a guardrail peer. */
export function peerMatches(peer: GuardrailPeer, e: Endpoint): boolean {
  if (e.type === 'ip-block') {
    const range = cidrOf(e.id);
    // Addresses the peer leaves out (its except ranges) are not the peer: a range wholly inside one does not match.
    return range !== undefined && (peer.cidrs ?? []).some((c) => rangesOverlap(parseCidr(c), range))
      && !(peer.except ?? []).some((c) => rangeContains(parseCidr(c), range));
  }
  if (peer.namespace === undefined || e.namespace !== peer.namespace) return false;
  const wanted = peer.labels ?? {};
  const has = e.labels ?? {};
  // Pods outside the app named without labels stand for any pod of their namespace.
  if (e.type === 'external-pods' && Object.keys(has).length === 0) return true;
  return Object.keys(wanted).every((k) => has[k] === wanted[k]);
}

/**
 * Whether every address of an ip-block endpoint is among a guardrail peer's: what an exception
 * excepts. A block that only overlaps the peer's ranges reaches addresses outside them.
 */
function peerContains(peer: GuardrailPeer, e: Endpoint): boolean {
  const range = cidrOf(e.id);
  return range !== undefined && (peer.cidrs ?? []).some((c) => rangeContains(parseCidr(c), range))
    && !(peer.except ?? []).some((c) => rangesOverlap(parseCidr(c), range));
}

/** The prefix of the namespaces the exposure analysis makes for a namespaceSelector by labels (`[namespaces team=web]`). */
const LABELLED_NAMESPACES = '[namespaces ';

/**
 * Whether an endpoint standing for pods of namespaces matched by labels (`[namespaces team=web]`)
 * may be among a guardrail peer's pods: the peer names a namespace whose labels the app does not
 * define (it has no Namespace object for it), so it may carry those labels.
 */
function mayMatch(peer: GuardrailPeer, e: Endpoint, labelled: ReadonlySet<string>): boolean {
  if (peer.namespace === undefined || labelled.has(peer.namespace) || !e.namespace?.startsWith(LABELLED_NAMESPACES)) return false;
  return peerMatches({ ...peer, namespace: e.namespace }, e);
}

/** Whether a destination id is an address on the internet, or a DNS name outside the cluster (Cilium `toFQDNs`). */
function isInternet(id: string): boolean {
  if (id.startsWith('fqdn:')) return true;
  const range = cidrOf(id);
  return range !== undefined && !NON_INTERNET.some((r) => rangeContains(r, range));
}

/**
 * The scheme a redirect entry point sends the client to, read from its backend as the report
 * writes it (`redirect https://(same host)`, `redirect http://a.example.com`, `redirect (same host)`):
 * `https`, `http`, or `same` when the redirect names no scheme, which keeps the request's
 * (Gateway API HTTPRequestRedirectFilter: "When empty, the scheme of the request is used").
 * Undefined for an entry point that is not a redirect.
 */
export function redirectScheme(backend: string): 'https' | 'http' | 'same' | undefined {
  if (!backend.startsWith('redirect ')) return undefined;
  const scheme = /^redirect (https?):\/\//.exec(backend)?.[1];
  return scheme === 'https' || scheme === 'http' ? scheme : 'same';
}

/**
 * Whether an entry point lets a client talk plain HTTP, what `requireTls()` forbids and
 * `diff --fail-on tls-off` looks for: a route served without TLS; a redirect to `http://`, wherever
 * it is served; a redirect that keeps the scheme, served without TLS. A redirect to `https://`
 * sends the client to TLS, whatever it was asked over. A backend listing several (the entry
 * points `diff` merges) lets plain HTTP through when one of them does.
 */
export function allowsPlainHttp(e: { readonly tls: string; readonly backend: string }): boolean {
  return e.backend.split(', ').some((backend) => {
    const scheme = redirectScheme(backend);
    return scheme === 'http' || (scheme !== 'https' && e.tls === 'off');
  });
}

/**
 * Checks guardrails on a report. `owner(policy)` names the construct of a policy that allows an
 * undeclared flow (at synth); without it the policy name is given. `labelled` names the namespaces
 * whose labels the app defines (its Namespace objects): any other namespace a guardrail names may
 * carry the labels a namespaceSelector asks for.
 */
export function checkGuardrails(
  guardrails: readonly Guardrail[], subject: GuardrailSubject, owner: (policy: string) => string = (p) => p,
  labelled: ReadonlySet<string> = new Set(),
): GuardrailViolation[] {
  const endpoints = new Map(subject.endpoints.map((e) => [e.id, e]));
  const out: GuardrailViolation[] = [];
  const blame = (f: GuardrailSubject['flows'][number]) => (f.declaredBy?.length ? [...f.declaredBy] : f.allowedBy.map(owner));
  const flowText = (f: GuardrailSubject['flows'][number]) => `${f.from} -> ${f.to} on ${f.ports.join(', ')}`;
  for (const g of guardrails) {
    const violation = (flow: string, declaredBy: readonly string[]) =>
      out.push({ guardrail: g.name, reason: g.reason, guardrailDeclaredBy: g.declaredBy, flow, declaredBy });
    if (g.kind === 'forbid') {
      // Flows from or to namespaces matched by labels count where the guardrail's namespace may carry them, unless the
      // guardrail is broken already by its own namespace (the same policy admits it by name or by every namespace).
      const possible: (() => void)[] = [];
      let broken = false;
      for (const f of subject.flows) {
        const from = endpoints.get(f.from);
        const to = endpoints.get(f.to);
        if (!from || !to || !g.from || !g.to) continue;
        const sure = [peerMatches(g.from, from), peerMatches(g.to, to)];
        if (sure[0] && sure[1]) {
          violation(flowText(f), blame(f));
          broken = true;
          continue;
        }
        const maybe = [!sure[0] && mayMatch(g.from, from, labelled), !sure[1] && mayMatch(g.to, to, labelled)];
        if (!(sure[0] || maybe[0]) || !(sure[1] || maybe[1])) continue;
        const unknown = [g.from, g.to].filter((_, i) => maybe[i]).map((p) => p.namespace);
        possible.push(() => violation(`${flowText(f)} (namespace ${[...new Set(unknown)].join(', ')} is not the app's, so it may carry those `
          + 'labels)', blame(f)));
      }
      if (!broken) possible.forEach((report) => report());
      // Pods no policy isolates for ingress accept connections from anyone: the report lists no flow for them.
      for (const e of subject.endpoints) {
        if (g.to && e.type === 'workload' && e.isolated && !e.isolated.ingress && peerMatches(g.to, e)) {
          violation(`any pod -> ${e.id} (no NetworkPolicy isolates its ingress)`, e.path ? [e.path] : []);
        }
      }
    } else if (g.kind === 'require-tls') {
      for (const e of subject.entryPoints) {
        if (!allowsPlainHttp(e)) continue;
        const what = e.tls === 'off' ? `without TLS${e.tlsNote ? `, ${e.tlsNote}` : ''}` : 'redirecting to plain HTTP';
        violation(`entry point ${e.host} ${e.match} -> ${e.backend} (${e.via} in ${e.namespace}) ${what}`, [e.path]);
      }
    } else {
      const except = g.except ?? [];
      const exempt = (e: Endpoint | undefined) => e !== undefined
        && except.some((p) => (e.type === 'ip-block' ? peerContains(p, e) : peerMatches(p, e)));
      for (const f of subject.flows) {
        const from = endpoints.get(f.from);
        if (!from || from.type === 'ip-block' || !isInternet(f.to) || exempt(from) || exempt(endpoints.get(f.to))) continue;
        violation(flowText(f), blame(f));
      }
      for (const e of subject.endpoints) {
        if (e.type === 'workload' && e.isolated && !e.isolated.egress && !exempt(e)) {
          violation(`${e.id} -> any address (no NetworkPolicy isolates its egress)`, e.path ? [e.path] : []);
        }
      }
    }
  }
  return out.sort((a, b) => compare(a.guardrail, b.guardrail) || compare(a.flow, b.flow));
}

/** One line per violation, for errors. */
export function formatViolation(v: GuardrailViolation): string {
  return `guardrail ${v.guardrail} (declared at ${v.guardrailDeclaredBy}; reason: ${v.reason}) is violated by ${v.flow}`
    + `${v.declaredBy.length ? `, declared by ${v.declaredBy.join(', ')}` : ''}`;
}
