/**
 * ingress-nginx redirects HTTP to HTTPS for a host with a certificate unless the Ingress says
 * `nginx.ingress.kubernetes.io/ssl-redirect: "false"` (and not `force-ssl-redirect: "true"`): such
 * an entry point is served over plain HTTP too, so the report has it as `tls: off` with the reason,
 * and `requireTls()` fails on it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { JsonPatch, ApiObject } from 'cdk8s';
import type { App } from 'cdk8s';
import { NetworkModel } from '../lib';
import type { NetworkReport } from '../lib/report/model';
import { shop } from './cli.fixtures';
import { synth, synthError, testApp } from './util';

/** The shop app, its gateway's Ingress given these annotations (the escape hatch users have). */
function shopWith(annotations: Record<string, string>): App {
  const app = shop(testApp().outdir);
  const ingress = app.node.findAll().find((c) => c instanceof ApiObject && c.kind === 'Ingress') as ApiObject;
  for (const [key, value] of Object.entries(annotations)) {
    ingress.addJsonPatch(JsonPatch.add(`/metadata/annotations/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, value));
  }
  return app;
}

function entryPoint(app: App) {
  synth(app);
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8')) as NetworkReport;
  const entries = report.entryPoints.filter((e) => e.host === 'shop.example.com');
  expect(entries).toHaveLength(1);
  return entries[0];
}

const NOTE = (value: string) =>
  `nginx.ingress.kubernetes.io/ssl-redirect: ${JSON.stringify(value)}: ingress-nginx serves it over plain HTTP too, without redirecting to HTTPS`;

test('by default (no annotation) the TLS host is on: ingress-nginx redirects plain HTTP', () => {
  expect(entryPoint(shopWith({}))).toMatchObject({ tls: 'on', tlsSecret: 'shop-tls' });
});

test.each(['false', 'False', 'FALSE', '0', 'f', 'F'])('ssl-redirect %j (false to Go\'s ParseBool): served over plain HTTP, tls off with the reason', (value) => {
  const e = entryPoint(shopWith({ 'nginx.ingress.kubernetes.io/ssl-redirect': value }));
  expect(e).toEqual(expect.objectContaining({ tls: 'off', tlsSecret: 'shop-tls', tlsNote: NOTE(value) }));
});

test.each(['true', 'no', '', 'off'])('ssl-redirect %j (true, or not a Go boolean: the default applies) keeps the redirect', (value) => {
  const e = entryPoint(shopWith({ 'nginx.ingress.kubernetes.io/ssl-redirect': value }));
  expect(e.tls).toBe('on');
  expect(e.tlsNote).toBeUndefined();
});

test('force-ssl-redirect "true" redirects whatever ssl-redirect says', () => {
  const e = entryPoint(shopWith({ 'nginx.ingress.kubernetes.io/ssl-redirect': 'false', 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' }));
  expect(e).toMatchObject({ tls: 'on', tlsSecret: 'shop-tls' });
});

test('requireTls() fails on an Ingress that turns the redirect off, naming why', () => {
  const app = shopWith({ 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' });
  NetworkModel.of(app).requireTls();
  expect(synthError(app)).toContain('guardrail requireTls() (declared at cdk8s-networking; reason: entry points must use TLS) is violated by entry point '
    + `shop.example.com / (Prefix) -> web:80 (Ingress/gateway in production) without TLS, ${NOTE('false')}, declared by shop/gateway/Ingress`);
});
