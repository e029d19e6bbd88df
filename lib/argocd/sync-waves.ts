import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { Construct } from 'constructs';
import type { Rule } from '../util/validation';
import { formatValue, intInRange, invalid } from '../util/validation';
import { ValidationError } from '../util/errors';
import { nearMisses } from '../util/typos';

/** The annotation Argo CD reads to order a sync: objects of a lower wave are applied (and healthy) first. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * The default sync wave of each kind: namespaces first, then the policies that isolate them (so
 * `default-deny` is in place before any pod starts), then configuration and Services, then
 * workloads, and last what exposes the apps to the world. Kinds not listed get `defaultWave`.
 *
 * Within a wave Argo CD orders by kind itself (Namespace, NetworkPolicy, ..., Service, ...,
 * Deployment, ..., Ingress), and it waits for a wave to be healthy before it applies the next.
 */
export const DEFAULT_SYNC_WAVES: Readonly<Record<string, number>> = Object.freeze({
  // The namespaces, and the CRDs that objects of later waves may be instances of.
  Namespace: -3,
  CustomResourceDefinition: -3,
  // Isolation before anything runs. Cilium's policies too: they carry the flows a NetworkPolicy cannot
  // (toFQDNs, entities, Cilium's Ingress), and Argo CD applies a kind it does not know last within
  // its wave (gitops-engine pkg/sync/sync_tasks.go: kindOrder gives unknown kinds 0, after every
  // listed kind), so in the workloads' wave they would arrive after the pods.
  NetworkPolicy: -2,
  CiliumNetworkPolicy: -2,
  CiliumClusterwideNetworkPolicy: -2,
  // What pods need before they start, and the stable names they are reached by.
  ResourceQuota: -1,
  LimitRange: -1,
  ServiceAccount: -1,
  Role: -1,
  RoleBinding: -1,
  ClusterRole: -1,
  ClusterRoleBinding: -1,
  Secret: -1,
  ConfigMap: -1,
  PersistentVolumeClaim: -1,
  Service: -1,
  ReferenceGrant: -1,
  AppProject: -1,
  // Workloads.
  Deployment: 0,
  StatefulSet: 0,
  DaemonSet: 0,
  ReplicaSet: 0,
  Job: 0,
  CronJob: 0,
  Pod: 0,
  HorizontalPodAutoscaler: 0,
  PodDisruptionBudget: 0,
  // Exposure, once the backends are healthy.
  Ingress: 1,
  Gateway: 1,
  HTTPRoute: 1,
  GRPCRoute: 1,
  TLSRoute: 1,
  TCPRoute: 1,
  UDPRoute: 1,
});

/** Service types that expose pods outside the cluster; they join the wave of `Ingress`. */
const EXPOSING_SERVICE_TYPES = ['LoadBalancer', 'NodePort'];

/** Construct metadata that carries the type of a Service the library made. */
const SERVICE_TYPE_METADATA = 'cdk8s-networking:service-type';

/** @internal Records the type of a Service the library made, so its wave needs no rendering. */
export function recordServiceType(service: ApiObject, type: string): void {
  service.node.addMetadata(SERVICE_TYPE_METADATA, type);
}

function knownServiceType(service: ApiObject): string | undefined {
  return service.node.metadata.find((m) => m.type === SERVICE_TYPE_METADATA)?.data;
}

/** Options of the Argo CD sync-wave annotations. */
export interface SyncWavesOptions {
  /**
   * Annotate the objects of the app. Turn it off when you deploy with something other than
   * Argo CD and want no Argo CD annotations in the output.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Waves by kind (e.g. `{ HTTPRoute: 2 }`), merged over the current ones. A kind that no object of
   * the app has and the default table does not list, and that looks like a typo of one of either
   * (`Deploymnet`), is an error at synth.
   * @default DEFAULT_SYNC_WAVES
   */
  readonly waves?: Record<string, number>;
  /**
   * The wave of kinds that `waves` does not list.
   * @default 0 (Argo CD's own default)
   */
  readonly defaultWave?: number;
}

const WAVE = intInRange(-1_000_000, 1_000_000, 'a whole number');
const KIND: Rule<string> = (v) => (typeof v === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(v) ? undefined : 'must be a Kubernetes kind such as "Deployment"');
/** The construct id of the sync waves under the cdk8s App. */
const SYNC_WAVES_ID = 'cdk8s-networking-sync-waves';

/**
 * The Argo CD sync waves of an app: every API object of the app (including ones made directly
 * with cdk8s or cdk8s-plus) gets an `argocd.argoproj.io/sync-wave` annotation from its kind when
 * the app synthesizes, unless it already has one. On by default; one instance per cdk8s App.
 *
 * A Service of type LoadBalancer or NodePort gets the wave of `Ingress`: it exposes the app like
 * an Ingress does, and Argo CD holds a LoadBalancer Service Progressing until the cloud assigns
 * an address, which would otherwise hold back every later wave.
 *
 * @example
 * SyncWaves.of(app).configure({ waves: { HTTPRoute: 2 } });
 * SyncWaves.of(app).disable();
 */
export class SyncWaves extends Construct {
  /** The sync waves of the App that `scope` belongs to (one per App, created on first use). */
  public static of(scope: IConstruct): SyncWaves {
    const root = scope.node.root;
    return (root.node.tryFindChild(SYNC_WAVES_ID) as SyncWaves | undefined) ?? new SyncWaves(root);
  }

  /**
   * Annotates every API object of the app that `scope` belongs to; the network model's last synth step.
   * @internal
   */
  public static _apply(scope: IConstruct): void {
    SyncWaves.of(scope).applyTo(scope.node.root);
  }

  private enabled = true;
  private readonly waves: Record<string, number> = { ...DEFAULT_SYNC_WAVES };
  private defaultWave = 0;
  /** The kinds given in `configure({ waves })`, checked against the app's kinds at synth. */
  private readonly configured = new Set<string>();

  /** Objects this instance annotated, with the generation of the settings they were annotated with. */
  private readonly annotated = new WeakMap<ApiObject, number>();
  /** Bumped by every change of the settings, so that a later synth re-annotates. */
  private generation = 0;

  /** Set when the network model runs `apply` as its last synth step. */
  private deferred = false;

  private readonly root: IConstruct;

  private constructor(root: IConstruct) {
    super(root, SYNC_WAVES_ID);
    this.root = root;
    // Apps without the network model still get their waves at validation. With the model, its last
    // synth step annotates instead, after the policies are rendered and every check has run.
    this.node.addValidation({ validate: () => { if (!this.deferred) this.applyTo(root); return []; } });
  }

  /**
   * Leaves the annotating to the network model's last synth step.
   * @internal
   */
  public _deferToModel(): void {
    this.deferred = true;
  }

  /** Whether objects are annotated. */
  public get isEnabled(): boolean {
    return this.enabled;
  }

  /** Changes the waves; what `options` leaves out stays as it was. */
  public configure(options: SyncWavesOptions): this {
    for (const [kind, wave] of Object.entries(options.waves ?? {})) {
      this.check('syncWaves.waves key', kind, KIND);
      this.check(`syncWaves.waves[${JSON.stringify(kind)}]`, wave, WAVE);
    }
    if (options.defaultWave !== undefined) this.check('syncWaves.defaultWave', options.defaultWave, WAVE);
    if (options.enabled !== undefined) this.enabled = options.enabled;
    Object.assign(this.waves, options.waves ?? {});
    for (const kind of Object.keys(options.waves ?? {})) this.configured.add(kind);
    if (options.defaultWave !== undefined) this.defaultWave = options.defaultWave;
    this.generation++;
    return this;
  }

  /** Turns the annotations off. */
  public disable(): this {
    this.enabled = false;
    this.generation++;
    return this;
  }

  /** The wave of a kind. */
  public waveOf(kind: string): number {
    return Object.prototype.hasOwnProperty.call(this.waves, kind) ? this.waves[kind] : this.defaultWave;
  }

  /** The waves by kind, sorted by kind. */
  public get table(): Readonly<Record<string, number>> {
    return Object.fromEntries(Object.keys(this.waves).sort().map((k) => [k, this.waves[k]]));
  }

  /** The library's error format; the App's own path is empty, so it is called `App`. */
  private check<T>(field: string, value: T, rule: Rule<T>): void {
    const broken = rule(value);
    if (broken) throw new ValidationError(`${this.root.node.path || 'App'}: ${field} ${formatValue(value)} is invalid: ${broken}`);
  }

  private applyTo(root: IConstruct): void {
    if (!this.enabled) return;
    const kinds = new Set<string>();
    for (const c of root.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      const obj = c as ApiObject;
      kinds.add(obj.kind);
      const gen = this.annotated.get(obj);
      if (gen === this.generation) continue;
      if (gen === undefined && hasOwnWave(obj)) continue;
      obj.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(this.waveFor(obj)));
      this.annotated.set(obj, this.generation);
    }
    this.checkConfiguredKinds(kinds);
  }

  /**
   * A kind given a wave that no object of the app has, that the default table does not list, and that
   * looks like a typo of one of either (`Deploymnet`), would give its wave to nothing without a word.
   * Kinds the app simply does not have (a wave table shared between apps) are fine.
   */
  private checkConfiguredKinds(kinds: ReadonlySet<string>): void {
    for (const kind of [...this.configured].sort()) {
      // A kind the default table lists is a real kind, however close to another (HTTPRoute, TCPRoute).
      if (kinds.has(kind) || Object.prototype.hasOwnProperty.call(DEFAULT_SYNC_WAVES, kind)) continue;
      const near = nearMisses(kind, [...kinds, ...Object.keys(DEFAULT_SYNC_WAVES)]);
      if (near.length === 0) continue;
      throw new ValidationError(`${this.root.node.path || 'App'}: syncWaves.waves key ${formatValue(kind)} is invalid: no object of the app has `
        + `this kind, and it looks like a typo of ${near.map((k) => formatValue(k)).join(' or ')}; use the kind as the objects spell it `
        + `(kinds in the app: ${[...kinds].sort().join(', ')})`);
    }
  }

  private waveFor(obj: ApiObject): number {
    if (obj.kind === 'Service' && obj.apiVersion === 'v1') {
      let type: unknown;
      try {
        type = knownServiceType(obj) ?? obj.toJson()?.spec?.type;
      } catch (e) {
        throw invalid(obj, 'Service', obj.name, `cannot be read to choose its sync wave: ${(e as Error).message}`);
      }
      if (typeof type === 'string' && EXPOSING_SERVICE_TYPES.includes(type)) return this.waveOf('Ingress');
    }
    return this.waveOf(obj.kind);
  }
}

/**
 * Whether an object already carries a sync-wave annotation. cdk8s keeps the annotations in a plain
 * object on the metadata; reading it is much cheaper than rendering the metadata for every object.
 */
function hasOwnWave(obj: ApiObject): boolean {
  const own = (obj.metadata as unknown as { annotations?: unknown }).annotations;
  if (own !== null && typeof own === 'object') return Object.prototype.hasOwnProperty.call(own, SYNC_WAVE_ANNOTATION);
  return obj.metadata.toJson()?.annotations?.[SYNC_WAVE_ANNOTATION] !== undefined;
}
