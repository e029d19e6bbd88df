/**
 * The options of the model's guardrails and their resolution into plain data ({@link Guardrail}),
 * which the synth checks evaluate on the computed reachability and the report writes.
 */
import type { IConstruct } from 'constructs';
import type { Guardrail, GuardrailPeer } from '../util/guardrail';
import { checkList, checkObject, checkProps, invalid } from '../util/validation';
import type { IPeer } from './peer';


/** Options of `NetworkModel.forbid()`. */
export interface ForbidOptions {
  /** The sources that must not reach `to`: pods or addresses. */
  readonly from: IPeer;
  /**
   * The destinations `from` must not reach: pods or addresses (not `Peer.fqdn()`, `Peer.nodes()`,
   * `Peer.kubeApiServer()` nor an `ExternalService`, which a guardrail cannot match).
   */
  readonly to: IPeer;
  /** Why: printed with every violation, e.g. `PCI scope`. */
  readonly reason: string;
}

/** Options of `NetworkModel.requireTls()`. */
export interface RequireTlsOptions {
  /**
   * Why: printed with every violation.
   * @default 'entry points must use TLS'
   */
  readonly reason?: string;
}

/** Options of `NetworkModel.forbidInternetEgress()`. */
export interface ForbidInternetEgressOptions {
  /**
   * Peers allowed anyway: pods (`Peer.app(x)`, `Peer.namespace(...)`, `Peer.pods(...)`) that may
   * open connections to the internet, and addresses (`Peer.cidr(...)`) that may be reached (not
   * `Peer.fqdn()`, which a guardrail cannot match: exempt the pods that call the name instead).
   * @default - none
   */
  readonly except?: IPeer[];
  /**
   * Why: printed with every violation.
   * @default 'no egress to the internet'
   */
  readonly reason?: string;
}

/** A peer as guardrail data; pods need a namespace. */
export function guardrailPeer(scope: IConstruct, field: string, peer: IPeer): GuardrailPeer {
  if (typeof peer?._resolvePeer !== 'function') {
    throw invalid(scope, field, peer === undefined ? undefined : String(peer), 'must be a WebApp or a Peer (Peer.pods(), Peer.cidr(), ...)');
  }
  const ep = peer._resolvePeer(scope, field, '');
  const except = [...new Set((ep.ipBlocks ?? []).flatMap((b) => b.except ?? []))].sort();
  if (ep.wellKnown) {
    // The guardrail check matches pods by namespace and labels, and addresses by CIDR: it would never match this peer.
    throw invalid(scope, field, ep.wellKnown.description, 'must be pods or addresses (a WebApp, Peer.pods(), Peer.namespace(), Peer.workload(), '
      + 'Peer.cidr(), Peer.internet()): a guardrail cannot match DNS names, the nodes or the API server, so it would never apply');
  }
  if (ep.namespace === '') {
    throw invalid(scope, `${field} namespace`, '', 'a guardrail peer must name its namespace (Peer.pods({ namespace, labels }))');
  }
  return {
    ...(ep.namespace !== undefined ? { namespace: ep.namespace } : {}),
    ...(ep.podLabels ? { labels: { ...ep.podLabels } } : {}),
    ...(ep.ipBlocks?.length ? { cidrs: ep.ipBlocks.map((b) => b.cidr) } : {}),
    ...(except.length ? { except } : {}),
  };
}

/** A readable name for a peer in a guardrail's name. */
function peerName(p: GuardrailPeer): string {
  const labels = p.labels ? `{${Object.keys(p.labels).sort().map((k) => `${k}=${p.labels![k]}`).join(',')}}` : '';
  const except = p.except?.length ? ` except ${p.except.join(',')}` : '';
  return [p.namespace !== undefined ? `${p.namespace}${labels}` : '', ...(p.cidrs ?? [])].filter((x) => x !== '').join('+') + except;
}

function reasonOf(scope: IConstruct, field: string, reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw invalid(scope, field, reason, 'must be a non-empty string saying why the rule exists');
  }
  return reason;
}

/** Resolves `forbid()`. */
export function forbidGuardrail(scope: IConstruct, options: ForbidOptions): Guardrail {
  checkProps(scope, 'forbid() options', options, 'from, to, reason');
  const from = guardrailPeer(scope, 'forbid() from', options.from);
  const to = guardrailPeer(scope, 'forbid() to', options.to);
  const reason = reasonOf(scope, 'forbid() reason', options.reason);
  return { kind: 'forbid', name: `forbid(${peerName(from)} -> ${peerName(to)})`, reason, declaredBy: scope.node.path, from, to };
}

/** Resolves `requireTls()`. */
export function requireTlsGuardrail(scope: IConstruct, options: RequireTlsOptions = {}): Guardrail {
  checkObject(scope, 'requireTls() options', options, 'an object { reason }, or left out');
  options = options ?? {};
  const reason = options.reason === undefined ? 'entry points must use TLS' : reasonOf(scope, 'requireTls() reason', options.reason);
  return { kind: 'require-tls', name: 'requireTls()', reason, declaredBy: scope.node.path };
}

/** Resolves `forbidInternetEgress()`. */
export function forbidInternetEgressGuardrail(scope: IConstruct, options: ForbidInternetEgressOptions = {}): Guardrail {
  checkObject(scope, 'forbidInternetEgress() options', options, 'an object { except, reason }, or left out');
  options = options ?? {};
  checkList(scope, 'forbidInternetEgress() except', options.except, 'peers, e.g. [Peer.cidr(\'203.0.113.0/24\')]');
  const except = (options.except ?? []).map((p, i) => guardrailPeer(scope, `forbidInternetEgress() except[${i}]`, p));
  const reason = options.reason === undefined ? 'no egress to the internet' : reasonOf(scope, 'forbidInternetEgress() reason', options.reason);
  const name = `forbidInternetEgress(${except.length ? `except ${except.map(peerName).join(', ')}` : ''})`;
  return { kind: 'forbid-internet-egress', name, reason, declaredBy: scope.node.path, ...(except.length ? { except } : {}) };
}
