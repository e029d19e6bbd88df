/**
 * Stable names: no object this library makes carries a cdk8s hash suffix or the construct-path
 * label, and renaming a construct id renames no Kubernetes object when `name` was given (under
 * GitOps a rename is a delete and a create).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'cdk8s';
import { Chart } from 'cdk8s';
import { ArgoCdApplication, ArgoCdApplicationSet, ClusterGenerator, ExternalService, Peer, Port, WebApp, ZeroTrustNamespace } from '../lib';
import { buildApp } from '../apps/main';
import { synth, testApp } from './util';

const HASH_SUFFIX = /-[0-9a-f]{8}$/;

/** Every string value in an object tree whose key is `name` (metadata.name, container names, port names, refs). */
function names(o: unknown, out: string[] = []): string[] {
  if (Array.isArray(o)) o.forEach((x) => names(x, out));
  else if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      if (k === 'name' && typeof v === 'string') out.push(v);
      else names(v, out);
    }
  }
  return out;
}

describe('stable names', () => {
  test('the example app: no hash suffixes, no cdk8s.io/metadata.addr label', () => {
    const { objects, files } = synth(buildApp(testApp()));
    const all = objects.flatMap((o) => names(o).map((n) => `${o.kind} ${o.metadata.name}: ${n}`));
    expect(all.length).toBeGreaterThan(objects.length);
    expect(all.filter((n) => HASH_SUFFIX.test(n))).toEqual([]);
    for (const [file, text] of Object.entries(files)) {
      expect({ file, addr: text.includes('cdk8s.io/metadata.addr') }).toEqual({ file, addr: false });
    }
  });

  /** The same objects, declared with construct ids that all depend on `suffix`. */
  function build(suffix: string): App {
    const app = testApp();
    const shop = new Chart(app, 'shop');
    const prod = new ZeroTrustNamespace(shop, `prod${suffix}`, { name: 'production' });
    const payments = new ZeroTrustNamespace(shop, `pay${suffix}`, { name: 'payments' });
    const ledger = new WebApp(shop, `ledger${suffix}`, { name: 'ledger', namespace: payments, image: 'ghcr.io/acme/ledger:3', containerPort: 9000 });
    const api = new WebApp(shop, `api${suffix}`, { name: 'api', namespace: prod, image: 'ghcr.io/acme/api:1', containerPort: 3000, env: { LEDGER_URL: ledger.url } });
    const web = new WebApp(shop, `web${suffix}`, { name: 'web', serviceName: 'frontend', namespace: prod, image: 'ghcr.io/acme/web:2', containerPort: 8080 });
    api.allowFrom(web);
    ledger.allowFrom(api);
    ledger.allowEgressTo(Peer.cidr('203.0.113.0/24'), Port.tcp(443));
    new ExternalService(shop, `cards${suffix}`, { name: 'cards', namespace: payments, externalName: 'api.cards.example' });
    const argocd = new Chart(app, 'argocd');
    new ArgoCdApplication(argocd, `app${suffix}`, { name: 'shop', repoURL: 'https://github.com/acme/platform.git', path: 'dist' });
    new ArgoCdApplicationSet(argocd, `set${suffix}`, {
      name: 'fleet', repoURL: 'https://github.com/acme/platform.git', path: 'dist', generator: ClusterGenerator.selector({ env: 'prod' }),
    });
    return app;
  }

  test('renaming construct ids changes no byte of the manifests when names are given', () => {
    const a = build('');
    const b = build('-renamed');
    synth(a);
    synth(b);
    // The manifests; a report next to them may name construct paths, which is what it is for.
    const files = fs.readdirSync(a.outdir).filter((f) => f.endsWith('.k8s.yaml')).sort();
    expect(files).toEqual(['argocd.k8s.yaml', 'shop.k8s.yaml']);
    expect(fs.readdirSync(b.outdir).filter((f) => f.endsWith('.k8s.yaml')).sort()).toEqual(files);
    for (const f of files) {
      expect(fs.readFileSync(path.join(b.outdir, f), 'utf8')).toBe(fs.readFileSync(path.join(a.outdir, f), 'utf8'));
    }
  });
});
