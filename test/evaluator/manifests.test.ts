/**
 * Reading synthesized manifests: policies and namespaces for the evaluator,
 * pod groups from workloads.
 */
import { NetworkPolicyEvaluator } from '../../lib/evaluator';
import { matchLabels, namespace, netpol } from './helpers/builders';
import { validateManifest } from '../util';

const podSpec = (ports: any[], extra: Record<string, unknown> = {}) => ({
  containers: [{ name: 'main', image: 'img', ports }],
  ...extra,
});
const template = (labels: Record<string, string>, spec: any) => ({ metadata: { labels }, spec });

/** A workload manifest whose pod template (at `spec.template`) has the given labels and container ports. */
function workload(apiVersion: string, kind: string, ns: string, name: string, labels: Record<string, string>, ports: any[] = []): any {
  return { apiVersion, kind, metadata: { name, namespace: ns }, spec: { template: template(labels, podSpec(ports)) } };
}

describe('podGroupsFromManifests', () => {
  const manifests = [
    workload('apps/v1', 'Deployment', 'shop', 'web', { app: 'web' }, [{ name: 'http', containerPort: 8080 }]),
    workload('apps/v1', 'StatefulSet', 'data', 'db', { app: 'db' }, [{ containerPort: 5432, protocol: 'TCP' }]),
    workload('apps/v1', 'DaemonSet', 'ops', 'agent', { app: 'agent' }, [{ name: 'dns', containerPort: 53, protocol: 'UDP' }]),
    workload('apps/v1', 'ReplicaSet', 'shop', 'rs', { app: 'rs' }),
    workload('batch/v1', 'Job', 'data', 'migrate', { job: 'migrate' }),
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'backup', namespace: 'data' },
      spec: { schedule: '@daily', jobTemplate: { spec: { template: template({ job: 'backup' }, podSpec([{ name: 'metrics', containerPort: 9100 }])) } } },
    },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', labels: { role: 'debug' } }, spec: podSpec([]), status: { podIP: '10.0.0.9' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' } } },
    netpol('shop', 'deny', {}),
    null,
  ];

  test('one group per pod template, id <namespace>/<Kind>/<name>', () => {
    const groups = NetworkPolicyEvaluator.podGroupsFromManifests(manifests);
    expect(groups.map((g) => [g.id, g.namespace, g.labels])).toEqual([
      ['shop/Deployment/web', 'shop', { app: 'web' }],
      ['data/StatefulSet/db', 'data', { app: 'db' }],
      ['ops/DaemonSet/agent', 'ops', { app: 'agent' }],
      ['shop/ReplicaSet/rs', 'shop', { app: 'rs' }],
      ['data/Job/migrate', 'data', { job: 'migrate' }],
      ['data/CronJob/backup', 'data', { job: 'backup' }],
      ['default/Pod/debug', 'default', { role: 'debug' }],
    ]);
  });

  test('ports come from every container (and sidecar init containers), protocol defaulting to TCP', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app', namespace: 'ns' },
      spec: {
        template: template({ app: 'x' }, {
          containers: [{ ports: [{ name: 'http', containerPort: 80 }] }, { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }],
          initContainers: [
            { restartPolicy: 'Always', ports: [{ name: 'proxy', containerPort: 15001 }] },
            { ports: [{ name: 'setup', containerPort: 9999 }] }, // runs to completion: serves nothing
          ],
        }),
      },
    };
    expect(NetworkPolicyEvaluator.podGroupsFromManifests([deployment])[0].ports).toEqual([
      { name: 'http', containerPort: 80, protocol: 'TCP' },
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'proxy', containerPort: 15001, protocol: 'TCP' },
    ]);
  });

  test('kinds are known by API group and kind: another group\'s Job, Pod or Deployment, or a kind with no apiVersion, is no pod group', () => {
    // Volcano's Job (batch.volcano.sh) keeps its pod templates under spec.tasks[].template; the test validates it against a
    // schema derived from Volcano's CRD. The others have a pod template where the core kinds keep theirs, and are not read either.
    const volcano = {
      apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: { name: 'train', namespace: 'ml' },
      spec: { minAvailable: 1, schedulerName: 'volcano', tasks: [{ name: 'trainer', replicas: 2, template: template({ app: 'trainer' }, podSpec([])) }] },
    };
    validateManifest(volcano);
    const others = [
      volcano,
      { apiVersion: 'acme.io/v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ml', labels: { app: 'p' } }, spec: podSpec([{ containerPort: 80 }]), status: { podIP: '10.0.0.7' } },
      workload('acme.io/v1', 'Deployment', 'ml', 'd', { app: 'd' }),
      workload('acme.io/v1', 'CronJob', 'ml', 'c', { app: 'c' }),
      { kind: 'Pod', metadata: { name: 'bare', namespace: 'ml', labels: { app: 'bare' } }, spec: podSpec([]) },
      { kind: 'Deployment', metadata: { name: 'bare', namespace: 'ml' }, spec: { template: template({ app: 'bare' }, podSpec([])) } },
    ];
    expect(NetworkPolicyEvaluator.podGroupsFromManifests(others)).toEqual([]);
    // Every version of the known groups keeps the template where v1 does (apps/v1beta2, batch/v1beta1 CronJob, argoproj.io/v1alpha1 Rollout).
    const versions = [
      workload('apps/v1beta2', 'Deployment', 'ml', 'old', { app: 'old' }),
      workload('argoproj.io/v1alpha1', 'Rollout', 'ml', 'canary', { app: 'canary' }),
      // OpenKruise's workloads keep theirs at spec.template too.
      workload('apps.kruise.io/v1alpha1', 'CloneSet', 'ml', 'clones', { app: 'clones' }),
      workload('apps.kruise.io/v1beta1', 'StatefulSet', 'ml', 'db', { app: 'db' }),
      workload('apps.kruise.io/v1alpha1', 'DaemonSet', 'ml', 'agent', { app: 'agent' }),
      { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'ml' },
        spec: { schedule: '@daily', jobTemplate: { spec: { template: template({ job: 'nightly' }, podSpec([])) } } } },
    ];
    expect(NetworkPolicyEvaluator.podGroupsFromManifests(versions).map((g) => [g.id, g.labels])).toEqual([
      ['ml/Deployment/old', { app: 'old' }], ['ml/Rollout/canary', { app: 'canary' }], ['ml/CloneSet/clones', { app: 'clones' }],
      ['ml/StatefulSet/db', { app: 'db' }], ['ml/DaemonSet/agent', { app: 'agent' }], ['ml/CronJob/nightly', { job: 'nightly' }],
    ]);
  });

  test("a bare Pod's status.podIP becomes the group IP; kind: List is expanded", () => {
    const groups = NetworkPolicyEvaluator.podGroupsFromManifests([{ kind: 'List', items: manifests }]);
    expect(groups.find((g) => g.id === 'default/Pod/debug')?.ip).toBe('10.0.0.9');
    expect(groups.find((g) => g.id === 'shop/Deployment/web')?.ip).toBeUndefined();
  });
});

describe('fromManifests', () => {
  test('picks networking.k8s.io/v1 NetworkPolicies and v1 Namespaces, ignoring everything else', () => {
    const calicoPolicy = {
      apiVersion: 'projectcalico.org/v3',
      kind: 'NetworkPolicy',
      metadata: { name: 'c', namespace: 'shop' },
      spec: { selector: 'all()' },
    };
    const manifests = [
      netpol('shop', 'from-ops', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: matchLabels({ team: 'ops' }) }] }] }),
      namespace('ops', { team: 'ops' }),
      calicoPolicy,
      workload('apps/v1', 'Deployment', 'shop', 'web', { app: 'web' }),
    ];
    const ev = NetworkPolicyEvaluator.fromManifests(manifests);
    const [web] = NetworkPolicyEvaluator.podGroupsFromManifests(manifests);
    const probe = { id: 'ops/probe', namespace: 'ops', labels: {} };
    expect(ev.check(probe, web, 80)).toMatchObject({ allowed: true, ingress: { isolated: true, allowedBy: ['shop/from-ops'] } });
    expect(ev.check({ id: 'dev/probe', namespace: 'dev', labels: {} }, web, 80).allowed).toBe(false);
  });

  test('withNamespaces: the same policies, seeing the labels of more namespaces, as if built with them', () => {
    const policies = [
      netpol('shop', 'from-ops', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: matchLabels({ team: 'ops' }) }] }] }),
      netpol('shop', 'to-db', { podSelector: {}, egress: [{ to: [{ namespaceSelector: matchLabels({ tier: 'data' }) }] }] }),
    ];
    const base = NetworkPolicyEvaluator.fromManifests([...policies, namespace('ops', { team: 'ops' })]);
    const extended = base.withNamespaces([namespace('[namespaces tier=data]', { tier: 'data' }), namespace('ops2', { team: 'ops' })]);
    const rebuilt = NetworkPolicyEvaluator.fromManifests([...policies, namespace('ops', { team: 'ops' }),
      namespace('[namespaces tier=data]', { tier: 'data' }), namespace('ops2', { team: 'ops' })]);
    const groups = ['shop', 'ops', 'ops2', '[namespaces tier=data]', 'dev'].map((ns) => ({ id: `${ns}/pods`, namespace: ns, labels: {} }));
    expect(extended.reachability(groups)).toEqual(rebuilt.reachability(groups));
    const web = groups[0];
    expect(extended.check(groups[2], web, 80).allowed).toBe(true);
    expect(extended.check(web, groups[3], 5432).allowed).toBe(true);
    // The original keeps its own namespaces.
    expect(base.check(groups[2], web, 80).allowed).toBe(false);
    expect(base.check(web, groups[3], 5432).allowed).toBe(false);
  });

  test('a policy without namespace is in "default"', () => {
    const ev = NetworkPolicyEvaluator.fromManifests([{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p' }, spec: {} }]);
    expect(ev.check({ cidr: '1.1.1.1' }, { id: 'g', namespace: 'default', labels: {} }, 80).ingress).toEqual({ isolated: true, allowedBy: [] });
  });
});
