/**
 * The network report as data: computed from the synthesized objects and the reachability the flow
 * verification computed, never from what constructs meant. Deterministic: every list is sorted,
 * nothing depends on time, paths on disk or declaration order.
 */
import type { ReachabilityEdge } from '../evaluator';
import { pushTo } from '../evaluator/util';
import type { CheckContext } from '../checks/context';
import type { Finding } from '../checks/finding';
import type { ManifestObject } from '../checks/objects';
import { isRepresentativeNamespace } from '../checks/exposure';
import { compare, namespaceOf } from '../checks/objects';
import type { RouteBackend } from '../checks/routes';
import { tlsHostCovers } from '../checks/routes';
import { gatewaysOf, routeTls } from '../checks/listeners';
import type { NetworkView } from '../checks/verify';
import { formatPorts, pairKey } from '../checks/verify';
import type { Guardrail } from '../checks/guardrails';
import type { ReportManifests } from './digest';
import { manifestDigest } from './digest';

/** Version of the JSON layout; bumped on incompatible changes. */
export const REPORT_VERSION = 1;

/**
 * One end of the allowed flows: a workload, pods outside the app that flows name, or an IP block.
 * @jsii ignore
 */
export interface ReportEndpoint {
  /**
   * `<namespace>/<Kind>/<name>` for workloads, `<namespace>/Peer/<labels>` for pods outside the app, `cidr:<cidr>` for IP blocks,
   * `fqdn:<name or pattern>` for DNS names and `entity:<entity>` for Cilium entities (`kube-apiserver`, `host`, `remote-node`).
   */
  readonly id: string;
  /**
   * `exposure`: a representative of pods the app does not know that a policy's selector admits
   * (e.g. any pod in every namespace labelled team=payments); its `name` says what the rule admits.
   */
  readonly type: 'workload' | 'external-pods' | 'ip-block' | 'fqdn' | 'entity' | 'exposure';
  readonly namespace?: string;
  readonly name: string;
  /** The workload kind (Deployment, StatefulSet, ...). */
  readonly kind?: string;
  /** The construct path of the workload. */
  readonly path?: string;
  /** The pod labels (workloads and pods outside the app), for rules that select by label. */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Whether NetworkPolicies of the app isolate the pods, per direction: for workloads, and for pods
   * outside the app and exposure stand-ins as the verification took them (isolated only by policies
   * of the app). `diff` reads it to tell a flow that closed from one that no policy governs any more.
   */
  readonly isolated?: { readonly ingress: boolean; readonly egress: boolean };
  /**
   * The labels of the representative namespace of an `exposure` endpoint (`[namespaces team=x]`:
   * `{ team: 'x' }`), so that `diff` evaluates the same stand-in against another output's policies.
   */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}

/**
 * One allowed connection.
 * @jsii ignore
 */
export interface ReportFlow {
  readonly from: string;
  readonly to: string;
  /** `TCP 3000`, `UDP 53`, `TCP 8000-8080`, `TCP all`. */
  readonly ports: readonly string[];
  /** `<namespace>/<policy>` of every policy allowing it, on either side. */
  readonly allowedBy: readonly string[];
  /** Kinds of the declared flows behind it (`app`, `dns`, `gateway`); empty when not declared. */
  readonly declared: readonly string[];
  /** Construct paths of the constructs that declared it; empty when not declared (absent in reports of older versions). */
  readonly declaredBy?: readonly string[];
  /** The calls that declared it, `<construct path>.<call>` (e.g. `shop/ledger.allowFrom(production/api)`); empty when none. */
  readonly calls?: readonly string[];
  /** The kind of policy that allows it: `NetworkPolicy`, or `CiliumNetworkPolicy` for DNS names and entities. */
  readonly policyKind: 'NetworkPolicy' | 'CiliumNetworkPolicy';
}

/**
 * One route into the cluster through an Ingress or an HTTPRoute.
 * @jsii ignore
 */
export interface ReportEntryPoint {
  readonly namespace: string;
  /** `Ingress/<name>` or `HTTPRoute/<name>`. */
  readonly via: string;
  readonly path: string;
  /** The ingress class or the parent Gateway(s). */
  readonly gateway: string;
  /** `*` when the rule names no host. */
  readonly host: string;
  /** The matched path, with its type, e.g. `/api (Prefix)`; `(default backend)` for an Ingress default backend. */
  readonly match: string;
  /** `<service>:<port>`, or `redirect <scheme>://...` for a redirect rule. */
  readonly backend: string;
  /** Endpoint ids of the pods behind the backend Service. */
  readonly targets: readonly string[];
  /**
   * TLS on this host: `on`, `off`, or `unknown`. For an HTTPRoute, from the listeners of its
   * Gateways that take it (sectionName, port, hostname, allowedRoutes): `off` when one of them is
   * plain HTTP, `on` when all are HTTPS, `unknown` when the Gateway is not in the app.
   */
  readonly tls: 'on' | 'off' | 'unknown';
  /** The certificate Secret, when known. */
  readonly tlsSecret?: string;
  /** Why an HTTPRoute's TLS is off (the plain-HTTP listeners serving it) or unknown (what the library cannot see). */
  readonly tlsNote?: string;
}

/**
 * One Service.
 * @jsii ignore
 */
export interface ReportService {
  readonly namespace: string;
  readonly name: string;
  /** ClusterIP, Headless, NodePort, LoadBalancer or ExternalName. */
  readonly type: string;
  /** `<name>.<namespace>.svc.<cluster domain>`. */
  readonly dnsName: string;
  /** `80 -> 3000 TCP`, with `nodePort` when set. */
  readonly ports: readonly string[];
  /** Endpoint ids of the selected pods. */
  readonly targets: readonly string[];
  /** The CNAME target of an ExternalName Service. */
  readonly externalName?: string;
  readonly path: string;
}

/**
 * A namespace seen in the app.
 * @jsii ignore
 */
export interface ReportNamespace {
  readonly name: string;
  /** A ZeroTrustNamespace of the app. */
  readonly zeroTrust: boolean;
  /** Whether the app has objects in it (otherwise only flows name it). */
  readonly inApp: boolean;
  /** Endpoint ids of its workloads. */
  readonly workloads: readonly string[];
}

/**
 * A finding, flattened for the report.
 * @jsii ignore
 */
export interface ReportFinding {
  readonly check: string;
  readonly severity: string;
  readonly message: string;
  readonly fix: string;
  /** The construct path of the object the finding is about. */
  readonly object?: string;
}

/**
 * The whole report.
 * @jsii ignore
 */
export interface NetworkReport {
  readonly version: number;
  readonly namespaces: readonly ReportNamespace[];
  readonly endpoints: readonly ReportEndpoint[];
  readonly flows: readonly ReportFlow[];
  readonly entryPoints: readonly ReportEntryPoint[];
  readonly services: readonly ReportService[];
  /** Findings that did not fail synth (warnings). */
  readonly findings: readonly ReportFinding[];
  /** Findings objects opted out of with the skip annotation. */
  readonly suppressed: readonly ReportFinding[];
  /** The app's guardrails, which `cdk8s-networking diff` checks on another output too; absent when there are none. */
  readonly guardrails?: readonly Guardrail[];
  /**
   * The objects the report was computed from (their number and digest): `cdk8s-networking analyze`
   * and `diff` take the findings, construct paths and declared flows of a report only for the
   * manifests it was written with. Absent in reports written before it was added.
   */
  readonly manifests?: ReportManifests;
}

/**
 * Inputs of {@link buildReport}.
 * @jsii ignore
 */
export interface BuildReportInput {
  readonly context: CheckContext;
  readonly view: NetworkView;
  readonly zeroTrust: ReadonlySet<string>;
  readonly findings: readonly Finding[];
  readonly suppressed: readonly Finding[];
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default - none */
  readonly guardrails?: readonly Guardrail[];
}

/** Builds the report. */
export function buildReport(input: BuildReportInput): NetworkReport {
  const { context, view, zeroTrust } = input;
  const domain = input.clusterDomain ?? 'cluster.local';

  const endpoints = new Map<string, ReportEndpoint>();
  for (const g of view.groups) {
    const workload = g.object !== undefined;
    const isolation = context.evaluator.isolation(g.group);
    endpoints.set(g.group.id, {
      id: g.group.id,
      type: workload ? 'workload' : g.exposure ? 'exposure' : 'external-pods',
      namespace: g.group.namespace,
      name: g.name,
      labels: Object.fromEntries(Object.keys(g.group.labels).sort(compare).map((k) => [k, g.group.labels[k]])),
      ...(workload ? { kind: g.kind, path: g.object!.path } : {}),
      isolated: { ingress: isolation.ingress, egress: isolation.egress },
      ...(g.namespaceLabels ? { namespaceLabels: sortedLabels(g.namespaceLabels) } : {}),
    });
  }
  const flows = view.edges.map((e) => reportFlow(e, view));
  for (const f of flows) {
    for (const id of [f.from, f.to]) {
      if (!endpoints.has(id)) endpoints.set(id, nonPodEndpoint(id));
    }
  }

  // The group ids of each workload object, for the Services and routes that select them.
  const groupIdsByObject = new Map<ManifestObject, string[]>();
  for (const g of view.groups) if (g.object) pushTo(groupIdsByObject, g.object, g.group.id);
  const selected: SelectedBy = (namespace, selector) => selectedBy(context, groupIdsByObject, namespace, selector);
  const services = context.ofKind('Service').map((s) => reportService(s, selected, domain))
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
  const entryPoints = reportEntryPoints(context, selected)
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.host, b.host) || compare(a.match, b.match)
      || Number(isRedirect(a)) - Number(isRedirect(b)) || compare(a.via, b.via) || compare(a.backend, b.backend));

  const appNamespaces = new Set(context.objects.filter((o) => o.json?.kind !== 'Namespace' && o.json?.metadata?.namespace).map(namespaceOf));
  for (const ns of context.ofKind('Namespace')) appNamespaces.add(String(ns.json?.metadata?.name));
  const allNamespaces = new Set([...appNamespaces, ...zeroTrust]);
  for (const e of endpoints.values()) if (e.namespace && !isRepresentativeNamespace(e.namespace)) allNamespaces.add(e.namespace);
  const workloadsByNs = new Map<string, string[]>();
  for (const e of endpoints.values()) if (e.type === 'workload' && e.namespace !== undefined) pushTo(workloadsByNs, e.namespace, e.id);
  const namespaces = [...allNamespaces].sort(compare).map((name) => ({
    name,
    zeroTrust: zeroTrust.has(name),
    inApp: appNamespaces.has(name) || zeroTrust.has(name),
    workloads: [...(workloadsByNs.get(name) ?? [])].sort(compare),
  }));

  const findingOf = (f: Finding): ReportFinding => ({
    check: f.check, severity: f.severity, message: f.message, fix: f.fix, ...(f.object ? { object: f.object.path } : {}),
  });
  return {
    version: REPORT_VERSION,
    namespaces,
    endpoints: [...endpoints.values()].sort((a, b) => compare(a.id, b.id)),
    flows,
    entryPoints,
    services,
    findings: input.findings.map(findingOf),
    suppressed: input.suppressed.map(findingOf),
    ...(input.guardrails?.length ? { guardrails: [...input.guardrails] } : {}),
    manifests: manifestDigest(context.objects),
  };
}

function sortedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(labels).sort(compare).map((k) => [k, labels[k]]));
}

/** An endpoint that is not pods: an IP block, a DNS name or a Cilium entity. */
function nonPodEndpoint(id: string): ReportEndpoint {
  if (id.startsWith('fqdn:')) return { id, type: 'fqdn', name: id.slice('fqdn:'.length) };
  if (id.startsWith('entity:')) return { id, type: 'entity', name: id.slice('entity:'.length) };
  return { id, type: 'ip-block', name: id.replace(/^cidr:/, '') };
}

function isRedirect(e: ReportEntryPoint): boolean {
  return e.backend.startsWith('redirect ');
}

function reportFlow(e: ReachabilityEdge, view: NetworkView): ReportFlow {
  return {
    from: e.from,
    to: e.to,
    ports: formatPorts(e.ports).split(', '),
    allowedBy: [...e.allowedBy],
    declared: [...(view.declaredKinds.get(pairKey(e.from, e.to)) ?? [])],
    declaredBy: [...(view.declaredBy?.get(pairKey(e.from, e.to)) ?? [])],
    calls: [...(view.calls?.get(pairKey(e.from, e.to)) ?? [])],
    policyKind: view.ciliumPairs?.has(pairKey(e.from, e.to)) ? 'CiliumNetworkPolicy' : 'NetworkPolicy',
  };
}

/** Endpoint ids of the workloads a Service selector selects in a namespace. */
type SelectedBy = (namespace: string, selector: any) => string[];

/** Endpoint ids of the workloads a Service selector selects. */
function selectedBy(
  context: CheckContext, groupIdsByObject: ReadonlyMap<ManifestObject, readonly string[]>, namespace: string, selector: any,
): string[] {
  if (!selector || Object.keys(selector).length === 0) return [];
  const objects = new Set(context.selectTemplatesByLabels(namespace, selector).map((t) => t.object));
  const ids = new Set<string>();
  for (const o of objects) for (const id of groupIdsByObject.get(o) ?? []) ids.add(id);
  return [...ids].sort(compare);
}

function reportService(s: ManifestObject, selected: SelectedBy, domain: string): ReportService {
  const spec = s.json?.spec ?? {};
  const ns = namespaceOf(s);
  const name = String(s.json?.metadata?.name);
  const type = spec.type === 'ExternalName' ? 'ExternalName'
    : spec.clusterIP === 'None' ? 'Headless' : String(spec.type ?? 'ClusterIP');
  const ports = (spec.ports ?? []).map((p: any) =>
    `${p.name ? `${p.name} ` : ''}${p.port} -> ${p.targetPort ?? p.port} ${p.protocol ?? 'TCP'}${p.nodePort ? ` (nodePort ${p.nodePort})` : ''}`);
  return {
    namespace: ns,
    name,
    type,
    dnsName: `${name}.${ns}.svc.${domain}`,
    ports,
    targets: type === 'ExternalName' ? [] : selected(ns, spec.selector),
    ...(type === 'ExternalName' ? { externalName: String(spec.externalName) } : {}),
    path: s.path,
  };
}

/** Go's `strconv.ParseBool`, which ingress-nginx reads boolean annotations with; undefined for anything else (the default applies). */
function goBool(value: unknown): boolean | undefined {
  if (typeof value !== 'string') return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/**
 * Why ingress-nginx serves an Ingress's TLS hosts over plain HTTP as well, or undefined: it
 * redirects HTTP to HTTPS for a host with a certificate unless `ssl-redirect` is false, and always
 * with `force-ssl-redirect` (ingress-nginx `internal/ingress/annotations/rewrite`, read with Go's
 * ParseBool; an invalid value keeps the default, true).
 */
function nginxServesPlainHttp(annotations: Record<string, unknown> | undefined): string | undefined {
  const key = 'nginx.ingress.kubernetes.io/ssl-redirect';
  if (goBool(annotations?.[key]) !== false || goBool(annotations?.['nginx.ingress.kubernetes.io/force-ssl-redirect']) === true) return undefined;
  return `${key}: ${JSON.stringify(annotations?.[key])}: ingress-nginx serves it over plain HTTP too, without redirecting to HTTPS`;
}

function reportEntryPoints(context: CheckContext, selected: SelectedBy): ReportEntryPoint[] {
  const out: ReportEntryPoint[] = [];
  const targetsOf = (b: RouteBackend): string[] => {
    const svc = b.kind === 'Service' ? context.service(b.namespace, String(b.name)) : undefined;
    return svc ? selected(b.namespace, svc.json?.spec?.selector) : [];
  };
  const gateways = gatewaysOf(context);
  for (const rule of context.routes) {
    const ns = rule.namespace;
    const base = { namespace: ns, via: `${rule.kind}/${rule.object.json?.metadata?.name}`, path: rule.object.path };
    if (rule.kind === 'Ingress') {
      const tls: any[] = rule.object.json?.spec?.tls ?? [];
      const plain = nginxServesPlainHttp(rule.object.json?.metadata?.annotations);
      const tlsFor = (host: string): Pick<ReportEntryPoint, 'tls' | 'tlsSecret' | 'tlsNote'> => {
        const entry = tls.find((t) => (t?.hosts ?? []).some((h: string) => h === host || (host !== '*' && tlsHostCovers(h, host))))
          ?? (host === '*' ? tls.find((t) => !(t?.hosts ?? []).length) : undefined);
        if (!entry) return { tls: 'off' };
        const secret = entry.secretName ? { tlsSecret: String(entry.secretName) } : {};
        return plain ? { tls: 'off', ...secret, tlsNote: plain } : { tls: 'on', ...secret };
      };
      const host = rule.hosts[0] ?? '*';
      for (const m of rule.matches) {
        const b = m.backends[0];
        out.push({
          ...base, gateway: `class ${rule.className ?? '(default)'}`, host,
          match: m.path === undefined ? '(default backend)' : `${m.path} (${m.pathType})`,
          backend: b.kind === 'Service' ? `${b.name}:${b.port ?? '?'}` : `${b.resourceKind ?? 'resource'}/${b.name ?? '?'}`,
          targets: targetsOf(b), ...tlsFor(host),
        });
      }
      continue;
    }
    const gateway = rule.parents.map((p) => `${p.namespace}/${p.name}${p.sectionName ? `#${p.sectionName}` : ''}`).join(', ');
    const tlsState = (host: string | undefined): Pick<ReportEntryPoint, 'tls' | 'tlsSecret' | 'tlsNote'> => {
      const t = routeTls(context, gateways, ns, rule.parents, host);
      return { tls: t.tls, ...(t.secret ? { tlsSecret: t.secret } : {}), ...(t.note ? { tlsNote: t.note } : {}) };
    };
    const r = rule.redirect;
    const redirectTo = r && `${r.scheme ?? ''}${r.scheme ? '://' : ''}${r.hostname ?? '(same host)'}${r.port ? `:${r.port}` : ''}`;
    const backends = r
      ? [{ backend: `redirect ${redirectTo}`, targets: [] as string[] }]
      : rule.backends.map((b) => ({ backend: `${b.namespace !== ns ? `${b.namespace}/` : ''}${b.name}:${b.port ?? '?'}`, targets: targetsOf(b) }));
    for (const host of rule.hosts.length ? rule.hosts : ['*']) {
      const tls = tlsState(host === '*' ? undefined : host);
      for (const m of rule.matches) {
        const match = `${m.path} (${m.pathType})${m.method ? ` ${m.method}` : ''}${m.headers ? ' +headers' : ''}`;
        for (const b of backends) out.push({ ...base, gateway, host, match, ...b, ...tls });
      }
    }
  }
  return out;
}
