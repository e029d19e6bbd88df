import type { ApiObject } from 'cdk8s';
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { NetworkModel } from '../model/network-model';
import { check, checkProps } from '../util/validation';
import type { ArgoCdDestination, ArgoCdSourceOptions, ArgoCdSyncOptions } from './common';
import {
  applicationName, ARGOCD_NAMESPACE,
  optionalNamespace, resolveDestination, resolveSource, resolveSync,
} from './common';
import { PlainApiObject } from '../util/api-object';

/** Props of an `ArgoCdApplication`. */
export interface ArgoCdApplicationProps extends ArgoCdSourceOptions, ArgoCdSyncOptions {
  /**
   * The Application name (a DNS-1123 subdomain of at most 63 characters).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace of the Application object: the one Argo CD watches.
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Where to deploy.
   * @default - the cluster Argo CD runs in (`https://kubernetes.default.svc`)
   */
  readonly destination?: ArgoCdDestination;
}

/**
 * An Argo CD Application (`argoproj.io/v1alpha1`) that deploys the synthesized output of this app
 * from Git: a plain directory (or Kustomize) source, automated sync with prune and self-heal,
 * `CreateNamespace=false` because ZeroTrustNamespace owns the namespaces, and `PruneLast=true`.
 *
 * Put it in a chart of its own (e.g. `argocd`): by default the Application deploys every manifest
 * in `path` except the files holding Argo CD objects, so Applications never land in the
 * destination cluster. Apply that chart's file once (`kubectl apply -f dist/argocd.k8s.yaml`) or
 * point an app-of-apps parent at it (`charts: [argocdChart]`).
 *
 * @example
 * new ArgoCdApplication(argocd, 'shop', {
 *   repoURL: 'https://github.com/acme/platform.git',
 *   path: 'dist',
 * });
 */
export class ArgoCdApplication extends Construct {
  /** The Application name. */
  public readonly name: string;
  /** The namespace of the Application object. */
  public readonly namespace: string;
  /** The Application API object, for anything this construct does not cover. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    checkProps(this, 'props', props, 'repoURL, path');
    this.name = check(this, 'name', props.name ?? id, applicationName);
    this.namespace = optionalNamespace(this, 'namespace', props.namespace) ?? ARGOCD_NAMESPACE;
    const sync = resolveSync(this, props);
    const destination = resolveDestination(this, props.destination);
    const source = resolveSource(this, props);

    const model = NetworkModel.of(this);
    model.claimName(this, 'name', 'Application', this.namespace, this.name);

    this.apiObject = new PlainApiObject(this, 'Resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        ...(sync.finalizers.length ? { finalizers: sync.finalizers } : {}),
      },
      spec: {
        project: sync.project,
        source: Lazy.any({ produce: () => source.toJson() }),
        destination,
        syncPolicy: sync.syncPolicy,
      },
    });
  }
}
