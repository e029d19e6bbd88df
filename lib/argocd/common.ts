import { Chart, YamlOutputType } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { appOf, argoCdOutputPatterns, chartOutputPatterns, hasFolders } from '../output/layout';
import type { Rule } from '../util/validation';
import { check, checkList, dns1123Label, invalid, objectName } from '../util/validation';

/** The namespace Argo CD watches for Applications in a default installation. */
export const ARGOCD_NAMESPACE = 'argocd';
/** The API server of the cluster Argo CD runs in. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
/** The finalizer that makes deleting an Application delete its resources. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** Where Argo CD reads the synthesized manifests from. */
export interface ArgoCdSourceOptions {
  /**
   * The Git repository that holds the synthesized output, e.g.
   * `https://github.com/acme/platform.git` or `git@github.com:acme/platform.git`.
   */
  readonly repoURL: string;
  /**
   * The branch, tag or commit to deploy.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
  /**
   * The folder, relative to the repository root, that holds the committed output of
   * `cdk8s synth` (the app's `outdir`), e.g. `dist` or `deploy/dist`.
   */
  readonly path: string;
  /**
   * Deploy only the output of these charts (of this app). Computed from the app's layout: a list
   * of files with `YamlOutputType.FILE_PER_CHART`, of folders with
   * `FOLDER_PER_CHART_FILE_PER_RESOURCE`.
   * @default - every manifest (`*.k8s.yaml`) in `path` except those holding Argo CD objects
   * (`argoproj.io`), so that Applications are never synced into the destination cluster
   */
  readonly charts?: Chart[];
  /**
   * The path holds a `kustomization.yaml` (see `writeKustomization`): Argo CD renders it with
   * Kustomize, and the directory options (`charts`, recursion) do not apply.
   * @default false
   */
  readonly kustomize?: boolean;
}

/** How Argo CD syncs. */
export interface ArgoCdSyncOptions {
  /**
   * The Argo CD project.
   * @default 'default'
   */
  readonly project?: string;
  /**
   * Sync automatically when Git changes. Without it, someone presses Sync.
   * @default true
   */
  readonly autoSync?: boolean;
  /**
   * Delete objects that are no longer in Git (automated sync only). On by default because a
   * NetworkPolicy whose flow was removed from the program must disappear from the cluster:
   * otherwise the allow lingers.
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Revert changes made in the cluster outside Git, such as a policy edited with kubectl
   * (automated sync only).
   * @default true
   */
  readonly selfHeal?: boolean;
  /**
   * Prune after every wave has been applied and is healthy (`PruneLast=true`): an allow that is
   * no longer declared is removed only once the pods that stopped needing it are rolled out.
   * @default true
   */
  readonly pruneLast?: boolean;
  /**
   * More sync options, e.g. `ServerSideApply=true`. `CreateNamespace=false` is always set:
   * ZeroTrustNamespace owns the namespaces, with their labels and policies.
   * @default - `CreateNamespace=false` and, unless `pruneLast` is false, `PruneLast=true`
   */
  readonly syncOptions?: string[];
  /**
   * Add the `resources-finalizer.argocd.argoproj.io` finalizer, so that deleting the Application
   * deletes the objects it deployed (including their NetworkPolicies) instead of leaving them.
   * @default false
   */
  readonly cascadeDelete?: boolean;
}

/** The cluster (and default namespace) an Application deploys to. */
export interface ArgoCdDestination {
  /**
   * The API server URL of the cluster.
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in), unless `name` is given
   */
  readonly server?: string;
  /**
   * The name of a cluster registered in Argo CD, instead of `server`.
   * @default - the cluster is given by `server`
   */
  readonly name?: string;
  /**
   * The namespace for objects that name none.
   * @default - none: every namespaced object this library emits names its namespace
   */
  readonly namespace?: string;
}

/** @internal A cluster API server URL. */
export const serverUrl: Rule<string> = (v) =>
  (typeof v === 'string'
    && /^https?:\/\/[^\s/]+(\/\S*)?$/.test(v) ? undefined : 'must be a cluster API server URL such as "https://kubernetes.default.svc"');

/** @internal Validates a destination and returns `spec.destination`. */
export function resolveDestination(scope: IConstruct, destination: ArgoCdDestination = {}): Record<string, string> {
  if (destination.server !== undefined && destination.name !== undefined) {
    throw invalid(scope, 'destination', destination, 'must give the cluster by server or by name, not both (Argo CD rejects both)');
  }
  const namespace = optionalNamespace(scope, 'destination.namespace', destination.namespace);
  const cluster: Record<string, string> = destination.name !== undefined
    ? { name: check(scope, 'destination.name', destination.name,
      (v) => (typeof v === 'string' && v.trim() !== '' ? undefined : 'must be the non-empty name of a cluster registered in Argo CD')) }
    : { server: check(scope, 'destination.server', destination.server ?? IN_CLUSTER_SERVER, serverUrl) };
  return { ...cluster, ...(namespace ? { namespace } : {}) };
}

/** @internal Checks that a string is non-empty and has no whitespace. */
export const nonBlank = (what: string): Rule<string> => (v) =>
  (typeof v === 'string' && v.length > 0 && !/\s/.test(v) ? undefined : `must be ${what} without whitespace`);

const GIT_URL: Rule<string> = (v) => {
  const blank = nonBlank('a non-empty Git URL')(v);
  if (blank) return blank;
  if (/^(https?|ssh|git|file):\/\/[^/]+/.test(v) || /^[\w.-]+@[\w.-]+:\S+$/.test(v)) return undefined;
  return 'must be a Git repository URL such as "https://github.com/acme/platform.git" or "git@github.com:acme/platform.git"';
};

const REPO_PATH: Rule<string> = (v) => {
  if (typeof v !== 'string' || v.trim() === '') return 'must be a non-empty folder of the repository, such as "dist" (use "." for the root)';
  if (v.startsWith('/')) return 'must be relative to the repository root, not absolute';
  if (v.split('/').includes('..')) return 'must stay inside the repository: no ".." segments';
  return undefined;
};

/** @internal Names Argo CD uses as object names and, with label tracking, as label values. */
export const applicationName: Rule<string> = (v) => {
  const broken = objectName(v);
  if (broken) return broken;
  return v.length > 63 ? `must be at most 63 characters: Argo CD's tracking label app.kubernetes.io/instance holds it, got ${v.length}` : undefined;
};

/** @internal Validated, resolved sync options. */
export interface ResolvedSync {
  readonly project: string;
  readonly syncPolicy: Record<string, unknown>;
  readonly finalizers: string[];
}

/** @internal Validates the sync options and builds `spec.syncPolicy`. */
export function resolveSync(scope: IConstruct, props: ArgoCdSyncOptions): ResolvedSync {
  const project = check(scope, 'project', props.project ?? 'default', objectName);
  const autoSync = props.autoSync ?? true;
  if (!autoSync) {
    for (const field of ['prune', 'selfHeal'] as const) {
      if (props[field] !== undefined) throw invalid(scope, field, props[field], 'only applies to automated sync; remove it or set autoSync: true');
    }
  }
  const options: string[] = ['CreateNamespace=false'];
  if (props.pruneLast ?? true) options.push('PruneLast=true');
  for (const [i, option] of (props.syncOptions ?? []).entries()) {
    const field = `syncOptions[${i}]`;
    check(scope, field, option, nonBlank('an option such as "ServerSideApply=true"'),
      (v) => (/^[A-Za-z]+=\S+$/.test(v) ? undefined : 'must be NAME=VALUE, such as "ServerSideApply=true"'));
    const [key, value] = option.split('=');
    if (key === 'CreateNamespace' && value !== 'false') {
      throw invalid(scope, field, option,
        'must not create namespaces: ZeroTrustNamespace emits each Namespace with its Pod Security labels, default-deny and DNS policies; '
        + 'a namespace Argo CD creates has none of them. Declare the namespace with ZeroTrustNamespace instead');
    }
    if (key === 'PruneLast' && props.pruneLast !== undefined) {
      throw invalid(scope, field, option, 'conflicts with the pruneLast property; set only one');
    }
    const prior = options.findIndex((o) => o.split('=')[0] === key);
    if (prior >= 0) options.splice(prior, 1);
    options.push(option);
  }
  const syncPolicy: Record<string, unknown> = { syncOptions: options };
  if (autoSync) syncPolicy.automated = { prune: props.prune ?? true, selfHeal: props.selfHeal ?? true };
  return { project, syncPolicy, finalizers: props.cascadeDelete ? [RESOURCES_FINALIZER] : [] };
}

/** @internal Validated source options; `toJson` builds `spec.source` at synth, when the layout is known. */
export interface ResolvedSource {
  toJson(): Record<string, unknown>;
}

/**
 * Validates the source options. The directory options depend on the layout, known when the app
 * synthesizes: `toJson` builds `spec.source` then, and a validation on `scope` surfaces layout
 * errors before cdk8s serializes anything.
 * @internal
 */
export function resolveSource(scope: IConstruct, props: ArgoCdSourceOptions): ResolvedSource {
  const repoURL = check(scope, 'repoURL', props.repoURL, GIT_URL);
  const targetRevision = check(scope, 'targetRevision', props.targetRevision ?? 'HEAD', nonBlank('a branch, tag or commit'));
  const repoPath = check(scope, 'path', props.path, REPO_PATH).replace(/\/+$/, '') || '.';
  const app = appOf(scope);
  if (app && !props.kustomize && app.yamlOutputType === YamlOutputType.FILE_PER_APP) {
    throw invalid(scope, 'path', repoPath,
      'cannot be split by chart: YamlOutputType.FILE_PER_APP writes every chart, this Argo CD object\'s too, into one file, '
      + 'and Argo CD would sync the Argo CD objects into the destination cluster; use YamlOutputType.FILE_PER_CHART (the default) or ' +
        'FOLDER_PER_CHART_FILE_PER_RESOURCE');
  }
  const charts = props.charts;
  if (charts !== undefined) {
    checkList(scope, 'charts', charts, 'cdk8s Charts');
    if (props.kustomize) throw invalid(scope, 'charts', charts.map((c) => c?.node?.path),
      'cannot select files of a Kustomize path; list them in the kustomization instead');
    if (charts.length === 0) throw invalid(scope, 'charts', [], 'must name at least one chart, or be left out to deploy every chart');
    charts.forEach((c, i) => {
      if (!(c instanceof Chart)) throw invalid(scope, `charts[${i}]`, String(c), 'must be a cdk8s Chart');
      if (c.node.root !== scope.node.root) throw invalid(scope, `charts[${i}]`, c.node.path, 'must belong to the same cdk8s App');
    });
  }
  const resolved: ResolvedSource = {
    toJson: () => {
      const source: Record<string, unknown> = { repoURL, targetRevision, path: repoPath };
      if (props.kustomize || !app) return source;
      const directory: Record<string, unknown> = {};
      if (hasFolders(app)) directory.recurse = true;
      if (charts) {
        directory.include = globOf(charts.flatMap((c, i) => chartOutputPatterns(c, scope, `charts[${i}]`)));
      } else {
        // Only manifests: the outdir can hold other files (the network report's JSON, cdk8s'
        // construct-metadata.json) that Argo CD would otherwise try to read as manifests.
        directory.include = `*${app.outputFileExtension}`;
        const argo = argoCdOutputPatterns(app, scope, 'chart');
        if (argo.length) directory.exclude = globOf(argo);
      }
      if (Object.keys(directory).length) source.directory = directory;
      return source;
    },
  };
  scope.node.addValidation({ validate: () => { resolved.toJson(); return []; } });
  return resolved;
}

/** @internal An Argo CD glob matching any of the patterns: `{a,b}` for several. */
function globOf(patterns: string[]): string {
  const unique = [...new Set(patterns)].sort();
  return unique.length === 1 ? unique[0] : `{${unique.join(',')}}`;
}

/** @internal Validates an optional namespace. */
export function optionalNamespace(scope: IConstruct, field: string, ns: string | undefined): string | undefined {
  return ns === undefined ? undefined : check(scope, field, ns, dns1123Label);
}
