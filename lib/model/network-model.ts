import type { IConstruct } from 'constructs';
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import { Cni } from '../cni';
import type { DnsTarget } from './flows/cilium';
import { ciliumPolicySides } from './flows/cilium';
import type { UnrenderedFlow } from './flows/cni-render';
import { resolveForCni } from './flows/cni-render';
import type { ClusterNames } from './flows/cluster-names';
import type { Flow } from './flows/flow-graph';
import { FlowGraph } from './flows/flow-graph';
import type { PolicySide } from './flows/render';
import { policySides } from './flows/render';
import { egressPortResolver } from './flows/egress-ports';
import type { Guardrail } from '../util/guardrail';
import type { ForbidInternetEgressOptions, ForbidOptions, RequireTlsOptions } from './guardrails';
import { forbidGuardrail, forbidInternetEgressGuardrail, requireTlsGuardrail } from './guardrails';
import { AddressBook } from './flows/addresses';
import type { NetworkReportOptions } from '../report/options';
import type { NetworkSynthOptions } from './options';
import { ValidationError } from '../util/errors';
import { check, cidr, dns1123Subdomain, intInRange, invalid, objectName } from '../util/validation';
import { PlainApiObject } from '../util/api-object';

/** The construct id of the app-wide model under the cdk8s App. */
const MODEL_ID = 'cdk8s-networking';

/** A namespace whose pods are isolated by default: policies for flows are written into it. */
export interface IZeroTrustScope extends IConstruct {
  /** The namespace name. */
  readonly name: string;
}

/**
 * The phases of a synth, in the order they run. Each step names its phase instead of relying on
 * the order in which it was added; within a phase, steps run in the order they were added.
 */
export enum SynthPhase {
  /** Objects are added: routes rendered at synth, then the NetworkPolicies of the flow graph. */
  RENDER = 'render',
  /** The output layout is checked (no two objects written to one file). */
  LAYOUT = 'layout',
  /** Every object of the app is decorated, e.g. with Argo CD sync waves. Nothing is added after it. */
  ANNOTATE = 'annotate',
  /** The final JSON is checked and the flows are verified against the policies. */
  CHECK = 'check',
  /** The network report is prepared from what the checks computed. */
  REPORT = 'report',
}

/** Every phase, in the order the pipeline runs them. */
export const SYNTH_PHASES: readonly SynthPhase[] = [
  SynthPhase.RENDER, SynthPhase.LAYOUT, SynthPhase.ANNOTATE, SynthPhase.CHECK, SynthPhase.REPORT,
];

/** A step that runs once at every synth of the app, in its phase. */
export interface ISynthStep {
  /** A unique name; adding a second step with the same name does nothing. */
  readonly name: string;
  /** When the step runs. */
  readonly phase: SynthPhase;
  /** Runs the step on the app's model. */
  run(model: NetworkModel): void;
}

/**
 * Installs what runs at synth on a new model. The synth layer (lib/synth) registers the pipeline
 * here when the package loads, so that the model, below it, does not import it.
 */
type ModelInitializer = (model: NetworkModel) => void;
const initializers: ModelInitializer[] = [];

/** @internal Registers what every new model gets (the synth pipeline); called once by lib/synth. */
export function onNewModel(init: ModelInitializer): void {
  if (!initializers.includes(init)) initializers.push(init);
}

/**
 * The app-wide network model: the flow graph, the zero-trust namespaces, the names claimed in each
 * namespace, and the steps that run at `app.synth()`. There is one per cdk8s App, created on
 * first use under the App with the id `cdk8s-networking`.
 *
 * NetworkPolicies for flows are rendered from the graph when the app validates (the first step of
 * `app.synth()` and `app.synthYaml()`), so an allow declared after a construct was made still lands.
 */
export class NetworkModel extends Construct {
  /** The model of the App that `scope` belongs to. */
  public static of(scope: IConstruct): NetworkModel {
    const root = scope.node.root;
    return (root.node.tryFindChild(MODEL_ID) as NetworkModel | undefined) ?? new NetworkModel(root, MODEL_ID);
  }

  /** @internal Every declared flow. */
  public readonly _graph = new FlowGraph();
  /** @internal The addresses apps expose and the env values that may use them (checked at synth). */
  public readonly _addresses = new AddressBook();
  private readonly zeroTrust = new Map<string, IZeroTrustScope>();
  private readonly claimed = new Map<string, string>();
  private readonly clusterDomains = new Set<string>();
  private readonly steps: ISynthStep[] = [];
  private readonly rendered: PolicySide[] = [];
  private readonly renderedCilium: PolicySide[] = [];
  private resolved: Flow[] = [];
  private unrendered: UnrenderedFlow[] = [];
  private prepared = false;
  private readonly renderers: (() => void)[] = [];
  private synthOptions: NetworkSynthOptions = {};
  private readonly rails: Guardrail[] = [];

  private constructor(scope: IConstruct, id: string) {
    super(scope, id);
    if (initializers.length === 0) {
      throw new Error(`${this.node.path}: the synth pipeline is not loaded; import the library from its entry point ('cdk8s-networking'), not a ` +
        `deep path`);
    }
    for (const init of initializers) init(this);
  }

  /**
   * Sets options of the synth-time checks, the flow verification and the network report
   * (lib/checks, lib/report); each call merges into the earlier ones. Choose the `cni` before
   * `app.synth()`: the policies are rendered for it once, when synthesis starts.
   */
  public configure(options: NetworkSynthOptions): void {
    const field = 'NetworkModel.configure()';
    const o = options ?? {};
    if (o.cni !== undefined && !(o.cni instanceof Cni)) {
      throw invalid(this, `${field} cni`, o.cni, 'must be Cni.generic(), Cni.cilium() or Cni.flannel()');
    }
    const podCidrs: unknown = o.cni?.podCidrs;
    if (podCidrs !== undefined) {
      if (!Array.isArray(podCidrs)) throw invalid(this, `${field} cni podCidrs`, podCidrs, 'must be a list of CIDRs');
      for (const c of podCidrs) check(this, `${field} cni podCidrs`, c, cidr);
    }
    // The policies are rendered for the CNI once, when synthesis starts (the checks and the report run at every synth).
    if (this.prepared && o.cni !== undefined && String(o.cni) !== String(this.cni)) {
      throw invalid(this, `${field} cni`, String(o.cni), `must be chosen before app.synth(): the policies are already rendered for ${this.cni}`);
    }
    if (o.strict !== undefined && typeof o.strict !== 'boolean') throw invalid(this, `${field} strict`, o.strict, 'must be true or false');
    for (const list of ['skipChecks', 'externalBackends', 'sharedNamespaces'] as const) {
      const value: unknown = o[list];
      if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
        throw invalid(this, `${field} ${list}`, value, 'must be a list of strings');
      }
    }
    if (o.report !== undefined && o.report !== false && (typeof o.report !== 'object' || o.report === null)) {
      throw invalid(this, `${field} report`, o.report, 'must be report options { markdownFile, jsonFile, ... } or false');
    }
    if (o.report) this.checkReportOptions(`${field} report`, o.report);
    this.synthOptions = { ...this.synthOptions, ...o };
  }

  /** Report options that would give a broken report: a heading over two lines, a budget that is no number. */
  private checkReportOptions(field: string, r: NetworkReportOptions): void {
    if (r.title !== undefined && (typeof r.title !== 'string' || /[\r\n]/.test(r.title))) {
      throw invalid(this, `${field}.title`, r.title, 'must be one line of text: it is the heading of the Markdown report');
    }
    if (r.clusterDomain !== undefined) check(this, `${field}.clusterDomain`, r.clusterDomain, dns1123Subdomain);
    for (const [key, value] of Object.entries(r.diagramBudget ?? {})) {
      check(this, `${field}.diagramBudget.${key}`, value as number, intInRange(0, 1_000_000, 'a whole number'));
    }
  }

  /** The CNI the policies are rendered for (`configure({ cni })`). */
  public get cni(): Cni {
    return this.synthOptions.cni ?? Cni.generic();
  }

  /** The options set with `configure()`. */
  public get options(): NetworkSynthOptions {
    return this.synthOptions;
  }

  /** Registers a zero-trust namespace; its name must be unique in the app. */
  public registerZeroTrustNamespace(ns: IZeroTrustScope): void {
    const prior = this.zeroTrust.get(ns.name);
    if (prior) {
      throw new ValidationError(`${ns.node.path}: name "${ns.name}" is invalid: namespace "${ns.name}" is already declared at ${prior.node.path}`);
    }
    this.zeroTrust.set(ns.name, ns);
  }

  /** Whether `namespace` is a zero-trust namespace of this app. */
  public isZeroTrust(namespace: string): boolean {
    return this.zeroTrust.has(namespace);
  }

  /** The zero-trust namespaces, by name. */
  public get zeroTrustNamespaces(): IZeroTrustScope[] {
    return [...this.zeroTrust.keys()].sort().map((k) => this.zeroTrust.get(k)!);
  }

  /**
   * Claims an object name in a namespace, so that two constructs cannot emit the same object.
   * @param kind the object kind, e.g. `Service`
   */
  public claimName(scope: IConstruct, field: string, kind: string, namespace: string, name: string): void {
    const key = `${namespace}/${kind}/${name}`;
    const prior = this.claimed.get(key);
    if (prior !== undefined && prior !== scope.node.path) {
      throw new ValidationError(`${scope.node.path}: ${field} "${name}" is invalid: a ${kind} named "${name}" already exists ` +
        `in namespace "${namespace}" ` +
        `(declared at ${prior})`);
    }
    this.claimed.set(key, scope.node.path);
  }

  /** @internal Records a cluster DNS domain a construct of the app uses (its `clusterDomain`). */
  public _addClusterDomain(domain: string): void {
    this.clusterDomains.add(domain);
  }

  /**
   * @internal The cluster's names as the app knows them: the report's cluster domain (or
   * `cluster.local`) first, then `cluster.local` and every construct's `clusterDomain`; and the
   * Services the app's constructs declare.
   */
  public get _clusterNames(): ClusterNames {
    const report = this.synthOptions.report;
    const first = (report ? report.clusterDomain : undefined) ?? 'cluster.local';
    // The app's objects, read once and only when a name needs them (hand-written Services, namespaces).
    let objects: { services: Map<string, string>; namespaces: Set<string> } | undefined;
    const appObjects = () => objects ??= this.appObjects();
    return {
      domains: [...new Set([first, 'cluster.local', ...[...this.clusterDomains].sort()])],
      serviceAt: (namespace, name) => this.claimed.get(`${namespace}/Service/${name}`) ?? appObjects().services.get(`${namespace}/${name}`),
      hasNamespace: (name) => this.zeroTrust.has(name) || appObjects().namespaces.has(name),
    };
  }

  /**
   * The Services of the app by `namespace/name` (construct path of each, those made by hand with
   * cdk8s or cdk8s-plus included) and the namespaces it creates or has objects in. An object with
   * no namespace lands in `default`, as the checks read it.
   */
  private appObjects(): { services: Map<string, string>; namespaces: Set<string> } {
    const services = new Map<string, string>();
    const namespaces = new Set<string>();
    for (const c of this.node.root.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      const ns = c.metadata.namespace || 'default';
      if (c.kind === 'Namespace' && c.apiVersion === 'v1') {
        if (c.name) namespaces.add(c.name);
        continue;
      }
      namespaces.add(ns);
      const key = `${ns}/${c.name}`;
      if (c.kind === 'Service' && c.apiVersion === 'v1' && !services.has(key)) services.set(key, c.node.path);
    }
    return { services, namespaces };
  }

  /**
   * A guardrail: `from` must not be able to open any connection to `to`. Checked at every synth
   * on what the rendered NetworkPolicies allow, hand-written ones included; a violation fails synth
   * with the guardrail, its reason, the flow and the construct that declared (or the policy that
   * allowed) it. The report records it, so `cdk8s-networking diff` checks it on later outputs too.
   *
   * Pods outside the app count as far as policies name them: `Peer.namespace('public')` stands
   * for every pod of `public`, and an allow for every pod of it (or of every namespace) is caught.
   */
  public forbid(options: ForbidOptions): void {
    this.addGuardrail(forbidGuardrail(this, options));
  }

  /**
   * A guardrail: every entry point (Ingress or HTTPRoute rule) must serve TLS. An HTTPRoute
   * redirect passes when it sends the client to `https`; one to `http`, or one without a scheme
   * (which keeps the request's) served on a plain-HTTP listener, is a violation.
   */
  public requireTls(options: RequireTlsOptions = {}): void {
    this.addGuardrail(requireTlsGuardrail(this, options));
  }

  /**
   * A guardrail: no workload may open connections to public addresses (anything outside the
   * private, shared, loopback and link-local ranges), nor have egress that no policy isolates,
   * except the pods and addresses listed.
   */
  public forbidInternetEgress(options: ForbidInternetEgressOptions = {}): void {
    this.addGuardrail(forbidInternetEgressGuardrail(this, options));
  }

  /** @internal The guardrails, in the order declared (the synth checks read them). */
  public get _guardrails(): readonly Guardrail[] {
    return this.rails;
  }

  private addGuardrail(g: Guardrail): void {
    if (this.prepared) {
      throw new ValidationError(`${this.node.path}: guardrail ${g.name} is invalid: declared after synthesis started; declare it before app.synth()`);
    }
    if (!this.rails.some((r) => JSON.stringify(r) === JSON.stringify(g))) this.rails.push(g);
  }

  /** @internal Records a flow in the graph; NetworkPolicies are rendered from it at synth. */
  public _addFlow(flow: Flow): Flow {
    if (this.prepared) {
      throw new ValidationError(`${flow.declaredBy.join(', ')}: flow from ${flow.from.name} to ${flow.to.name} is invalid: ` +
        'declared after synthesis started, when the policies were already rendered; declare it before app.synth()');
    }
    return this._graph.add(flow);
  }

  /**
   * @internal Adds objects at synth, before the flows' policies, in an order that does not depend on
   * the order of the declarations that led to them (e.g. one HTTPRoute per host, sorted by host).
   */
  public _addRenderer(render: () => void): void {
    if (this.prepared) throw new Error(`${this.node.path}: renderers must be added before synthesis`);
    this.renderers.push(render);
  }

  /**
   * Adds a step that runs at every synth, in its phase (see `SynthPhase`); within a phase, steps run
   * in the order they were added. A second step with the same name is ignored.
   */
  public addSynthStep(step: ISynthStep): void {
    if (!this.steps.some((s) => s.name === step.name)) this.steps.push(step);
  }

  /** The synth steps in the order they run: by phase, then in the order they were added. */
  public get synthSteps(): ISynthStep[] {
    return SYNTH_PHASES.flatMap((phase) => this.steps.filter((s) => s.phase === phase));
  }

  /** @internal The NetworkPolicies rendered from the flow graph (after `renderPolicies()`). */
  public get _renderedPolicies(): readonly PolicySide[] {
    return this.rendered;
  }

  /** @internal The CiliumNetworkPolicies rendered from the flow graph (after `renderPolicies()`; Cilium only). */
  public get _renderedCiliumPolicies(): readonly PolicySide[] {
    return this.renderedCilium;
  }

  /**
   * @internal The flows as rendered for the CNI (after `renderPolicies()`): well-known peers resolved to
   * ipBlocks, DNS names or entities. The flow verification compares these with the output.
   */
  public get _renderedFlows(): readonly Flow[] {
    return this.resolved;
  }

  /** @internal Declared flows the CNI could not render (reported as findings). */
  public get _unrenderedFlows(): readonly UnrenderedFlow[] {
    return this.unrendered;
  }

  /**
   * Renders the flow graph into NetworkPolicies, once. Called at synth; call it yourself only
   * when synthesizing charts one by one with `chart.toJson()`. (Not named `prepare()`: constructs
   * 10.3.0 and older refuse any construct with a method of that name, the construct API of cdk8s 1.)
   */
  public renderPolicies(): void {
    if (this.prepared) return;
    this.prepared = true;
    for (const render of this.renderers) render();
    const byName = new Map<string, PolicySide>();
    const add = (side: PolicySide, kind: 'NetworkPolicy' | 'CiliumNetworkPolicy') => {
      const owner = this.zeroTrust.get(side.namespace)!;
      const where = side.flow.declaredBy.join(', ');
      check(owner, `${kind} name for the flow declared at ${where}:`, side.name, objectName);
      const key = `${kind}/${side.namespace}/${side.name}`;
      const clash = byName.get(key);
      if (clash) {
        throw new ValidationError(`${where}: ${kind} name "${side.name}" is invalid: it clashes in namespace "${side.namespace}" `
          + `with the policy for the flow declared at ${clash.flow.declaredBy.join(', ')}; give one of the peers a distinct name`);
      }
      this.claimName(owner, `${kind} name`, kind, side.namespace, side.name);
      byName.set(key, side);
      if (kind === 'NetworkPolicy') {
        new PlainApiObject(owner, `Policy:${side.name}`, {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: side.name, namespace: side.namespace },
          spec: side.spec,
        });
        this.rendered.push(side);
      } else {
        new PlainApiObject(owner, `CiliumPolicy:${side.name}`, {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { name: side.name, namespace: side.namespace },
          spec: side.spec,
        });
        this.renderedCilium.push(side);
      }
    };
    const isZeroTrust = (ns: string) => this.isZeroTrust(ns);
    const flows = resolveForCni(this._graph.flows, this.cni, this._clusterNames);
    this.resolved = [...flows.standard, ...flows.cilium];
    this.unrendered = flows.unrendered;
    const shared = new Set(this.options.sharedNamespaces ?? []);
    const egressPorts = egressPortResolver(this.node.root, (ns) => isZeroTrust(ns) && !shared.has(ns));
    for (const flow of flows.standard) for (const side of policySides(flow, isZeroTrust, egressPorts)) add(side, 'NetworkPolicy');
    const dnsOf = (ns: string): DnsTarget | undefined => {
      // The flow to the DNS pods, not the one to dns.cidrs alone (when the pods listen on other ports).
      const dns = this._graph.flows.find((f: Flow) => f.kind === 'dns' && f.from.namespace === ns && f.from.podLabels === undefined
        && f.to.namespace !== undefined);
      return dns?.to.namespace !== undefined ? { namespace: dns.to.namespace, podLabels: dns.to.podLabels, ports: dns.ports } : undefined;
    };
    for (const flow of flows.cilium) for (const side of ciliumPolicySides(flow, isZeroTrust, dnsOf)) add(side, 'CiliumNetworkPolicy');
  }
}
