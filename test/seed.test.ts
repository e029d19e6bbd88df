/**
 * The user's own description of the network model (../shared/seed/) shows a Service and a
 * NetworkPolicy. The example app reproduces them; these tests compare field by field.
 * The seed's YAML lost its indentation in transcription, so its objects are written out here,
 * and each line of them is checked to appear in the seed text.
 */
import { buildApp } from '../apps/main';
import { find, seedText, synth, testApp } from './util';

const SEED_SERVICE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'my-app' },
  spec: { selector: { app: 'my-app' }, ports: [{ port: 80, targetPort: 3000 }], type: 'ClusterIP' },
};

const SEED_POLICY = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'allow-frontend-to-api' },
  spec: {
    podSelector: { matchLabels: { app: 'api' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 3000 }] }],
  },
};


describe('the seed objects', () => {
  const { objects } = synth(buildApp(testApp()));

  test('the transcription matches the seed text', () => {
    const text = seedText();
    for (const line of ['name: my-app', 'app: my-app # targets Pods with this label', 'targetPort: 3000 # Pod\'s container port',
      'type: ClusterIP', 'name: allow-frontend-to-api', 'app: api', 'app: frontend', '- port: 3000']) {
      expect(text).toContain(line);
    }
  });

  test('my-app Service: ClusterIP, port 80 to targetPort 3000, selector app=my-app', () => {
    const svc = find(objects, 'Service', 'my-app', 'seed');
    expect(svc.apiVersion).toBe(SEED_SERVICE.apiVersion);
    expect(svc.spec.selector).toEqual(SEED_SERVICE.spec.selector);
    expect(svc.spec.ports).toEqual(SEED_SERVICE.spec.ports);
    expect(svc.spec.type).toBe(SEED_SERVICE.spec.type);
    expect(Object.keys(svc.spec).sort()).toEqual(Object.keys(SEED_SERVICE.spec).sort());
    // ... and it selects the pods that listen on 3000.
    const pods = find(objects, 'Deployment', 'my-app', 'seed').spec.template;
    expect(pods.metadata.labels.app).toBe('my-app');
    expect(pods.spec.containers[0].ports[0].containerPort).toBe(3000);
  });

  test('allow-frontend-to-api: pods app=api admit pods app=frontend on port 3000', () => {
    const policy = find(objects, 'NetworkPolicy', SEED_POLICY.metadata.name, 'seed');
    expect(policy.apiVersion).toBe(SEED_POLICY.apiVersion);
    expect(policy.spec.podSelector).toEqual(SEED_POLICY.spec.podSelector);
    expect(policy.spec.ingress).toEqual(SEED_POLICY.spec.ingress);
    // The seed omits policyTypes; with only ingress rules the API server defaults it to [Ingress].
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.egress).toBeUndefined();
  });
});
