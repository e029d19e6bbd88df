/**
 * Random valid programs for the property tests, as plain data: an arbitrary (`programArb`) that
 * generates them, `build()` that turns one into a cdk8s App (optionally with its order-free
 * declarations shuffled), and `expectedEdges()` that says, from the data alone and without the
 * library, which connections the synthesized NetworkPolicies must allow.
 *
 * Generated programs are valid by construction: names are unique where Kubernetes needs them to
 * be, and chosen so that the library's readable policy names cannot clash (a clash is a documented
 * error, not something to generate). The rules that make that so:
 * - namespace names have no "-" and contain a digit; app names start with a letters-only segment,
 *   so `allow-<namespace>-<app>-to-...` (a source in another namespace) never equals
 *   `allow-<app>-to-...` (a local source);
 * - no app name segment is `to`, `egress`, `cidr`, or a controller's name, so
 *   `allow-<a>-to-<b>` and `allow-<a>-egress-to-<b>` split in one way only;
 * - CIDRs of one program have distinct name fragments (`cidr-10-0-0-0-8`);
 * - hosts have no `wildcard` or `redirect` label (the HTTPRoute names `<gw>-<host>` and
 *   `<gw>-redirect-<host>`, and the listener `https-wildcard...` for `*.`, would clash).
 */
import type { App } from 'cdk8s';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import fc from 'fast-check';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import type { ExternalTrafficPolicy, NamespaceRef } from '../../lib';
import {
  ApiGateway, Cni, IngressController, NetworkModel, PathType, Peer, Port, Protocol as LibProtocol, RoutingApi, ServiceType, Tls, WebApp,
  ZeroTrustNamespace,
} from '../../lib';
import type { PodGroup } from '../../lib/evaluator';
import { cidrContains } from '../../lib/util/validation';
import { testApp } from '../util';

// ---------------------------------------------------------------------------------------------
// Data

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/**
 * One port of a flow: a single port, a range (TCP and UDP only), or a named port (every WebApp
 * names its TCP container port `http`; workloads name theirs `dns`, `metrics`, ...). A named port
 * resolves to the destination pods' container port of that name AND protocol, or to nothing.
 */
export interface PortData {
  readonly protocol: Protocol;
  readonly port: number | string;
  /** Last port of a range. */
  readonly end?: number;
}

export interface NamespaceData {
  readonly name: string;
  /**
   * A `ZeroTrustNamespace` (default-deny, policies rendered), or a plain namespace the program
   * only names (no policy there: its pods are not isolated).
   */
  readonly zeroTrust: boolean;
  readonly labels: Record<string, string>;
  /** `default`: kube-dns; `nodelocal`: kube-dns and NodeLocal DNSCache's address; `off`: no DNS. */
  readonly dns: 'default' | 'nodelocal' | 'off';
}

export type ServiceTypeData = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'Headless';

export interface AppData {
  /** Construct id: `app<index>`. */
  readonly id: string;
  readonly name: string;
  /** Index into `namespaces`. */
  readonly ns: number;
  readonly containerPort: number;
  readonly servicePort: number;
  readonly serviceType: ServiceTypeData;
  readonly nodePort?: number;
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  readonly loadBalancerSourceRanges?: string[];
  readonly env: Record<string, string>;
  /** More named container ports (`ports` prop; issue #15): never `http` or `metrics`, numbers unique. */
  readonly extraPorts: ContainerPortData[];
  /** A metrics port (`metrics` prop, named `metrics`), scraped by Prometheus (`PROMETHEUS`). */
  readonly metricsPort?: number;
}

/** `apps[to].allowFrom(apps[from])` or `apps[from].allowTo(apps[to])`, with optional explicit ports. */
export interface FlowData {
  readonly from: number;
  readonly to: number;
  readonly via: 'allowFrom' | 'allowTo';
  readonly ports: PortData[];
}

export interface CidrData {
  readonly cidr: string;
  readonly except?: string;
}

/**
 * A flow with every pod of a namespace: `apps[app].allowIngressFrom(Peer.namespace(ns), ...ports)`
 * or `apps[app].allowEgressTo(Peer.namespace(ns), ...ports)`.
 */
export interface NamespaceFlowData {
  readonly app: number;
  /** Index into `namespaces`; always a namespace with apps (a selector matching nothing is an error). */
  readonly ns: number;
  readonly direction: 'ingress' | 'egress';
  readonly ports: PortData[];
}

/** `apps[app].allowEgressTo(Peer.cidr(cidrs[cidr]), ...ports)`. */
export interface EgressData {
  readonly app: number;
  /** Index into `cidrs`. */
  readonly cidr: number;
  readonly ports: PortData[];
}

export interface RouteData {
  readonly host: string;
  readonly path: string;
  readonly pathType: PathType;
  /** Index into `apps`. */
  readonly backend: number;
  readonly rewriteTarget?: string;
}

export type ControllerData = 'nginx' | 'traefik' | 'alb' | 'envoy';
export type TlsData = 'cert-manager' | 'secret' | 'acm' | 'none';

export interface GatewayData {
  /** Construct id and name: `gw<index>`. */
  readonly name: string;
  /** Index into `namespaces`. */
  readonly ns: number;
  readonly controller: ControllerData;
  readonly tls: TlsData;
  readonly api: 'ingress' | 'httpRoute' | 'httpRoute+gateway';
  /** Pass the routes in the props (else one `addRoute` call each). */
  readonly routesInProps: boolean;
  /**
   * A host-network controller (nginx and traefik only; one installation per kind): its traffic
   * comes from the nodes, named by node CIDRs on a generic CNI and by entities on Cilium.
   */
  readonly hostNetwork?: boolean;
  readonly routes: RouteData[];
}

/** A container port of a plain workload; names are unique per workload. */
export interface ContainerPortData {
  readonly number: number;
  readonly protocol: Protocol;
  readonly name?: string;
}

/**
 * A plain cdk8s-plus workload the user already has (not a WebApp), selected by 1-3 labels, with
 * TCP, UDP and SCTP container ports, some named.
 */
export interface WorkloadData {
  /** Construct id and name: `wl<index>` (never an app name: those start with a letters-only segment). */
  readonly name: string;
  /** Index into `namespaces`. */
  readonly ns: number;
  readonly kind: 'Deployment' | 'DaemonSet';
  readonly labels: Record<string, string>;
  readonly ports: ContainerPortData[];
  /**
   * Patched to pass Pod Security `restricted` (seccomp RuntimeDefault, capabilities dropped), as the
   * README shows; an unpatched one in a zero-trust namespace gets the `pod-security` warning.
   */
  readonly hardened: boolean;
}

/**
 * A flow between an app and a workload's pods, named either as `Peer.workload(w)` (default ports:
 * the workload's container ports, each with its protocol) or as `Peer.pods({ labels })` with a
 * non-empty subset of the workload's labels (named `pods<index>`; ports must be given for egress).
 */
export interface WorkloadFlowData {
  readonly app: number;
  /** Index into `workloads`. */
  readonly workload: number;
  readonly direction: 'ingress' | 'egress';
  readonly peer: 'workload' | 'pods';
  /** For `pods`: the label keys of the selector (a non-empty subset of the workload's labels). */
  readonly keys: string[];
  /** For `pods`: pass the namespace explicitly (always when it is not the app's). */
  readonly explicitNamespace: boolean;
  readonly ports: PortData[];
}

/** The CNI the program is rendered for. */
export type CniData = 'generic' | 'cilium';

/**
 * A flow with a well-known peer (issue #15): a DNS name (Cilium only, egress, from a namespace
 * with plain kube-dns), the API server (egress) or the nodes (either direction). Only apps of
 * zero-trust namespaces declare them.
 */
export interface WellKnownFlowData {
  readonly app: number;
  readonly peer: 'fqdn' | 'kube-apiserver' | 'nodes';
  /** The DNS name or pattern, for `fqdn`. */
  readonly name?: string;
  readonly direction: 'ingress' | 'egress';
  /** Ports; empty means the peer's default ports (the API server's, the app's container port). */
  readonly ports: PortData[];
}

export interface Program {
  /** `Cni.generic()` (the default) or `Cni.cilium()` (with SCTP enabled when the program uses SCTP). */
  readonly cni: CniData;
  readonly wellKnown: WellKnownFlowData[];
  readonly namespaces: NamespaceData[];
  readonly apps: AppData[];
  readonly flows: FlowData[];
  readonly namespaceFlows: NamespaceFlowData[];
  readonly cidrs: CidrData[];
  readonly egress: EgressData[];
  readonly gateways: GatewayData[];
  readonly workloads: WorkloadData[];
  readonly workloadFlows: WorkloadFlowData[];
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const RESERVED_SEGMENTS = new Set([
  'to', 'egress', 'cidr', 'namespace', 'nginx', 'traefik', 'alb', 'envoy', 'ingress', 'aws', 'internet', 'nodes', 'kube', 'fqdn',
]);

/** Namespace names: DNS-1123 labels without "-", with at least one digit. */
export const namespaceNameArb = fc.stringMatching(/^[a-z0-9]{0,10}$/).chain((s) =>
  fc.nat(9).chain((d) => fc.nat(s.length).map((at) => `${s.slice(0, at)}${d}${s.slice(at)}`)))
  // Not an octal, hex or binary literal (0o17, 0x1f, 0b11): YAML would read the name (it is also the
  // default part-of label) as a number, which the library refuses.
  .filter((n) => !/^0([ob][0-7]+|x[0-9a-f]+)$/.test(n));

const segmentArb = (first: boolean) => fc.stringMatching(first ? /^[a-z]{1,8}$/ : /^[a-z0-9]{1,6}$/)
  .filter((s) => !RESERVED_SEGMENTS.has(s));

/** App names: DNS-1035 labels, mostly short, sometimes exactly 63 characters long. */
const appNameArb = fc.oneof(
  { weight: 9, arbitrary: fc.tuple(segmentArb(true), fc.array(segmentArb(false), { maxLength: 2 })).map(([h, t]) => [h, ...t].join('-')) },
  { weight: 1, arbitrary: segmentArb(true).map((h) => `${h}-${'x'.repeat(62 - h.length)}`) },
);

const portNumberArb = fc.integer({ min: 1, max: 65535 });

const portDataArb: fc.Arbitrary<PortData> = fc.oneof(
  fc.record({ protocol: fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP'), port: portNumberArb }),
  fc.record({ protocol: fc.constantFrom<Protocol>('TCP', 'UDP'), port: fc.integer({ min: 1, max: 65520 }), width: fc.integer({ min: 1, max: 15 }) })
    .map(({ protocol, port, width }) => ({ protocol, port, end: port + width })),
);

/** Port names the generator uses; `http` is every WebApp's (TCP) container port. */
const PORT_NAMES = ['http', 'dns', 'metrics', 'grpc', 'stats'] as const;

/** A named port, mostly TCP; a name served on another protocol resolves to nothing. */
const namedPortDataArb = (names: readonly string[]): fc.Arbitrary<PortData> => fc.record({
  protocol: fc.constantFrom<Protocol>('TCP', 'TCP', 'UDP', 'SCTP'),
  port: fc.constantFrom(...names),
});

/** Ports of a flow to pods: also named ports (`http` mostly). */
const podPortDataArb: fc.Arbitrary<PortData> = fc.oneof(
  { weight: 8, arbitrary: portDataArb },
  { weight: 2, arbitrary: fc.constant<PortData>({ protocol: 'TCP', port: 'http' }) },
  { weight: 1, arbitrary: namedPortDataArb(PORT_NAMES) },
);

/**
 * Whether text is one Go YAML reads as a number where cdk8s writes it unquoted (`0X1F`, `0o17`,
 * `0B11`): the library refuses such values (a documented error, so valid programs have none).
 */
function yamlNumber(text: string): boolean {
  return /^[-+]?0([oO][0-7_]+|X[0-9a-fA-F_]+|B[01_]+)$/.test(text);
}

/** Label keys and values that are valid, in random order. */
const labelsArb = fc.dictionary(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/).filter((k) => !k.startsWith('kubernetes')),
  fc.stringMatching(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?)?$/).filter((v) => !yamlNumber(v)),
  { maxKeys: 3 },
);

/** Environment variables: valid names, any string value (the YAML boundary is tested elsewhere too). */
const envArb = fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), fc.string({ maxLength: 12 }).filter((v) => !yamlNumber(v)),
  { maxKeys: 3 });

function ipv4(value: number): string {
  return [24, 16, 8, 0].map((s) => (value >>> s) & 255).join('.');
}

function ipv6(groups: number[]): string {
  // RFC 5952: the longest run (at least two) of zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** IPv4 blocks in the documentation ranges and private ranges, host bits zero. */
const cidr4Arb = fc.record({ addr: fc.integer({ min: 0, max: 0xffffffff }), prefix: fc.integer({ min: 8, max: 32 }) })
  .map(({ addr, prefix }) => {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { value: (addr & mask) >>> 0, prefix, bits: 32 as const };
  });

const cidr6Arb = fc.record({ groups: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), prefix: fc.integer({ min: 16,
  max: 128 }) })
  .map(({ groups, prefix }) => ({
    groups: groups.map((g, i) => {
      const keep = Math.max(0, Math.min(16, prefix - 16 * i));
      return keep === 0 ? 0 : g & (0xffff << (16 - keep)) & 0xffff;
    }),
    prefix,
    bits: 128 as const,
  }));

const cidrDataArb: fc.Arbitrary<CidrData> = fc.oneof(
  fc.tuple(cidr4Arb, fc.boolean()).map(([c, withExcept]) => {
    const cidr = `${ipv4(c.value)}/${c.prefix}`;
    // An except is a strictly smaller block inside: the first half of the block.
    return withExcept && c.prefix < 32 ? { cidr, except: `${ipv4(c.value)}/${c.prefix + 1}` } : { cidr };
  }),
  fc.tuple(cidr6Arb, fc.boolean()).map(([c, withExcept]) => {
    const cidr = `${ipv6(c.groups)}/${c.prefix}`;
    return withExcept && c.prefix < 128 ? { cidr, except: `${ipv6(c.groups)}/${c.prefix + 1}` } : { cidr };
  }),
);

/** Hosts: 2-3 DNS labels, sometimes a leading `*.` wildcard. */
const hostLabelArb = fc.oneof(
  { weight: 9, arbitrary: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/) },
  // Up to 63 characters: the HTTPRoute name `<gateway>-<host>` then runs past 63 without a dot.
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{40,61}[a-z0-9]$/) },
).filter((l) => l !== 'wildcard' && !l.startsWith('redirect'));
const hostArb = fc.tuple(fc.boolean(), fc.array(hostLabelArb, { minLength: 2, maxLength: 3 }))
  .map(([wild, labels]) => `${wild ? '*.' : ''}${labels.join('.')}`);

/** Paths ingress-nginx's strict validation accepts: "/" or segments of letters, digits, "_" and "-". */
const pathArb = fc.oneof(
  fc.constant('/'),
  fc.array(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/), { minLength: 1, maxLength: 3 }).map((s) => `/${s.join('/')}`),
);

const routeArb = fc.record({
  host: hostArb,
  path: pathArb,
  pathType: fc.constantFrom(PathType.PREFIX, PathType.EXACT),
  backend: fc.nat(),
  rewrite: fc.constantFrom(undefined, '/', '/v1/'),
});

const gatewayArb = fc.record({
  ns: fc.nat(),
  hostNetwork: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  controller: fc.constantFrom<ControllerData>('nginx', 'traefik', 'alb', 'envoy'),
  tls: fc.constantFrom<TlsData>('cert-manager', 'secret', 'acm', 'none'),
  api: fc.constantFrom<GatewayData['api']>('ingress', 'httpRoute', 'httpRoute+gateway'),
  routesInProps: fc.boolean(),
  routes: fc.array(routeArb, { minLength: 1, maxLength: 5 }),
});

const rawAppArb = fc.record({
  name: appNameArb,
  ns: fc.nat(),
  containerPort: portNumberArb,
  servicePort: portNumberArb,
  serviceType: fc.constantFrom<ServiceTypeData>('ClusterIP', 'NodePort', 'LoadBalancer', 'Headless'),
  nodePort: fc.option(fc.integer({ min: 30000, max: 32767 }), { nil: undefined }),
  externalTrafficPolicy: fc.constantFrom(undefined, 'Cluster' as const, 'Local' as const),
  sourceRanges: fc.option(fc.array(cidr4Arb.map((c) => `${ipv4(c.value)}/${c.prefix}`), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  env: envArb,
  extraPorts: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.record({
    name: fc.constantFrom('grpc', 'stats', 'dns'), number: portNumberArb, protocol: fc.constantFrom<Protocol>('TCP', 'TCP', 'UDP'),
  }), { minLength: 1, maxLength: 2 }) }),
  metricsPort: fc.option(portNumberArb, { nil: undefined, freq: 4 }),
});

type RawApp = typeof rawAppArb extends fc.Arbitrary<infer T> ? T : never;

const namespaceArb = fc.record({
  name: namespaceNameArb,
  labels: labelsArb,
  dns: fc.constantFrom<NamespaceData['dns']>('default', 'default', 'nodelocal', 'off'),
  zeroTrust: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

/** Workload label keys: few, so that selectors, partial copies and bystanders overlap. */
const WORKLOAD_LABEL_KEYS = ['tier', 'role', 'team'] as const;

const rawWorkloadArb = fc.record({
  ns: fc.nat(),
  kind: fc.constantFrom<WorkloadData['kind']>('Deployment', 'DaemonSet'),
  labels: fc.dictionary(fc.constantFrom(...WORKLOAD_LABEL_KEYS), fc.stringMatching(/^[a-z]{1,4}$/), { minKeys: 1, maxKeys: 3 }),
  ports: fc.array(fc.record({
    number: portNumberArb,
    protocol: fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP'),
    name: fc.option(fc.constantFrom(...PORT_NAMES.slice(1)), { nil: undefined }),
  }), { minLength: 1, maxLength: 3 }),
  hardened: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

type RawWorkload = typeof rawWorkloadArb extends fc.Arbitrary<infer T> ? T : never;

const rawWorkloadFlowArb = fc.record({
  app: fc.nat(),
  workload: fc.nat(),
  direction: fc.constantFrom<'ingress' | 'egress'>('ingress', 'egress'),
  peer: fc.constantFrom<'workload' | 'pods'>('workload', 'pods'),
  keyMask: fc.integer({ min: 1, max: 7 }),
  explicitNamespace: fc.boolean(),
  ports: fc.oneof(
    { weight: 2, arbitrary: fc.constant([] as PortData[]) },
    { weight: 3, arbitrary: fc.array(fc.oneof(portDataArb, namedPortDataArb(PORT_NAMES)), { minLength: 1, maxLength: 3 }) },
  ),
});

type RawWorkloadFlow = typeof rawWorkloadFlowArb extends fc.Arbitrary<infer T> ? T : never;

/** 1-5 namespaces, mostly few: apps spread over many namespaces would leave most of them empty. */
const namespaceCountArb = fc.oneof(
  { weight: 7, arbitrary: fc.constant(1) }, { weight: 6, arbitrary: fc.constant(2) }, { weight: 4, arbitrary: fc.constant(3) },
  { weight: 2, arbitrary: fc.constant(4) }, { weight: 1, arbitrary: fc.constant(5) },
);

/**
 * Random valid programs: 1-5 zero-trust namespaces, 1-30 WebApps, flows, CIDR egress, 0-3 gateways.
 * Most are small (1-5 namespaces, mostly 1-3; 1-8 apps, up to 8 flows and 2 gateways: interactions
 * are dense there, a run is cheap and failures shrink fast); a share `largeShare` is large, with
 * 1-5 namespaces, 13-30 apps, 10-40 flows and up to 3 gateways.
 */
export function programArb(options: { readonly largeShare?: number } = {}): fc.Arbitrary<Program> {
  const largeShare = options.largeShare ?? 0.05;
  const shape = (large: boolean) => fc.record({
    namespaces: (large ? fc.integer({ min: 1, max: 5 }) : namespaceCountArb).chain((count) => fc.uniqueArray(namespaceArb, { minLength: count,
      maxLength: count, selector: (n) => n.name })),
    apps: large ? fc.array(rawAppArb, { minLength: 13, maxLength: 30, size: 'max' }) : fc.array(rawAppArb, { minLength: 1, maxLength: 8 }),
    flows: fc.array(fc.record({
      from: fc.nat(), to: fc.nat(), via: fc.constantFrom<'allowFrom' | 'allowTo'>('allowFrom', 'allowTo'),
      ports: fc.oneof({ weight: 3, arbitrary: fc.constant([] as PortData[]) }, { weight: 1, arbitrary: fc.array(podPortDataArb, { minLength: 1,
        maxLength: 2 }) }),
    }), large ? { minLength: 10, maxLength: 40, size: 'max' } : { maxLength: 8 }),
    namespaceFlows: fc.array(fc.record({
      app: fc.nat(), ns: fc.nat(), direction: fc.constantFrom<'ingress' | 'egress'>('ingress', 'egress'),
      ports: fc.array(podPortDataArb, { minLength: 1, maxLength: 2 }),
    }), { maxLength: large ? 4 : 2 }),
    cidrs: fc.array(cidrDataArb, { minLength: 1, maxLength: 3 }),
    egress: fc.array(fc.record({ app: fc.nat(), cidr: fc.nat(), ports: fc.array(portDataArb, { minLength: 1, maxLength: 2 }) }),
      { maxLength: large ? 6 : 3 }),
    gateways: fc.array(gatewayArb, { maxLength: large ? 3 : 2 }),
    workloads: fc.array(rawWorkloadArb, { maxLength: large ? 6 : 3 }),
    workloadFlows: fc.array(rawWorkloadFlowArb, { maxLength: large ? 10 : 4 }),
    cni: fc.constantFrom<CniData>('generic', 'cilium'),
    wellKnown: fc.array(fc.record({
      app: fc.nat(),
      peer: fc.constantFrom<WellKnownFlowData['peer']>('fqdn', 'kube-apiserver', 'nodes'),
      name: fc.tuple(fc.boolean(), fc.array(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/), { minLength: 1, maxLength: 2 }))
        .map(([wild, labels]) => `${wild ? '*.' : ''}${labels.join('.')}.example.com`),
      direction: fc.constantFrom<'ingress' | 'egress'>('ingress', 'egress'),
      ports: fc.oneof({ weight: 1, arbitrary: fc.constant([] as PortData[]) }, { weight: 2, arbitrary: fc.array(portDataArb, { minLength: 1,
        maxLength: 2 }) }),
    }), { maxLength: large ? 4 : 3 }),
  }).map(normalize);
  const weight = Math.round(largeShare * 100);
  return weight <= 0 ? shape(false) : fc.oneof({ weight: 100 - weight, arbitrary: shape(false) }, { weight, arbitrary: shape(true) });
}

/**
 * A flow towards an app names only ports the destination listens on (another port is the documented
 * `flow-target-port` error): a port or range that misses the container port becomes it.
 */
function listenedFlow<F extends { readonly ports: PortData[] }>(f: F, listen: readonly ContainerPortData[]): F {
  const listened = (q: PortData) => listen.some((c) => c.protocol === q.protocol && (typeof q.port === 'string'
    ? c.name === q.port : q.port <= c.number && c.number <= (q.end ?? q.port)));
  const ports = f.ports.map((q): PortData => (listened(q) ? q : { protocol: listen[0].protocol, port: listen[0].number }));
  return { ...f, ports: ports.filter((q, i) => ports.findIndex((o) => o.protocol === q.protocol && o.port === q.port && o.end === q.end) === i) };
}

/** The container ports of an app: its container port, named `http`. */
function appListens(a: AppData): ContainerPortData[] {
  return [
    { number: a.containerPort, protocol: 'TCP', name: 'http' }, ...a.extraPorts,
    ...(a.metricsPort !== undefined ? [{ number: a.metricsPort, protocol: 'TCP' as const, name: 'metrics' }] : []),
  ];
}

/**
 * Extra ports and the metrics port: names unique, every number used once in the app (each is its
 * own Service port too, so none may be the main Service port either).
 */
function appPortsOf(a: RawApp): Pick<AppData, 'extraPorts' | 'metricsPort'> {
  const numbers = new Set([a.containerPort, a.servicePort]);
  const names = new Set<string>();
  const extraPorts: ContainerPortData[] = [];
  for (const q of a.extraPorts) {
    if (names.has(q.name) || numbers.has(q.number)) continue;
    names.add(q.name);
    numbers.add(q.number);
    extraPorts.push(q);
  }
  const metricsPort = a.metricsPort !== undefined && !numbers.has(a.metricsPort) ? a.metricsPort : undefined;
  return { extraPorts, ...(metricsPort !== undefined ? { metricsPort } : {}) };
}

/** Private and shared ranges: where nodes and pods live, and where Cilium's ipBlock does not see them. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

function overlapsPrivate(cidr: string): boolean {
  return PRIVATE_RANGES.some((r) => cidrContains(r, cidr) || cidrContains(cidr, r));
}

function overlapsPods(cidr: string): boolean {
  return cidrContains(POD_CIDR, cidr) || cidrContains(cidr, POD_CIDR);
}

/** Name fragment of a CIDR as the library writes it in policy names. */
function fragment(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * Turns raw generated values into a valid program: indices are taken modulo the list they point
 * into, duplicates that Kubernetes or the library's naming forbid are dropped, and options are
 * kept only where they apply (node ports on NodePort/LoadBalancer, ACM only with the ALB, ...).
 */
function normalize(raw: {
  namespaces: NamespaceData[];
  apps: RawApp[];
  flows: FlowData[];
  namespaceFlows: NamespaceFlowData[];
  cidrs: CidrData[];
  egress: EgressData[];
  gateways: (Omit<GatewayData,
    'name' | 'routes'> & { routes: { host: string; path: string; pathType: PathType; backend: number; rewrite?: string }[] })[];
  workloads: RawWorkload[];
  workloadFlows: RawWorkloadFlow[];
  cni: CniData;
  wellKnown: WellKnownFlowData[];
}): Program {
  const namespaces = raw.namespaces;
  const cni = raw.cni;
  const seenApps = new Set<string>();
  const usedNodePorts = new Set<number>();
  const apps: AppData[] = [];
  for (const a of raw.apps) {
    const ns = a.ns % namespaces.length;
    if (seenApps.has(`${ns}/${a.name}`)) continue;
    seenApps.add(`${ns}/${a.name}`);
    const external = a.serviceType === 'NodePort' || a.serviceType === 'LoadBalancer';
    const nodePort = external && a.nodePort !== undefined && !usedNodePorts.has(a.nodePort) ? a.nodePort : undefined;
    if (nodePort !== undefined) usedNodePorts.add(nodePort);
    // An exposed app serves its metrics port on a ClusterIP Service <name>-metrics: a valid program
    // keeps that name a free DNS-1035 label.
    const metricsService = `${ns}/${a.name}-metrics`;
    const metricsOk = !external || (a.name.length <= 55 && !seenApps.has(metricsService));
    if (external && metricsOk && a.metricsPort !== undefined) seenApps.add(metricsService);
    apps.push({
      id: `app${apps.length}`,
      name: a.name,
      ns,
      containerPort: a.containerPort,
      servicePort: a.servicePort,
      serviceType: a.serviceType,
      ...(nodePort !== undefined ? { nodePort } : {}),
      // In a zero-trust namespace, clients declared by IP block reach Cluster-policy pods from node addresses
      // (external-client-snat): a valid program keeps their address with Local.
      ...(external && namespaces[ns].zeroTrust ? { externalTrafficPolicy: 'Local' as const }
        : external && a.externalTrafficPolicy ? { externalTrafficPolicy: a.externalTrafficPolicy } : {}),
      // On Cilium an ipBlock over private ranges is a warning (it never matches pods, nor nodes by default).
      // On a generic CNI, one over the pod CIDR admits pods as well.
      ...(a.serviceType === 'LoadBalancer' && a.sourceRanges && !(cni === 'cilium' ? a.sourceRanges.some(overlapsPrivate) : a.sourceRanges.some(overlapsPods))
        ? { loadBalancerSourceRanges: a.sourceRanges } : {}),
      env: a.env,
      ...appPortsOf(metricsOk ? a : { ...a, metricsPort: undefined }),
    });
  }

  const flows = raw.flows.map((f) => ({ ...f, from: f.from % apps.length, to: f.to % apps.length }))
    .map((f) => listenedFlow(f, appListens(apps[f.to])));
  const namespaceFlows = raw.namespaceFlows.map((f) => ({ ...f, app: f.app % apps.length, ns: apps[f.ns % apps.length].ns }))
    .map((f) => (f.direction === 'ingress' ? listenedFlow(f, appListens(apps[f.app])) : f));

  const fragments = new Set<string>();
  const cidrs = raw.cidrs.filter((c) => {
    const f = fragment(c.cidr);
    if (fragments.has(f)) return false;
    if (cni === 'cilium' ? overlapsPrivate(c.cidr) : overlapsPods(c.cidr) && !(c.except && cidrContains(c.except, POD_CIDR))) return false;
    fragments.add(f);
    return true;
  });
  const egress = cidrs.length ? raw.egress.map((e) => ({ ...e, app: e.app % apps.length, cidr: e.cidr % cidrs.length })) : [];

  // Well-known peers, from apps of zero-trust namespaces: a DNS name only on Cilium, as egress with
  // ports, from a namespace with plain kube-dns (Cilium's DNS proxy does not see NodeLocal DNSCache),
  // one per policy name fragment; the API server as egress; egress to the nodes names its ports.
  const names = new Set<string>();
  const wellKnown: WellKnownFlowData[] = [];
  for (const w of raw.wellKnown) {
    const app = w.app % apps.length;
    const ns = namespaces[apps[app].ns];
    if (!ns.zeroTrust) continue;
    const direction = w.peer === 'nodes' ? w.direction : 'egress';
    if (w.peer === 'fqdn') {
      const f = fragment(w.name!.replace(/\*/g, 'wildcard'));
      if (cni !== 'cilium' || ns.dns !== 'default' || w.ports.length === 0 || names.has(f)) continue;
      names.add(f);
      wellKnown.push({ app, peer: 'fqdn', name: w.name, direction, ports: w.ports });
    } else if (!(w.peer === 'nodes' && direction === 'egress' && w.ports.length === 0)) {
      const ports = w.peer === 'nodes' && direction === 'ingress' ? listenedFlow(w, appListens(apps[app])).ports : w.ports;
      wellKnown.push({ app, peer: w.peer, direction, ports });
    }
  }

  // Hosts and paths are unique over the whole program, so no two gateways serve the same route.
  const routeKeys = new Set<string>();
  const gateways: GatewayData[] = [];
  const hostNetworkOf = new Map<ControllerData, boolean>();
  for (const g of raw.gateways) {
    const ns = apps[g.ns % apps.length].ns;
    const controller = g.controller;
    // Neither ingress-nginx nor the ALB (target type ip) serves HTTPRoutes: ApiGateway refuses both.
    const api = controller === 'alb' || controller === 'nginx' ? 'ingress' : g.api;
    let tls: TlsData = g.tls;
    if (controller === 'alb') tls = tls === 'none' ? 'none' : 'acm';
    else if (tls === 'acm') tls = 'secret';
    if (api === 'httpRoute' && tls === 'cert-manager') tls = 'secret';
    const local = apps.map((a, i) => [a, i] as const).filter(([a]) => a.ns === ns).map(([, i]) => i);
    const rewriteAll = controller === 'nginx' && api === 'ingress' ? g.routes[0].rewrite : undefined;
    const routes: RouteData[] = [];
    for (const r of g.routes) {
      if (routeKeys.has(`${r.host} ${r.path}`)) continue;
      routeKeys.add(`${r.host} ${r.path}`);
      const backend = api === 'ingress' ? local[r.backend % local.length] : r.backend % apps.length;
      // ingress-nginx rewrites per Ingress (one target for every route); Traefik and the ALB cannot.
      const rewriteTarget = api !== 'ingress' ? r.rewrite : rewriteAll;
      routes.push({ host: r.host, path: r.path, pathType: r.pathType, backend, ...(rewriteTarget !== undefined ? { rewriteTarget } : {}) });
    }
    if (routes.length === 0) continue;
    // One installation per controller kind: its first gateway says whether it is host-network (two
    // installations under one name would be a documented policy-name clash).
    if (!hostNetworkOf.has(controller)) hostNetworkOf.set(controller, Boolean(g.hostNetwork) && (controller === 'nginx' || controller === 'traefik'));
    const hostNetwork = hostNetworkOf.get(controller);
    gateways.push({ name: `gw${gateways.length}`, ns, controller, tls, api, routesInProps: g.routesInProps, routes, ...(hostNetwork ? { hostNetwork } : {}) });
  }
  const workloads = normalizeWorkloads(raw.workloads, namespaces.length);
  const workloadFlows = normalizeWorkloadFlows(raw.workloadFlows, apps, workloads);
  const nsFlows = cni === 'cilium' ? numberAmbiguousNames(namespaceFlows, apps, workloads) : namespaceFlows;
  return { cni, wellKnown, namespaces, apps, flows, namespaceFlows: nsFlows, cidrs, egress, gateways, workloads, workloadFlows };
}

/**
 * On Cilium, an egress port name the namespace's pods give different numbers is a warning (Cilium 1.19
 * and earlier ignore such an egress rule): a valid program names one of the numbers instead.
 */
function numberAmbiguousNames(flows: NamespaceFlowData[], apps: readonly AppData[], workloads: readonly WorkloadData[]): NamespaceFlowData[] {
  return flows.map((f) => {
    if (f.direction !== 'egress') return f;
    const listen = [...apps.filter((a) => a.ns === f.ns).flatMap(appListens), ...workloads.filter((w) => w.ns === f.ns).flatMap((w) => w.ports)];
    const ports = f.ports.map((q): PortData => {
      if (typeof q.port !== 'string') return q;
      const numbers = [...new Set(listen.filter((c) => c.name === q.port && c.protocol === q.protocol).map((c) => c.number))].sort((a, b) => a - b);
      return numbers.length > 1 ? { protocol: q.protocol, port: numbers[0] } : q;
    });
    return { ...f, ports: ports.filter((q, i) => ports.findIndex((o) => o.protocol === q.protocol && o.port === q.port && o.end === q.end) === i) };
  });
}

/** Workloads: `wl<index>`; container ports unique by protocol and number, names unique per workload. */
function normalizeWorkloads(raw: RawWorkload[], namespaceCount: number): WorkloadData[] {
  return raw.map((w, i) => {
    const seen = new Set<string>();
    const names = new Set<string>();
    const ports: ContainerPortData[] = [];
    for (const port of w.ports) {
      if (seen.has(`${port.protocol}/${port.number}`)) continue;
      seen.add(`${port.protocol}/${port.number}`);
      const name = port.name !== undefined && !names.has(port.name) ? port.name : undefined;
      if (name !== undefined) names.add(name);
      ports.push({ number: port.number, protocol: port.protocol, ...(name !== undefined ? { name } : {}) });
    }
    return { name: `wl${i}`, ns: w.ns % namespaceCount, kind: w.kind, labels: w.labels, ports, hardened: w.hardened };
  });
}

/** Workload flows: indices modulo their lists; ports where the peer has none to offer. */
function normalizeWorkloadFlows(raw: RawWorkloadFlow[], apps: AppData[], workloads: WorkloadData[]): WorkloadFlowData[] {
  if (workloads.length === 0) return [];
  return raw.map((f) => {
    const app = f.app % apps.length;
    const workload = f.workload % workloads.length;
    const w = workloads[workload];
    const allKeys = Object.keys(w.labels).sort();
    const picked = allKeys.filter((_, k) => (f.keyMask >> k) & 1);
    const keys = picked.length ? picked : [allKeys[0]];
    // Peer.pods() has no known ports: egress to it needs them.
    const ports = f.peer === 'pods' && f.direction === 'egress' && f.ports.length === 0
      ? [{ protocol: w.ports[0].protocol, port: w.ports[0].number }] : f.ports;
    const explicitNamespace = f.explicitNamespace || w.ns !== apps[app].ns;
    // Explicit ports name only ports the destination listens on (else flow-target-port, an error).
    const listen = f.direction === 'ingress' ? appListens(apps[app]) : w.ports;
    return listenedFlow({ app, workload, direction: f.direction, peer: f.peer, keys, explicitNamespace, ports }, listen);
  });
}

// ---------------------------------------------------------------------------------------------
// Build

/** A small deterministic PRNG (mulberry32), for shuffles that are reproducible from a seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: (() => number) | undefined): T[] {
  const out = [...items];
  if (!random) return out;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A record with its keys in another order (insertion order is what a program would write). */
function shuffledRecord(record: Record<string, string>, random: (() => number) | undefined): Record<string, string> {
  return Object.fromEntries(shuffled(Object.entries(record), random));
}

export const CONTROLLER_PODS: Record<Exclude<ControllerData, 'alb'>, PodGroup> = {
  nginx: { id: 'ingress-nginx/Deployment/ingress-nginx-controller', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx',
    'app.kubernetes.io/component': 'controller' }, ports: [{ containerPort: 443 }] },
  traefik: { id: 'traefik/Deployment/traefik', namespace: 'traefik', labels: { 'app.kubernetes.io/name': 'traefik' },
    ports: [{ containerPort: 8443 }] },
  envoy: { id: 'envoy-gateway-system/Deployment/envoy', namespace: 'envoy-gateway-system', labels: { 'app.kubernetes.io/name': 'envoy' },
    ports: [{ containerPort: 10443 }] },
};

export const KUBE_DNS: PodGroup = {
  id: 'kube-system/Deployment/coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' },
  ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53, protocol: 'TCP' }],
};

export const NODELOCAL_DNS = '169.254.20.10/32';

/** Prometheus, outside the app: it scrapes the apps' metrics ports. */
export const PROMETHEUS: PodGroup = {
  id: 'monitoring/Deployment/prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' },
  ports: [{ containerPort: 9090 }],
};

/**
 * Whether a gateway has cert-manager's HTTP-01 solver pods next to it: `Tls.certManager()` on Ingress
 * output, or on HTTPRoute output with the Gateway it creates (in its own namespace here).
 */
function hasAcmeSolver(g: GatewayData): boolean {
  return g.tls === 'cert-manager' && (g.api === 'ingress' || g.api === 'httpRoute+gateway');
}

/**
 * cert-manager's ACME HTTP-01 solver pods: one group in each namespace holding a gateway with them
 * (the gateway declares the flow from its controller to them on 8089).
 */
export function acmeSolverPods(p: Program): PodGroup[] {
  const namespaces = new Set(p.gateways.filter(hasAcmeSolver).map((g) => p.namespaces[g.ns].name));
  return [...namespaces].sort().map((ns) => ({
    id: `${ns}/Pod/acme-solver`, namespace: ns, labels: { 'acme.cert-manager.io/http01-solver': 'true' }, ports: [{ containerPort: 8089 }],
  }));
}

export const ALB_VPC = '10.100.0.0/16';

/**
 * The pod CIDR a generic CNI is given (`Cni.generic({ podCidrs })`): an ipBlock over pod addresses
 * admits pods no flow declares there (`ipblock-may-match-pods`), so a valid program's blocks stay out of it.
 */
export const POD_CIDR = '10.244.0.0/16';

/** The node subnets a generic CNI is given (`Peer.nodes()`, host-network controllers). */
export const NODE_CIDR = '10.200.0.0/16';
/** The API server endpoint a generic CNI is given. */
export const APISERVER_ENDPOINT = '10.96.0.10/32';

function controllerOf(kind: ControllerData, hostNetwork: { hostNetwork: true; nodeCidrs?: string[] } | undefined): IngressController {
  switch (kind) {
    case 'nginx': return IngressController.nginx({ ...hostNetwork });
    case 'traefik': return IngressController.traefik({ ...hostNetwork });
    case 'alb': return IngressController.awsAlb({ vpcCidrs: [ALB_VPC] });
    case 'envoy': return IngressController.custom({
      name: 'envoy', className: 'envoy', pods: { namespace: CONTROLLER_PODS.envoy.namespace, labels: { 'app.kubernetes.io/name': 'envoy' } },
    });
  }
}

function tlsOf(g: GatewayData): Tls {
  switch (g.tls) {
    case 'cert-manager': return Tls.certManager({ clusterIssuer: 'letsencrypt-prod' });
    case 'secret': return Tls.secret(`${g.name}-cert`);
    case 'acm': return Tls.acm();
    case 'none': return Tls.none();
  }
}

const PROTOCOL: Record<Protocol, LibProtocol> = { TCP: LibProtocol.TCP, UDP: LibProtocol.UDP, SCTP: LibProtocol.SCTP };

function portOf(p: PortData): Port {
  if (typeof p.port === 'string') return p.protocol === 'TCP' && p.port === 'http' ? Port.named('http') : Port.named(p.port, PROTOCOL[p.protocol]);
  if (p.end !== undefined) return p.protocol === 'UDP' ? Port.udpRange(p.port, p.end) : Port.tcpRange(p.port, p.end);
  return p.protocol === 'UDP' ? Port.udp(p.port) : p.protocol === 'SCTP' ? Port.sctp(p.port) : Port.tcp(p.port);
}

/** A plain cdk8s-plus workload, selected by its own labels (no cdk8s address label in the selector). */
function buildWorkload(chart: Chart, w: WorkloadData, namespace: string, random: (() => number) | undefined): kplus.Workload {
  const props = {
    metadata: { name: w.name, namespace },
    select: false,
    podMetadata: { labels: shuffledRecord(w.labels, random) },
    automountServiceAccountToken: false,
    containers: [{
      name: 'main',
      image: `registry.example.com/${w.name}:1.0.0`,
      ports: w.ports.map((port) => ({ number: port.number, protocol: kplus.Protocol[port.protocol], ...(port.name ? { name: port.name } : {}) })),
      securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    }],
  };
  const workload = w.kind === 'Deployment' ? new kplus.Deployment(chart, w.name, props) : new kplus.DaemonSet(chart, w.name, props);
  workload.select(kplus.LabelSelector.of({ labels: w.labels }));
  if (w.hardened) {
    ApiObject.of(workload).addJsonPatch(
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
    );
  }
  return workload;
}

/**
 * A namespace without policies, created by the program (a flow naming a namespace nothing creates
 * is the `namespace-not-created` warning: Argo CD runs with CreateNamespace=false).
 */
function plainNamespace(chart: Chart, name: string): string {
  new k8s.KubeNamespace(chart, 'namespace', { metadata: { name } });
  return name;
}

/** Whether any port of the program is SCTP (on Cilium the program then enables it: off, it is a warning). */
function usesSctp(p: Program): boolean {
  const ports = [
    ...p.flows, ...p.namespaceFlows, ...p.egress, ...p.workloadFlows, ...p.wellKnown,
  ].flatMap((x) => x.ports).map((q) => q.protocol);
  return [...ports, ...p.workloads.flatMap((w) => w.ports.map((q) => q.protocol))].includes('SCTP');
}

const SERVICE_TYPES: Record<ServiceTypeData, ServiceType> = {
  ClusterIP: ServiceType.CLUSTER_IP, NodePort: ServiceType.NODE_PORT, LoadBalancer: ServiceType.LOAD_BALANCER, Headless: ServiceType.HEADLESS,
};

/**
 * Builds the program into `app` (a fresh test app by default): one chart per namespace, holding
 * the ZeroTrustNamespace, then its WebApps, then its gateways, in the program's order.
 *
 * With `shuffleSeed`, everything whose order carries no meaning is declared in another order:
 * - the flows, the CIDR egress declarations and the `addRoute` calls, interleaved in one random
 *   order (a flow is recorded in a graph, a route in a gateway; neither depends on the calls before);
 * - the routes passed in a gateway's `routes` prop;
 * - the ports of a flow, the keys of each env map and of each namespace's labels.
 * What is NOT shuffled, because its order is meaningful: the creation order of charts and of the
 * constructs in a chart (namespaces, WebApps, gateways). cdk8s writes a chart's objects in
 * construct creation order, and construct ids and paths follow the program, so reordering
 * creations legitimately reorders the documents of a file.
 *
 * Known gap, kept out of the shuffle: the routes of a Gateway API gateway (`RoutingApi.httpRoute`)
 * keep their relative order (they are still interleaved at random with everything else). Such a
 * gateway creates an HTTPRoute object when a host gets its first route, and a ReferenceGrant when a
 * namespace gets its first backend, so the order of those documents in the file follows the order
 * of the first route per host and per namespace. Their content is sorted and does not depend on it;
 * an Ingress gateway's output does not depend on route order at all.
 */
export function build(p: Program, shuffleSeed?: number, app: App = testApp()): App {
  const random = shuffleSeed === undefined ? undefined : rng(shuffleSeed);
  NetworkModel.of(app).configure({ cni: p.cni === 'cilium' ? Cni.cilium(usesSctp(p) ? { sctpEnabled: true } : {}) : Cni.generic({ podCidrs: [POD_CIDR] }) });
  const generic = p.cni === 'generic';
  const charts = p.namespaces.map((n) => new Chart(app, `ns-${n.name}`));
  // The construct id is not the name: a namespace named like a construct of its chart (`app0`) is valid.
  const namespaces: NamespaceRef[] = p.namespaces.map((n, i) => (n.zeroTrust ? new ZeroTrustNamespace(charts[i], 'namespace', {
    name: n.name,
    labels: shuffledRecord(n.labels, random),
    ...(n.dns === 'off' ? { allowDns: false } : {}),
    ...(n.dns === 'nodelocal' ? { dns: { cidrs: [NODELOCAL_DNS] } } : {}),
  }) : plainNamespace(charts[i], n.name)));
  const apps = p.apps.map((a) => new WebApp(charts[a.ns], a.id, {
    name: a.name,
    namespace: namespaces[a.ns],
    image: `registry.example.com/${a.name}:1.0.0`,
    containerPort: a.containerPort,
    servicePort: a.servicePort,
    serviceType: SERVICE_TYPES[a.serviceType],
    ...(a.nodePort !== undefined ? { nodePort: a.nodePort } : {}),
    ...(a.externalTrafficPolicy ? { externalTrafficPolicy: a.externalTrafficPolicy as ExternalTrafficPolicy } : {}),
    ...(a.loadBalancerSourceRanges ? { loadBalancerSourceRanges: a.loadBalancerSourceRanges } : {}),
    env: shuffledRecord(a.env, random),
    ...(a.extraPorts.length ? { ports: a.extraPorts.map((q) => ({ name: q.name!, port: q.number, protocol: PROTOCOL[q.protocol] })) } : {}),
    ...(a.metricsPort !== undefined ? { metrics: { port: a.metricsPort, scrapedBy: Peer.pods({ namespace: PROMETHEUS.namespace,
      labels: PROMETHEUS.labels, name: 'prometheus' }) } } : {}),
  }));
  const routeOptions = (r: RouteData) => ({
    host: r.host, path: r.path, pathType: r.pathType, backend: apps[r.backend],
      ...(r.rewriteTarget !== undefined ? { rewriteTarget: r.rewriteTarget } : {}),
  });
  const gateways = p.gateways.map((g) => new ApiGateway(charts[g.ns], g.name, {
    namespace: namespaces[g.ns],
    controller: controllerOf(g.controller, g.hostNetwork ? { hostNetwork: true, ...(generic ? { nodeCidrs: [NODE_CIDR] } : {}) } : undefined),
    tls: tlsOf(g),
    ...(g.api === 'ingress' ? {} : {
      api: RoutingApi.httpRoute({
        gateway: { name: `${g.name}-gateway` },
        ...(g.api === 'httpRoute+gateway' ? { createGateway: { gatewayClassName: 'eg' } } : {}),
      }),
    }),
    ...(g.routesInProps ? { routes: shuffled(g.routes, g.api === 'ingress' ? random : undefined).map(routeOptions) } : {}),
  }));

  const workloads = p.workloads.map((w) => buildWorkload(charts[w.ns], w, p.namespaces[w.ns].name, random));

  /** A declaration, and the gateway whose routes must keep their relative order (Gateway API). */
  type Declaration = { readonly run: () => void; readonly ordered?: number };
  const declarations: Declaration[] = [
    ...p.flows.map((f) => ({ run: () => {
      const ports = shuffled(f.ports, random).map(portOf);
      const options = ports.length ? { ports } : {};
      if (f.via === 'allowFrom') apps[f.to].allowFrom(apps[f.from], options);
      else apps[f.from].allowTo(apps[f.to], options);
    } })),
    ...p.namespaceFlows.map((f) => ({ run: () => {
      const ports = shuffled(f.ports, random).map(portOf);
      if (f.direction === 'ingress') apps[f.app].allowIngressFrom(Peer.namespace(namespaces[f.ns]), ...ports);
      else apps[f.app].allowEgressTo(Peer.namespace(namespaces[f.ns]), ...ports);
    } })),
    ...p.egress.map((e) => ({ run: () => {
      const c = p.cidrs[e.cidr];
      apps[e.app].allowEgressTo(Peer.cidr(c.cidr, c.except ? [c.except] : []), ...shuffled(e.ports, random).map(portOf));
    } })),
    ...p.workloadFlows.map((f, i) => ({ run: () => {
      const ports = shuffled(f.ports, random).map(portOf);
      const w = p.workloads[f.workload];
      const peer = f.peer === 'workload' ? Peer.workload(workloads[f.workload]) : Peer.pods({
        labels: shuffledRecord(Object.fromEntries(f.keys.map((k) => [k, w.labels[k]])), random),
        name: `pods${i}`,
        ...(f.explicitNamespace ? { namespace: namespaces[w.ns] } : {}),
      });
      if (f.direction === 'ingress') apps[f.app].allowIngressFrom(peer, ...ports);
      else apps[f.app].allowEgressTo(peer, ...ports);
    } })),
    ...externalClientDeclarations(p, apps),
    ...p.wellKnown.map((w) => ({ run: () => {
      const ports = shuffled(w.ports, random).map(portOf);
      const peer = w.peer === 'fqdn' ? Peer.fqdn(w.name!)
        : w.peer === 'kube-apiserver' ? Peer.kubeApiServer(generic ? { endpoints: [APISERVER_ENDPOINT] } : {})
          : Peer.nodes(generic ? [NODE_CIDR] : undefined);
      if (w.direction === 'ingress') apps[w.app].allowIngressFrom(peer, ...ports);
      else apps[w.app].allowEgressTo(peer, ...ports);
    } })),
    ...p.gateways.flatMap((g, i) => (g.routesInProps ? [] : g.routes.map((r) => ({
      run: () => gateways[i].addRoute(routeOptions(r)),
      ...(g.api === 'ingress' ? {} : { ordered: i }),
    })))),
  ];
  const order = shuffled(declarations, random);
  // Put the order-keeping declarations back in their original relative order, in the slots the
  // shuffle gave them.
  for (const g of new Set(declarations.filter((d) => d.ordered !== undefined).map((d) => d.ordered))) {
    const original = declarations.filter((d) => d.ordered === g);
    const slots = order.map((d, i) => (d.ordered === g ? i : -1)).filter((i) => i >= 0);
    slots.forEach((slot, k) => { order[slot] = original[k]; });
  }
  for (const d of order) d.run();
  return app;
}

/**
 * Clients outside the cluster of the NodePort and LoadBalancer apps (issue #12): a zero-trust
 * namespace drops them unless declared, and an undeclared one is a warning. A LoadBalancer with
 * `externalTrafficPolicy: Local` and source ranges declares them itself; the others get
 * `allowIngressFrom(Peer.internet())` (even app index) or a documentation CIDR (odd).
 */
export function externalClients(p: Program): { app: number; sources: string[] }[] {
  const out: { app: number; sources: string[] }[] = [];
  p.apps.forEach((a, i) => {
    if (a.serviceType !== 'NodePort' && a.serviceType !== 'LoadBalancer') return;
    if (a.loadBalancerSourceRanges && a.externalTrafficPolicy === 'Local') {
      out.push({ app: i, sources: [...new Set(a.loadBalancerSourceRanges)].map((c) => `cidr:${c}`) });
    } else {
      out.push({ app: i, sources: i % 2 === 0 ? [INTERNET_V4, INTERNET_V6] : [`cidr:${CLIENT_CIDR}`] });
    }
  });
  return out;
}

const CLIENT_CIDR = '198.51.100.0/24';
const INTERNET_V4 = 'cidr:0.0.0.0/0 except 10.0.0.0/8,100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,172.16.0.0/12,192.168.0.0/16';
const INTERNET_V6 = 'cidr:::/0 except ::1/128,fc00::/7,fe80::/10';

function externalClientDeclarations(p: Program, apps: readonly WebApp[]): { run: () => void }[] {
  return externalClients(p).filter((c) => !(p.apps[c.app].loadBalancerSourceRanges && p.apps[c.app].externalTrafficPolicy === 'Local'))
    .map((c) => ({ run: () => apps[c.app].allowIngressFrom(c.app % 2 === 0 ? Peer.internet() : Peer.cidr(CLIENT_CIDR)) }));
}

// ---------------------------------------------------------------------------------------------
// Expected reachability, from the data alone

/** Id of an app's pod group, as `podGroupsFromManifests` names it. */
export function groupId(p: Program, app: number): string {
  const a = p.apps[app];
  return `${p.namespaces[a.ns].name}/Deployment/${a.name}`;
}

function workloadGroupId(p: Program, w: WorkloadData): string {
  return `${p.namespaces[w.ns].name}/${w.kind}/${w.name}`;
}

function cidrId(c: CidrData): string {
  return c.except ? `cidr:${c.cidr} except ${c.except}` : `cidr:${c.cidr}`;
}

/** Expands a port (range) to `PROTO/port` strings. */
export function portStrings(protocol: string, from: number, to: number): string[] {
  if (to - from > 1000) return [`${protocol}/${from}-${to}`];
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(`${protocol}/${n}`);
  return out;
}

/** The namespace of pods outside the app that carry the app's own labels. */
export const OUTSIDER_NAMESPACE = 'outsider';

/**
 * Every pod group of the program's cluster: the synthesized workloads (apps and plain workloads),
 * kube-dns, the ingress controllers, and bystanders that no declaration names and that must stay
 * denied unless a selector really selects them:
 * - Prometheus (it scrapes the apps' metrics ports) and `grafana` next to it, which scrapes nothing;
 * - a non-DNS pod in kube-system that listens on port 53 (`node-local-dns`);
 * - a pod next to each controller sharing its component label (`sidekick`);
 * - in `outsider`, a pod with each app's and each workload's labels (a lost namespaceSelector);
 * - in each namespace of the program, a `stray` pod (isolated by default-deny, reachable only
 *   through `Peer.namespace()`), and a copy of each multi-label workload missing one label.
 */
export function programGroups(p: Program): { synthesized: PodGroup[]; others: PodGroup[] } {
  const ns = (i: number) => p.namespaces[i].name;
  const appPorts = (a: AppData) => appListens(a).map((q) => ({ name: q.name, containerPort: q.number, protocol: q.protocol }));
  const workloadPorts = (w: WorkloadData) => w.ports.map((q) => ({
    ...(q.name ? { name: q.name } : {}), containerPort: q.number, protocol: q.protocol,
  }));
  const synthesized: PodGroup[] = [
    ...p.apps.map((a, i) => ({ id: groupId(p, i), namespace: ns(a.ns), labels: { app: a.name }, ports: appPorts(a) })),
    ...p.workloads.map((w) => ({ id: workloadGroupId(p, w), namespace: ns(w.ns), labels: { ...w.labels }, ports: workloadPorts(w) })),
  ];
  const byId = new Map<string, PodGroup>();
  const add = (g: PodGroup) => { if (!byId.has(g.id)) byId.set(g.id, g); };
  [KUBE_DNS, ...Object.values(CONTROLLER_PODS), PROMETHEUS].forEach(add);
  // Next to Prometheus, a pod of its namespace that scrapes nothing.
  add({ id: `${PROMETHEUS.namespace}/Pod/grafana`, namespace: PROMETHEUS.namespace, labels: { 'app.kubernetes.io/name': 'grafana' }, ports: [] });
  add({ id: 'kube-system/Pod/node-local-dns', namespace: 'kube-system', labels: { 'k8s-app': 'node-local-dns' }, ports: KUBE_DNS.ports });
  for (const c of Object.values(CONTROLLER_PODS)) {
    add({
      id: `${c.namespace}/Pod/sidekick`, namespace: c.namespace,
      labels: { 'app.kubernetes.io/name': 'sidekick', 'app.kubernetes.io/component': 'controller' }, ports: c.ports,
    });
  }
  p.apps.forEach((a) => add({ id: `${OUTSIDER_NAMESPACE}/Pod/app-${a.name}`, namespace: OUTSIDER_NAMESPACE, labels: { app: a.name }, ports: appPorts(a) }));
  p.workloads.forEach((w) => add({ id: `${OUTSIDER_NAMESPACE}/Pod/${w.name}`, namespace: OUTSIDER_NAMESPACE, labels: { ...w.labels }, ports: workloadPorts(w) }));
  acmeSolverPods(p).forEach(add);
  p.namespaces.forEach((n) => add({ id: `${n.name}/Pod/stray`, namespace: n.name, labels: { stray: 'true' }, ports: [{ containerPort: 8080 }] }));
  for (const w of p.workloads) {
    const keys = Object.keys(w.labels).sort();
    if (keys.length < 2) continue;
    add({ id: `${ns(w.ns)}/Pod/partial-${w.name}`, namespace: ns(w.ns), labels: Object.fromEntries(keys.slice(1).map((k) => [k, w.labels[k]])), ports: workloadPorts(w) });
  }
  return { synthesized, others: [...byId.values()] };
}

/** Pods by namespace and labels (all must match; none given: every pod of the namespace), or an ipBlock by id. */
type Selector = { readonly ns: string; readonly labels?: Record<string, string> } | { readonly cidr: string }
  /** An endpoint of its own that is neither pods nor an ipBlock: `fqdn:<name>`, `entity:<entity>` (Cilium). */
  | { readonly id: string };

/** A declared connection, as the program's data says it, independent of the library. */
interface Declaration {
  readonly from: Selector;
  readonly to: Selector;
  /** Concrete ports; a named port resolves against the destination pods' container ports. */
  readonly ports: readonly PortData[];
}

function declarations(p: Program): Declaration[] {
  const ns = (i: number) => p.namespaces[i].name;
  const app = (i: number): Selector => ({ ns: ns(p.apps[i].ns), labels: { app: p.apps[i].name } });
  const appPort = (i: number): PortData[] => [{ protocol: 'TCP', port: p.apps[i].containerPort }];
  const out: Declaration[] = [];
  for (const f of p.flows) out.push({ from: app(f.from), to: app(f.to), ports: f.ports.length ? f.ports : appPort(f.to) });
  for (const f of p.namespaceFlows) {
    if (f.direction === 'ingress') out.push({ from: { ns: ns(f.ns) }, to: app(f.app), ports: f.ports });
    else out.push({ from: app(f.app), to: { ns: ns(f.ns) }, ports: f.ports });
  }
  for (const e of p.egress) out.push({ from: app(e.app), to: { cidr: cidrId(p.cidrs[e.cidr]) }, ports: e.ports });
  const dnsPorts: PortData[] = [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }];
  for (const n of p.namespaces) {
    if (!n.zeroTrust || n.dns === 'off') continue;
    out.push({ from: { ns: n.name }, to: { ns: KUBE_DNS.namespace, labels: KUBE_DNS.labels }, ports: dnsPorts });
    if (n.dns === 'nodelocal') out.push({ from: { ns: n.name }, to: { cidr: `cidr:${NODELOCAL_DNS}` }, ports: dnsPorts });
  }
  // The nodes: an ipBlock of the node CIDRs on a generic CNI, Cilium's entities for this and other nodes.
  const nodes: Selector[] = p.cni === 'cilium' ? [{ id: 'entity:host' }, { id: 'entity:remote-node' }] : [{ cidr: `cidr:${NODE_CIDR}` }];
  // A gateway's traffic comes from its controller's pods, the ALB's VPC, or the nodes (host network).
  const controllerSources = (g: GatewayData): Selector[] => {
    if (g.hostNetwork) return nodes;
    const c = g.controller === 'alb' ? undefined : CONTROLLER_PODS[g.controller];
    return [c ? { ns: c.namespace, labels: c.labels } : { cidr: `cidr:${ALB_VPC}` }];
  };
  for (const g of p.gateways) {
    for (const from of controllerSources(g)) for (const r of g.routes) out.push({ from, to: app(r.backend), ports: appPort(r.backend) });
  }
  // Tls.certManager() (Ingress, or a created Gateway): the controller reaches the HTTP-01 solver pods on 8089.
  const solvers = new Map(acmeSolverPods(p).map((g) => [g.namespace, g]));
  for (const g of p.gateways) {
    const solver = solvers.get(ns(g.ns));
    if (!solver || !hasAcmeSolver(g)) continue;
    for (const from of controllerSources(g)) out.push({ from, to: { ns: solver.namespace, labels: solver.labels }, ports: [{ protocol: 'TCP', port: 8089 }] });
  }
  // Well-known peers: the API server on its Service and endpoint ports unless given.
  const apiServer: Selector = p.cni === 'cilium' ? { id: 'entity:kube-apiserver' } : { cidr: `cidr:${APISERVER_ENDPOINT}` };
  for (const w of p.wellKnown) {
    if (w.peer === 'fqdn') out.push({ from: app(w.app), to: { id: `fqdn:${w.name}` }, ports: w.ports });
    else if (w.peer === 'kube-apiserver') {
      out.push({ from: app(w.app), to: apiServer, ports: w.ports.length ? w.ports : [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] });
    } else {
      for (const n of nodes) {
        if (w.direction === 'ingress') out.push({ from: n, to: app(w.app), ports: w.ports.length ? w.ports : appPort(w.app) });
        else out.push({ from: app(w.app), to: n, ports: w.ports });
      }
    }
  }
  // Clients declared by loadBalancerSourceRanges reach every port the Service forwards (not the
  // metrics port, which a LoadBalancer app keeps on a ClusterIP Service of its own); others, the main port.
  for (const c of externalClients(p)) {
    const a = p.apps[c.app];
    const ports = a.loadBalancerSourceRanges && a.externalTrafficPolicy === 'Local'
      ? appListens(a).filter((q) => q.name !== 'metrics').map((q) => ({ protocol: q.protocol, port: q.number })) : appPort(c.app);
    for (const cidr of c.sources) out.push({ from: { cidr }, to: app(c.app), ports });
  }
  p.apps.forEach((a, i) => {
    if (a.metricsPort !== undefined) out.push({ from: { ns: PROMETHEUS.namespace, labels: PROMETHEUS.labels }, to: app(i), ports: [{ protocol: 'TCP', port: a.metricsPort }] });
  });
  for (const f of p.workloadFlows) {
    const w = p.workloads[f.workload];
    const labels = f.peer === 'workload' ? w.labels : Object.fromEntries(f.keys.map((k) => [k, w.labels[k]]));
    const peer: Selector = { ns: ns(w.ns), labels };
    // Peer.workload's own ports are the default destination ports: each with its protocol.
    const peerPorts: PortData[] = w.ports.map((q) => ({ protocol: q.protocol, port: q.number }));
    if (f.direction === 'ingress') out.push({ from: peer, to: app(f.app), ports: f.ports.length ? f.ports : appPort(f.app) });
    else out.push({ from: app(f.app), to: peer, ports: f.ports.length ? f.ports : peerPorts });
  }
  return out;
}

/**
 * The flows that deserve `flow-port-unverified`, one per pair of endpoints (declarations of one pair
 * merge into one flow): from pods of a zero-trust namespace, on a port name, to pods of a namespace
 * that is not zero-trust, where pods the app does not define may carry the name with any number.
 */
export function unverifiedPortFlows(p: Program): string[] {
  const zeroTrust = new Set(p.namespaces.filter((n) => n.zeroTrust).map((n) => n.name));
  const key = (s: Selector) => ('ns' in s ? `${s.ns}/${Object.entries(s.labels ?? {}).map(([k, v]) => `${k}=${v}`).sort().join(',')}` : '');
  const pairs = new Set<string>();
  for (const d of declarations(p)) {
    if (!('ns' in d.from) || !('ns' in d.to) || !zeroTrust.has(d.from.ns) || zeroTrust.has(d.to.ns)) continue;
    if (d.ports.some((q) => typeof q.port === 'string')) pairs.add(`${key(d.from)} -> ${key(d.to)}`);
  }
  return [...pairs].sort();
}

function selects(s: Selector, g: PodGroup): boolean {
  if (!('ns' in s)) return false;
  return s.ns === g.namespace && Object.entries(s.labels ?? {}).every(([k, v]) => g.labels[k] === v);
}

function resolvePorts(ports: readonly PortData[], destination: PodGroup | undefined): string[] {
  return ports.flatMap((q) => (typeof q.port === 'string'
    ? (destination?.ports ?? []).filter((c) => c.name === q.port && (c.protocol ?? 'TCP') === q.protocol).map((c) => `${q.protocol}/${c.containerPort}`)
    : portStrings(q.protocol, q.port, q.end ?? q.port)));
}

/** Ids of the groups in zero-trust namespaces: isolated for ingress and egress, every other pod not. */
export function zeroTrustGroupIds(p: Program, groups: readonly PodGroup[]): Set<string> {
  const zeroTrust = new Set(p.namespaces.filter((n) => n.zeroTrust).map((n) => n.name));
  return new Set(groups.filter((g) => zeroTrust.has(g.namespace)).map((g) => g.id));
}

/**
 * Every connection a NetworkPolicy governs (one end in a zero-trust namespace) that the program
 * declares, by `from -> to`, with the allowed ports, over `groups` (the synthesized workloads and
 * every bystander): the declared flows (on the destination's container port unless ports are
 * given), CIDR egress, DNS from every pod of a zero-trust namespace with DNS on, and each route's
 * controller -> backend container port. Anything else touching a zero-trust pod must be denied.
 */
export function expectedEdges(p: Program, groups: readonly PodGroup[]): Map<string, Set<string>> {
  const zeroTrust = zeroTrustGroupIds(p, groups);
  const edges = new Map<string, Set<string>>();
  const add = (from: string, to: string, ports: string[]) => {
    if (!zeroTrust.has(from) && !zeroTrust.has(to)) return; // no policy governs the pair
    if (ports.length === 0) return;
    const key = `${from} -> ${to}`;
    if (!edges.has(key)) edges.set(key, new Set());
    for (const port of ports) edges.get(key)!.add(port);
  };
  const ends = (s: Selector) => ('cidr' in s ? [s.cidr] : 'id' in s ? [s.id] : groups.filter((g) => selects(s, g)).map((g) => g.id));
  const byId = new Map(groups.map((g) => [g.id, g]));
  for (const d of declarations(p)) {
    for (const from of ends(d.from)) {
      for (const to of ends(d.to)) add(from, to, resolvePorts(d.ports, byId.get(to)));
    }
  }
  return edges;
}

// ---------------------------------------------------------------------------------------------
// Addresses against the declared ipBlocks

/** An address as a number and its width. */
function parseAddress(text: string): { value: bigint; bits: 32 | 128 } {
  if (!text.includes(':')) return { value: text.split('.').reduce((v, o) => (v << 8n) | BigInt(Number(o)), 0n), bits: 32 };
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return { value: groups.reduce((v, g) => (v << 16n) | BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

function formatAddress(value: bigint, bits: 32 | 128): string {
  if (bits === 32) return ipv4(Number(value));
  return ipv6(Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(16 * (7 - i))) & 0xffffn)));
}

/** The first and last address of a CIDR. */
function blockOf(cidr: string): { first: bigint; last: bigint; bits: 32 | 128 } {
  const [address, prefix] = cidr.split('/');
  const { value, bits } = parseAddress(address);
  const size = 1n << BigInt(bits - Number(prefix));
  return { first: value, last: value + size - 1n, bits };
}

function inBlock(cidr: string, address: string): boolean {
  const b = blockOf(cidr);
  const a = parseAddress(address);
  return a.bits === b.bits && b.first <= a.value && a.value <= b.last;
}

/** One address probe: may `from` reach `address` on `protocol`/`port`, by the declarations alone? */
export interface AddressProbe {
  readonly from: string;
  readonly address: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly allowed: boolean;
}

/**
 * Addresses on both sides of every CIDR's edges and of its `except`, probed from every app of a
 * zero-trust namespace on the ports it declares towards CIDRs: an address inside an `except` must
 * stay denied even though its CIDR is allowed.
 */
export function addressProbes(p: Program): AddressProbe[] {
  const decls = declarations(p).filter((d) => 'cidr' in d.to);
  const blocks = [...p.cidrs.map(cidrId), `cidr:${NODELOCAL_DNS}`];
  const addresses = new Set<string>();
  for (const id of blocks) {
    const [cidr, except] = id.replace(/^cidr:/, '').split(' except ');
    for (const block of [cidr, ...(except ? [except] : [])]) {
      const { first, last, bits } = blockOf(block);
      const max = (1n << BigInt(bits)) - 1n;
      for (const v of [first - 1n, first, last, last + 1n]) if (v >= 0n && v <= max) addresses.add(formatAddress(v, bits));
    }
  }
  const allows = (d: Declaration, address: string, protocol: Protocol, port: number) => {
    const [cidr, except] = (d.to as { cidr: string }).cidr.replace(/^cidr:/, '').split(' except ');
    return inBlock(cidr, address) && !(except && inBlock(except, address))
      && d.ports.some((q) => typeof q.port === 'number' && q.protocol === protocol && q.port <= port && port <= (q.end ?? q.port));
  };
  const out: AddressProbe[] = [];
  const { synthesized } = programGroups(p);
  const zeroTrust = zeroTrustGroupIds(p, synthesized);
  for (const g of synthesized) {
    if (!zeroTrust.has(g.id)) continue;
    const mine = decls.filter((d) => selects(d.from, g));
    const ports = new Map<string, { protocol: Protocol; port: number }>();
    for (const d of mine) for (const q of d.ports) if (typeof q.port === 'number') ports.set(`${q.protocol}/${q.port}`, { protocol: q.protocol, port: q.port });
    for (const address of addresses) {
      for (const { protocol, port } of ports.values()) {
        out.push({ from: g.id, address, protocol, port, allowed: mine.some((d) => allows(d, address, protocol, port)) });
      }
    }
  }
  return out;
}
