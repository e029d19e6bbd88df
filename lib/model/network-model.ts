import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import type { NetworkSynthOptions } from './checks/options';
import { registerDefaultSynthSteps } from './checks/synth';
import { Flow, FlowGraph } from './flows/flow-graph';
import { PolicySide, policySides } from './flows/render';
import { appOf, checkOutputLayout } from './output/layout';
import { SyncWaves } from './sync-waves';
import { check, objectName } from './validation';

/** The construct id of the app-wide model under the cdk8s App. */
const MODEL_ID = 'cdk8s-networking';

/** A namespace whose pods are isolated by default: policies for flows are written into it. */
export interface IZeroTrustScope extends IConstruct {
  /** The namespace name. */
  readonly name: string;
}

/** A step run once per synth, after policies are rendered (checks, verification, report). */
export type SynthStep = (model: NetworkModel) => void;

/** Options of a synth step. */
export interface SynthStepOptions {
  /**
   * Run after every step without this option, when no step adds objects any more: for steps that
   * decorate every object of the app, such as the Argo CD sync-wave annotations.
   * @default false
   */
  readonly last?: boolean;
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

  /** Every declared flow. */
  public readonly graph = new FlowGraph();
  private readonly zeroTrust = new Map<string, IZeroTrustScope>();
  private readonly claimed = new Map<string, string>();
  private readonly steps: { name: string; step: SynthStep; last: boolean }[] = [];
  private readonly rendered: PolicySide[] = [];
  private prepared = false;
  private readonly renderers: (() => void)[] = [];
  private readonly afterSynthHooks: (() => void)[] = [];
  private synthOptions: NetworkSynthOptions = {};
  /** Set while `app.synth()` or `app.synthYaml()` runs; see `runStepsOncePerSynth`. */
  private session?: { validated: boolean; rendered: ApiObject[] };

  private constructor(scope: IConstruct, id: string) {
    super(scope, id);
    this.node.addValidation({
      validate: () => {
        if (this.session?.validated) return [];
        this.prepare();
        for (const { step } of this.steps.filter((s) => !s.last)) step(this);
        for (const { step } of this.steps.filter((s) => s.last)) step(this);
        if (this.session) this.session.validated = true;
        return [];
      },
    });
    // GitOps output: refuse layouts that would drop a file, and annotate Argo CD sync waves last.
    const app = appOf(this);
    if (app) this.addSynthStep('output-layout', () => checkOutputLayout(app));
    SyncWaves.of(this)._deferToModel();
    this.addSynthStep('argocd-sync-waves', () => SyncWaves._apply(this), { last: true });
    // Cross-object checks, flow verification and the network report (lib/checks, lib/report), after
    // the sync waves so that the JSON they read is final and can be written as it is.
    registerDefaultSynthSteps(this);
    this.runStepsOncePerSynth(scope);
  }

  /**
   * cdk8s validates the whole app once in `app.synth()` and then again inside every
   * `chart.toJson()` it calls, once per chart: with one chart per namespace that would run the
   * checks and the flow verification once per chart, quadratic in the app's size. Within one
   * `synth()`/`synthYaml()` call nothing changes between those validations, so the steps run once.
   * cdk8s has no hook after synthesis either, so this wrapper also runs the after-synth hooks
   * (the network report) once `synth()` has written the manifests.
   */
  private runStepsOncePerSynth(root: IConstruct): void {
    const app = root as unknown as Record<string, unknown>;
    for (const method of ['synth', 'synthYaml']) {
      const original = app[method];
      if (typeof original !== 'function') continue;
      const model = this;
      app[method] = function synthOnce(this: unknown, ...args: unknown[]) {
        if (model.session) return original.apply(this, args);
        model.session = { validated: false, rendered: [] };
        try {
          const result = original.apply(this, args);
          if (method === 'synth') for (const hook of model.afterSynthHooks) hook();
          return result;
        } finally {
          for (const obj of model.session.rendered) delete (obj as { toJson?: unknown }).toJson;
          model.session = undefined;
        }
      };
    }
  }

  /**
   * @internal Renders an object's JSON once per synth: the checks read it and cdk8s then writes the
   * same JSON instead of rendering the object again. Outside a synth it simply renders.
   */
  public _renderOnce(obj: ApiObject): any {
    const json = obj.toJson();
    if (this.session) {
      Object.defineProperty(obj, 'toJson', { value: () => json, configurable: true, writable: true });
      this.session.rendered.push(obj);
    }
    return json;
  }

  /**
   * Sets options of the synth-time checks, the flow verification and the network report
   * (lib/checks, lib/report); each call merges into the earlier ones.
   */
  public configure(options: NetworkSynthOptions): void {
    this.synthOptions = { ...this.synthOptions, ...options };
  }

  /** The options set with `configure()`. */
  public get options(): NetworkSynthOptions {
    return this.synthOptions;
  }

  /** Registers a zero-trust namespace; its name must be unique in the app. */
  public registerZeroTrustNamespace(ns: IZeroTrustScope): void {
    const prior = this.zeroTrust.get(ns.name);
    if (prior) {
      throw new Error(`${ns.node.path}: name "${ns.name}" is invalid: namespace "${ns.name}" is already declared at ${prior.node.path}`);
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
      throw new Error(`${scope.node.path}: ${field} "${name}" is invalid: a ${kind} named "${name}" already exists in namespace "${namespace}" (declared at ${prior})`);
    }
    this.claimed.set(key, scope.node.path);
  }

  /** Records a flow in the graph; NetworkPolicies are rendered from it at synth. */
  public addFlow(flow: Flow): Flow {
    if (this.prepared) {
      throw new Error(`${flow.declaredBy.join(', ')}: flow from ${flow.from.name} to ${flow.to.name} is invalid: declared after synthesis started`);
    }
    return this.graph.add(flow);
  }

  /** @internal Runs `hook` after each successful `app.synth()`, once the manifests are written. */
  public _afterSynth(hook: () => void): void {
    this.afterSynthHooks.push(hook);
  }

  /**
   * @internal Adds objects at synth, before the flows' policies, in an order that does not depend on
   * the order of the declarations that led to them (e.g. one HTTPRoute per host, sorted by host).
   */
  public _addRenderer(render: () => void): void {
    if (this.prepared) throw new Error(`${this.node.path}: renderers must be added before synthesis`);
    this.renderers.push(render);
  }

  /** Adds a step that runs at every synth, after policies are rendered; steps run in the order added. */
  public addSynthStep(name: string, step: SynthStep, options: SynthStepOptions = {}): void {
    if (!this.steps.some((s) => s.name === name)) this.steps.push({ name, step, last: options.last ?? false });
  }

  /** The NetworkPolicies rendered from the flow graph (after `prepare()`). */
  public get renderedPolicies(): readonly PolicySide[] {
    return this.rendered;
  }

  /**
   * Renders the flow graph into NetworkPolicies, once. Called at synth; call it yourself only
   * when synthesizing charts one by one with `chart.toJson()`.
   */
  public prepare(): void {
    if (this.prepared) return;
    this.prepared = true;
    for (const render of this.renderers) render();
    const byName = new Map<string, PolicySide>();
    for (const flow of this.graph.flows) {
      for (const side of policySides(flow, (ns) => this.isZeroTrust(ns))) {
        const owner = this.zeroTrust.get(side.namespace)!;
        const where = flow.declaredBy.join(', ');
        check(owner, `NetworkPolicy name for the flow declared at ${where}:`, side.name, objectName);
        const key = `${side.namespace}/${side.name}`;
        const clash = byName.get(key);
        if (clash) {
          throw new Error(`${where}: NetworkPolicy name "${side.name}" is invalid: it clashes in namespace "${side.namespace}" with the policy for the flow declared at ${clash.flow.declaredBy.join(', ')}; give one of the peers a distinct name`);
        }
        this.claimName(owner, 'NetworkPolicy name', 'NetworkPolicy', side.namespace, side.name);
        byName.set(key, side);
        new k8s.KubeNetworkPolicy(owner, `Policy:${side.name}`, {
          metadata: { name: side.name, namespace: side.namespace },
          spec: side.spec as unknown as k8s.NetworkPolicySpec,
        });
        this.rendered.push(side);
      }
    }
  }
}
