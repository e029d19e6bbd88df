import type { ApiObject } from 'cdk8s';
import { Lazy } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { Construct } from 'constructs';
import { NetworkModel } from '../model/network-model';
import { check, checkLabels, checkProps, invalid } from '../util/validation';
import type { ArgoCdSourceOptions, ArgoCdSyncOptions } from './common';
import {
  applicationName, ARGOCD_NAMESPACE,
  optionalNamespace, resolveSource, resolveSync, serverUrl,
} from './common';
import { PlainApiObject } from '../util/api-object';

/** One cluster of a list generator. */
export interface ClusterTarget {
  /**
   * A short name for the cluster (a DNS-1123 label), used in the Application name:
   * `<name>-<applicationName>`.
   */
  readonly name: string;
  /** The cluster's API server URL, as registered in Argo CD. */
  readonly server: string;
}

/** @internal What a generator contributes to an ApplicationSet. */
export interface BoundGenerator {
  /** One entry of `spec.generators`. */
  readonly generator: Record<string, unknown>;
  /** The parameter that holds a DNS-safe cluster name. */
  readonly nameParam: string;
}

/**
 * The clusters an `ArgoCdApplicationSet` rolls out to: a fixed list, or every cluster registered
 * in Argo CD whose cluster secret carries some labels.
 */
export abstract class ClusterGenerator {
  /** These clusters, by name and API server URL (a list generator). */
  public static list(clusters: ClusterTarget[]): ClusterGenerator {
    return new ListGenerator(clusters);
  }

  /**
   * Every cluster registered in Argo CD whose cluster secret has these labels (a cluster
   * generator), e.g. `{ env: 'prod' }`. The Application name uses the cluster's `nameNormalized`,
   * since registered names (EKS ARNs, for example) are often not valid object names.
   * @param matchLabels labels of the cluster secrets; none means every registered cluster
   */
  public static selector(matchLabels: Record<string, string> = {}): ClusterGenerator {
    return new SelectorGenerator(matchLabels);
  }

  /** @internal */
  public abstract _bind(scope: IConstruct, applicationName: string): BoundGenerator;
}

class ListGenerator extends ClusterGenerator {
  public constructor(private readonly clusters: ClusterTarget[]) { super(); }

  public _bind(scope: IConstruct, app: string): BoundGenerator {
    if (!Array.isArray(this.clusters) || this.clusters.length === 0) {
      throw invalid(scope, 'generator clusters', this.clusters, 'must list at least one cluster');
    }
    const names = new Set<string>();
    const elements = this.clusters.map((c, i) => {
      checkProps(scope, `generator clusters[${i}]`, c, 'name, server');
      check(scope, `generator clusters[${i}].name`, c.name, applicationName);
      check(scope, `Application name for generator clusters[${i}]`, `${c.name}-${app}`, applicationName);
      check(scope, `generator clusters[${i}].server`, c.server, serverUrl);
      if (names.has(c.name)) throw invalid(scope, `generator clusters[${i}].name`, c.name, 'must be unique: it names the generated Application');
      names.add(c.name);
      return { name: c.name, server: c.server };
    });
    return { generator: { list: { elements } }, nameParam: 'name' };
  }
}

class SelectorGenerator extends ClusterGenerator {
  public constructor(private readonly matchLabels: Record<string, string>) { super(); }

  public _bind(scope: IConstruct): BoundGenerator {
    checkLabels(scope, 'generator matchLabels', this.matchLabels);
    const labels = Object.keys(this.matchLabels).sort();
    const selector = labels.length ? { selector: { matchLabels: Object.fromEntries(labels.map((k) => [k, this.matchLabels[k]])) } } : {};
    return { generator: { clusters: selector }, nameParam: 'nameNormalized' };
  }
}

/** Props of an `ArgoCdApplicationSet`. */
export interface ArgoCdApplicationSetProps extends ArgoCdSourceOptions, ArgoCdSyncOptions {
  /**
   * The ApplicationSet name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace of the ApplicationSet object.
   * @default 'argocd'
   */
  readonly namespace?: string;
  /** The clusters to roll out to. */
  readonly generator: ClusterGenerator;
  /**
   * The second half of each generated Application's name: `<cluster>-<applicationName>`.
   * @default - the ApplicationSet name
   */
  readonly applicationName?: string;
  /**
   * The namespace for objects that name none, in every cluster.
   * @default - none: every namespaced object this library emits names its namespace
   */
  readonly destinationNamespace?: string;
}

/**
 * An Argo CD ApplicationSet that deploys the same synthesized output to several clusters: one
 * Application per cluster, named `{{name}}-<applicationName>` (list generator) or
 * `{{nameNormalized}}-<applicationName>` (cluster generator), with the same source and sync
 * policy as `ArgoCdApplication`.
 *
 * @example
 * new ArgoCdApplicationSet(argocd, 'shop', {
 *   repoURL: 'https://github.com/acme/platform.git',
 *   path: 'dist',
 *   generator: ClusterGenerator.selector({ env: 'prod' }),
 * });
 */
export class ArgoCdApplicationSet extends Construct {
  /** The ApplicationSet name. */
  public readonly name: string;
  /** The namespace of the ApplicationSet object. */
  public readonly namespace: string;
  /** The template of the generated Applications' names, e.g. `{{name}}-shop`. */
  public readonly applicationNameTemplate: string;
  /** The ApplicationSet API object, for anything this construct does not cover. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: ArgoCdApplicationSetProps) {
    super(scope, id);
    checkProps(this, 'props', props, 'repoURL, path, generator');
    this.name = check(this, 'name', props.name ?? id, applicationName);
    this.namespace = optionalNamespace(this, 'namespace', props.namespace) ?? ARGOCD_NAMESPACE;
    const app = check(this, 'applicationName', props.applicationName ?? this.name, applicationName);
    if (!(props.generator instanceof ClusterGenerator)) {
      throw invalid(this, 'generator', String(props.generator), 'must be ClusterGenerator.list(...) or ClusterGenerator.selector(...)');
    }
    const bound = props.generator._bind(this, app);
    this.applicationNameTemplate = `{{${bound.nameParam}}}-${app}`;
    const sync = resolveSync(this, props);
    const source = resolveSource(this, props);
    const namespace = optionalNamespace(this, 'destinationNamespace', props.destinationNamespace);

    NetworkModel.of(this).claimName(this, 'name', 'ApplicationSet', this.namespace, this.name);

    this.apiObject = new PlainApiObject(this, 'Resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        generators: [bound.generator],
        template: {
          metadata: {
            name: this.applicationNameTemplate,
            ...(sync.finalizers.length ? { finalizers: sync.finalizers } : {}),
          },
          spec: {
            project: sync.project,
            source: Lazy.any({ produce: () => source.toJson() }),
            destination: { server: '{{server}}', ...(namespace ? { namespace } : {}) },
            syncPolicy: sync.syncPolicy,
          },
        },
      },
    });
  }
}
