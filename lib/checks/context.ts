/**
 * What every check sees: the app's objects with indexes built once (pod templates by labels,
 * Services by name), and the NetworkPolicy evaluator over them, built on first use.
 */
import { NetworkPolicyEvaluator } from '../evaluator';
import { LabelIndex } from '../evaluator/label-index';
import { parsePolicy } from '../evaluator/policy';
import type { Selector } from '../evaluator/selector';
import { parseSelector } from '../evaluator/selector';
import { apiGroupOf } from '../evaluator/workloads';
import { ValidationError } from '../util/errors';
import type { ManifestObject, PodTemplate } from './objects';
import { namespaceOf, podTemplate } from './objects';
import type { RouteRule } from './routes';
import { routeRules } from './routes';

/**
 * The input of the checks.
 * @jsii ignore
 */
export interface CheckInput {
  /** Every object of the app, in synthesis order. */
  readonly objects: readonly ManifestObject[];
  /**
   * Namespaces whose pods the app fully defines (the app's ZeroTrustNamespaces): only there can a
   * selector that matches none of the app's pods be called dangling.
   * @default - none
   */
  readonly ownedNamespaces?: Iterable<string>;
  /**
   * Backend Services deployed outside the app, as `namespace/name`, that Ingress and HTTPRoute
   * backends may name.
   * @default - none
   */
  readonly externalBackends?: Iterable<string>;
  /**
   * The policies the library rendered from declared flows, as `namespace/name`: what they open is
   * declared, so checks about openings the proof cannot follow pass them by.
   * @default - none
   */
  readonly libraryPolicies?: Iterable<string>;
}

/**
 * The API groups of the kinds the checks read by name. Another group's kind of the same name is
 * another resource: Knative's `Service` (serving.knative.dev) is no core Service, Calico's
 * `NetworkPolicy` (projectcalico.org) no networking.k8s.io one. `extensions` held Ingress and
 * NetworkPolicy before Kubernetes 1.22 and 1.16.
 */
const KIND_GROUPS: Readonly<Record<string, readonly string[]>> = {
  Namespace: [''],
  Service: [''],
  Endpoints: [''],
  EndpointSlice: ['discovery.k8s.io'],
  NetworkPolicy: ['networking.k8s.io', 'extensions'],
  Ingress: ['networking.k8s.io', 'extensions'],
  Gateway: ['gateway.networking.k8s.io'],
  HTTPRoute: ['gateway.networking.k8s.io'],
  CiliumNetworkPolicy: ['cilium.io'],
};

/**
 * The indexed view of the objects that checks share.
 * @jsii ignore
 */
export class CheckContext {
  public readonly objects: readonly ManifestObject[];
  public readonly ownedNamespaces: ReadonlySet<string>;
  public readonly externalBackends: ReadonlySet<string>;
  public readonly libraryPolicies: ReadonlySet<string>;
  private readonly byKind = new Map<string, ManifestObject[]>();
  private readonly byApiKind = new Map<string, readonly ManifestObject[]>();
  private templateIndex?: Map<string, LabelIndex<PodTemplate>>;
  private templateList?: PodTemplate[];
  private serviceIndex?: Map<string, ManifestObject>;
  private policyEvaluator?: NetworkPolicyEvaluator;
  private routeList?: RouteRule[];

  public constructor(input: CheckInput) {
    this.objects = input.objects;
    this.ownedNamespaces = new Set(input.ownedNamespaces ?? []);
    this.externalBackends = new Set(input.externalBackends ?? []);
    this.libraryPolicies = new Set(input.libraryPolicies ?? []);
    for (const obj of this.objects) {
      const kind = String(obj.json?.kind ?? '');
      const list = this.byKind.get(kind);
      if (list) list.push(obj);
      else this.byKind.set(kind, [obj]);
    }
  }

  /**
   * Every object of a kind, in the kind's own API group where the checks know it (`KIND_GROUPS`:
   * a Knative `Service` is not a `Service`), of any group for other kinds.
   */
  public ofKind(kind: string): readonly ManifestObject[] {
    let list = this.byApiKind.get(kind);
    if (!list) {
      const all = this.byKind.get(kind) ?? [];
      const groups = KIND_GROUPS[kind];
      list = groups === undefined ? all : all.filter((o) => groups.includes(apiGroupOf(o.json?.apiVersion) ?? ''));
      this.byApiKind.set(kind, list);
    }
    return list;
  }

  /** Every rule of the app's Ingresses and HTTPRoutes, normalised (see `routes.ts`). */
  public get routes(): readonly RouteRule[] {
    if (!this.routeList) this.routeList = routeRules(this.ofKind('Ingress'), this.ofKind('HTTPRoute'));
    return this.routeList;
  }

  /** Every pod template of the app's workloads. */
  public get templates(): readonly PodTemplate[] {
    if (!this.templateList) this.templateList = this.objects.map(podTemplate).filter((t): t is PodTemplate => t !== undefined);
    return this.templateList;
  }

  /** The pod templates in `namespace` that `selector` (a LabelSelector, or a plain label map with `plain`) selects. */
  public selectTemplates(namespace: string, selector: Selector): readonly PodTemplate[] {
    if (!this.templateIndex) {
      this.templateIndex = new Map();
      for (const t of this.templates) {
        let index = this.templateIndex.get(t.namespace);
        if (!index) this.templateIndex.set(t.namespace, (index = new LabelIndex<PodTemplate>((x) => x.labels)));
        index.add(t);
      }
    }
    return this.templateIndex.get(namespace)?.select(selector) ?? [];
  }

  /** Pod templates whose labels include every entry of a plain label map (a Service selector). */
  public selectTemplatesByLabels(namespace: string, labels: Readonly<Record<string, unknown>>): readonly PodTemplate[] {
    return this.selectTemplates(namespace, parseSelector({ matchLabels: labels }, 'selector'));
  }

  /** The Service `namespace/name`, if the app has it. */
  public service(namespace: string, name: string): ManifestObject | undefined {
    if (!this.serviceIndex) {
      this.serviceIndex = new Map();
      for (const s of this.ofKind('Service')) this.serviceIndex.set(`${namespaceOf(s)}/${s.json?.metadata?.name}`, s);
    }
    return this.serviceIndex.get(`${namespace}/${name}`);
  }

  /**
   * The NetworkPolicy evaluator over the app's NetworkPolicies and Namespaces.
   * @throws ValidationError naming the construct path of a policy the evaluator cannot read (a port,
   *   selector or CIDR the API server refuses; the `networkpolicy-port` check reports ports first).
   */
  public get evaluator(): NetworkPolicyEvaluator {
    if (!this.policyEvaluator) {
      try {
        this.policyEvaluator = NetworkPolicyEvaluator.fromManifests(this.objects.map((o) => o.json));
      } catch (e) {
        throw unreadablePolicy(this.objects) ?? e;
      }
    }
    return this.policyEvaluator;
  }
}

/** The evaluator's error for the first NetworkPolicy it cannot read, prefixed with its construct path. */
function unreadablePolicy(objects: readonly ManifestObject[]): ValidationError | undefined {
  for (const o of objects) {
    if (o.json?.kind !== 'NetworkPolicy' || o.json?.apiVersion !== 'networking.k8s.io/v1') continue;
    try {
      parsePolicy(o.json);
    } catch (e) {
      return new ValidationError(`${o.path}: ${(e as Error).message}`);
    }
  }
  return undefined;
}
