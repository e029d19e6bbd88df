/**
 * Checks over the declared flows themselves (not the rendered objects): declarations that render
 * valid policies but open more, or reach less, than the program most likely means.
 */
import { formatValue } from '../util/validation';
import type { AddressUse, DeclaredEndpoint as Endpoint, DeclaredFlow as Flow, ServiceAddress } from './declared';
import type { Finding, Severity } from './finding';
import { DNS_SERVER_ISOLATED } from './dns-server';
import { EXTERNAL_CLIENT_LB_SNAT, EXTERNAL_CLIENT_SNAT, EXTERNAL_SERVICE_POD_CLIENTS, EXTERNAL_SERVICE_UNREACHABLE } from './external-clients';
import { ROUTE_BACKEND_UNREACHABLE, ROUTE_BACKEND_UNVERIFIED } from './route-clients';
import { declaredByText, FLOW_PORT_UNVERIFIED, FLOW_TARGET_PORT } from './flow-ports';
import { DECLARED_FLOW_MAY_BE_DENIED } from './peer-policies';
import { POD_DNS_POLICY } from './pod-dns';
import { nearMisses } from '../util/typos';

/** Check name of an app handed another app's address (env) with no flow to it. */
export const ADDRESS_WITHOUT_FLOW = 'address-without-flow';
/** Check name of a flow naming a namespace that looks like a typo of one of the app's. */
export const NAMESPACE_TYPO = 'namespace-typo';
/** Check name of a flow naming a namespace the app deploys into but nothing creates. */
export const NAMESPACE_NOT_CREATED = 'namespace-not-created';

/** Check name of a flow from a zero-trust pod to every IPv4 or IPv6 address. */
export const EGRESS_TO_ANY_ADDRESS = 'egress-to-any-address';

/** A check over the declared flows, for the check table and the docs. */
export interface FlowCheckInfo {
  readonly name: string;
  readonly severity: Severity;
  readonly description: string;
}

/** The checks over declared flows (run by the synth step with the flow verification). */
export const FLOW_CHECKS: readonly FlowCheckInfo[] = [
  { name: FLOW_TARGET_PORT, severity: 'error', description: 'a flow towards pods of the app on a port none of them declares as a container port' },
  {
    name: DECLARED_FLOW_MAY_BE_DENIED, severity: 'warning',
    description: 'a declared flow to or from pods the app does not define that a hand-written policy would deny if they carry labels '
      + 'the flow does not name',
  },
  {
    name: FLOW_PORT_UNVERIFIED, severity: 'warning',
    description: 'a flow from a zero-trust pod on a port name towards a destination that includes pods the app does not define: '
      + 'the flow to them is neither verified nor in the report',
  },
  { name: EGRESS_TO_ANY_ADDRESS, severity: 'warning', description: 'egress from a zero-trust pod to a bare 0.0.0.0/0 or ::/0' },
  {
    name: ADDRESS_WITHOUT_FLOW, severity: 'warning',
    description: 'an app handed another app\'s url or dnsName (env) with no flow to it, where a zero-trust namespace drops it',
  },
  { name: NAMESPACE_TYPO, severity: 'warning', description: 'a flow naming a namespace the app does not have, one or two edits from one it has' },
  {
    name: NAMESPACE_NOT_CREATED, severity: 'warning',
    description: 'a flow naming a namespace the app deploys into but no Namespace object of the app creates',
  },
  {
    name: EXTERNAL_SERVICE_UNREACHABLE, severity: 'warning',
    description: 'a NodePort or LoadBalancer Service in a zero-trust namespace whose pods admit no client from outside the cluster',
  },
  {
    name: ROUTE_BACKEND_UNREACHABLE, severity: 'warning',
    description: 'an Ingress or HTTPRoute backend whose pods, in a zero-trust namespace, admit no connection from outside it on the target port',
  },
  {
    name: ROUTE_BACKEND_UNVERIFIED, severity: 'warning',
    description: 'an Ingress or HTTPRoute backend Service without a selector whose endpoints the library cannot tie to pods of the app, '
      + 'while a zero-trust namespace may drop the controller serving the route',
  },
  {
    name: POD_DNS_POLICY, severity: 'error',
    description: 'a workload in a zero-trust namespace whose dnsPolicy (Default, None, ClusterFirst on the host network) sends its lookups '
      + 'past the DNS egress the namespace allows: an error when it declares DNS-name flows on Cilium, whose addresses are then never '
      + 'learned, a warning otherwise',
  },
  {
    name: EXTERNAL_CLIENT_SNAT, severity: 'warning',
    description: 'a NodePort or LoadBalancer Service with externalTrafficPolicy Cluster whose pods admit clients\' IP blocks but not the nodes',
  },
  {
    name: EXTERNAL_CLIENT_LB_SNAT, severity: 'warning',
    description: 'a LoadBalancer Service whose AWS NLB targets the pods by IP without client IP preservation, whose pods admit clients\' '
      + 'IP blocks but no private range the NLB\'s subnets could be in',
  },
  {
    name: DNS_SERVER_ISOLATED, severity: 'warning',
    description: 'the DNS pods of a zero-trust namespace named as dns.namespace, which no policy lets reach anything but themselves: '
      + 'neither the API server nor an upstream resolver, so lookups fail',
  },
  {
    name: EXTERNAL_SERVICE_POD_CLIENTS, severity: 'warning',
    description: 'a NodePort or LoadBalancer Service with externalTrafficPolicy Cluster whose pods admit the nodes on a port it forwards: '
      + 'kube-proxy masquerades pods\' connections to its node ports too, so every pod of the cluster reaches them as a node',
  },
];

/** The checks over declared flows, by name: what the skip annotation and `skipChecks` accept. */
export const FLOW_CHECK_NAMES: readonly string[] = FLOW_CHECKS.map((c) => c.name);

/** The input of {@link checkDeclaredFlows}. */
export interface FlowCheckInput {
  readonly flows: readonly Flow[];
  /** The zero-trust namespaces: only there do flows render egress policies. */
  readonly zeroTrust: ReadonlySet<string>;
  /**
   * The addresses the app's WebApps expose and the env values that may use them.
   * @default - none
   */
  readonly addresses?: { readonly addresses: readonly ServiceAddress[]; readonly uses: readonly AddressUse[] };
  /**
   * Namespaces the app has: its zero-trust namespaces, the namespaces of its objects, its Namespace objects.
   * @default - the zero-trust namespaces
   */
  readonly appNamespaces?: ReadonlySet<string>;
  /**
   * Namespaces the app creates (its Namespace objects).
   * @default - the zero-trust namespaces
   */
  readonly createdNamespaces?: ReadonlySet<string>;
}

const ANY_ADDRESS = new Set(['0.0.0.0/0', '::/0']);

/** Runs every check over the declared flows. */
export function checkDeclaredFlows(input: FlowCheckInput): Finding[] {
  return [...egressToAnyAddress(input), ...addressWithoutFlow(input), ...namespaceChecks(input)];
}

/** Whether an endpoint selects the pods of another (same namespace, a subset of its labels). */
function covers(ep: Endpoint, pods: Endpoint): boolean {
  if (ep.namespace === undefined || ep.namespace !== pods.namespace) return false;
  return ep.podLabels === undefined || Object.entries(ep.podLabels).every(([k, v]) => pods.podLabels?.[k] === v);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An app handed another app's address with no flow to it: its requests are dropped. */
function addressWithoutFlow({ flows, zeroTrust, addresses }: FlowCheckInput): Finding[] {
  const out: Finding[] = [];
  for (const use of addresses?.uses ?? []) {
    for (const target of addresses?.addresses ?? []) {
      if (target.path === use.path) continue;
      const named = target.names.some((n) => new RegExp(`(^|[^-a-z0-9.])${escapeRegExp(n)}($|[^-a-z0-9.])`).test(use.value)
        || use.value.includes(`${target.names[0]}`));
      if (!named) continue;
      if (![use.endpoint.namespace, target.endpoint.namespace].some((ns) => ns !== undefined && zeroTrust.has(ns))) continue;
      if (flows.some((f) => covers(f.from, use.endpoint) && covers(f.to, target.endpoint))) continue;
      out.push({
        check: ADDRESS_WITHOUT_FLOW,
        severity: 'warning',
        related: [],
        message: `${use.path}: ${use.field} ${formatValue(use.value)} is invalid: it is the address of ${target.path}, `
          + `but no flow lets ${use.endpoint.namespace}/${use.endpoint.name} reach it, so its requests are dropped`,
        fix: `declare the flow: ${target.path.split('/').pop()}.allowFrom(<this app>) or <this app>.allowTo(${target.path.split('/').pop()})`,
      });
    }
  }
  return out;
}

/** Namespaces every cluster has. */
const CLUSTER_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** A flow naming a typo of an app namespace, or an app namespace that nothing creates. */
function namespaceChecks({ flows, zeroTrust, appNamespaces, createdNamespaces }: FlowCheckInput): Finding[] {
  const known = appNamespaces ?? zeroTrust;
  const created = createdNamespaces ?? zeroTrust;
  const out = new Map<string, Finding>();
  for (const flow of flows) {
    for (const ep of [flow.from, flow.to]) {
      const ns = ep.namespace;
      if (ns === undefined || CLUSTER_NAMESPACES.has(ns)) continue;
      const where = declaredByText(flow);
      if (!known.has(ns)) {
        const near = nearMisses(ns, known);
        if (near.length === 0) continue;
        out.set(`${NAMESPACE_TYPO} ${where} ${ns}`, {
          check: NAMESPACE_TYPO, severity: 'warning', related: [],
          message: `${where}: namespace ${formatValue(ns)} is invalid: the app has no such namespace; `
            + `did you mean ${near.map((n) => formatValue(n)).join(' or ')}?`,
          fix: 'fix the namespace name; if the namespace exists outside the app, ignore this (or skip the check)',
        });
      } else if (!created.has(ns)) {
        out.set(`${NAMESPACE_NOT_CREATED} ${ns}`, {
          check: NAMESPACE_NOT_CREATED, severity: 'warning', related: [],
          message: `${where}: namespace ${formatValue(ns)} is invalid: the app deploys into it but no Namespace object of the app creates it, `
            + 'and Argo CD applications run with CreateNamespace=false',
          fix: `make it a ZeroTrustNamespace (or add a Namespace object), or create "${ns}" outside the app before syncing`,
        });
      }
    }
  }
  return [...out.values()];
}

/** `Peer.cidr('0.0.0.0/0')` egress also opens the metadata endpoint, private ranges and the cluster. */
function egressToAnyAddress({ flows, zeroTrust }: FlowCheckInput): Finding[] {
  const out: Finding[] = [];
  for (const flow of flows) {
    if (flow.from.namespace === undefined || !zeroTrust.has(flow.from.namespace)) continue;
    const bare = (flow.to.ipBlocks ?? []).filter((b) => ANY_ADDRESS.has(b.cidr) && !b.except?.length).map((b) => b.cidr);
    if (bare.length === 0) continue;
    out.push({
      check: EGRESS_TO_ANY_ADDRESS,
      severity: 'warning',
      related: [],
      message: `${declaredByText(flow)}: peer ${formatValue(bare.join(', '))} is invalid: egress from ${flow.from.namespace}/${flow.from.name} `
        + 'to every address also opens the cloud metadata endpoint (169.254.169.254), private ranges (the VPC, other clusters) '
        + 'and the cluster\'s own pods and nodes',
      fix: 'use Peer.internet() for public addresses, or Peer.cidr() with the ranges the app needs',
    });
  }
  return out;
}
