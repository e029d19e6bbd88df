/**
 * `diff` on entry points whose TLS the report cannot tell (`unknown`: an HTTPRoute on a Gateway
 * outside the app, a listener it cannot read). Unknown is not on: a change to unknown, or a route
 * added with it, is called out as unverified in the summary and the table, with the report's
 * reason. `--fail-on tls-off` fails on TLS off, and on TLS that was on and is unknown now (the
 * change removed the proof); a route added with unknown TLS fails `--fail-on tls-unverified` only.
 * Hand-written manifests, schema-validated.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli, json, shopDeployment } from './cli.fixtures';
import { readOutput } from './util';

/** Where the route to web goes: the app's Gateway on HTTPS or HTTP, a Gateway outside the app, or nowhere. */
type Tls = 'on' | 'off' | 'unknown' | 'none';

const GATEWAY = {
  on: '{ name: https, protocol: HTTPS, port: 443, hostname: shop.example.com, tls: { mode: Terminate, certificateRefs: [{ name: shop-tls }] } }',
  off: '{ name: http, protocol: HTTP, port: 80, hostname: shop.example.com }',
};

/** A route `name` for host `host` to web, on `parent`. */
const route = (name: string, host: string, parent: string) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: shop }
spec:
  parentRefs: [${parent}]
  hostnames: [${host}]
  rules: [{ matches: [{ path: { type: PathPrefix, value: / } }], backendRefs: [{ name: web, port: 80 }] }]
`;

/** Shop's web behind an HTTPRoute for shop.example.com; with `admin`, a second route (admin.example.com) on a Gateway outside the app. */
function shop(tls: Tls, options: { admin?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-tls-'));
  const gateway = tls === 'on' || tls === 'off' ? `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: shop }
spec: { gatewayClassName: cilium, listeners: [${GATEWAY[tls]}] }
` : '';
  const web = tls === 'none' ? '' : route('web', 'shop.example.com', tls === 'unknown' ? '{ name: shared, namespace: infra }' : '{ name: gw }');
  fs.writeFileSync(path.join(dir, 'app.yaml'), `apiVersion: v1
kind: Namespace
metadata: { name: shop }
${shopDeployment('web', 8080)}---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }
${gateway}${web}${options.admin ? route('admin', 'admin.example.com', '{ name: shared, namespace: infra }') : ''}`);
  readOutput(dir);
  return dir;
}

const NOT_IN_APP = 'Gateway infra/shared is not in the app, so the library cannot see its listeners';
const HEADER = '| Change | Namespace | Host | Path | Backend | TLS | Via |\n|---|---|---|---|---|---|---|\n';
const exit = (before: string, after: string, failOn: string) => cli(['diff', before, after, '--fail-on', failOn]).code;

describe('diff: TLS the report cannot tell is unverified, not on', () => {
  let on: string;
  let off: string;
  let unknown: string;
  beforeAll(() => {
    on = shop('on');
    off = shop('off');
    unknown = shop('unknown');
  });

  test('the fixtures: on, off and unknown as the report tells them', () => {
    const tlsOf = (dir: string) => json(['analyze', dir]).entryPoints.map((e: any) => [e.host, e.tls, e.tlsNote]);
    expect(tlsOf(on)).toEqual([['shop.example.com', 'on', undefined]]);
    expect(tlsOf(off)).toEqual([['shop.example.com', 'off', expect.stringContaining('http')]]);
    expect(tlsOf(unknown)).toEqual([['shop.example.com', 'unknown', NOT_IN_APP]]);
  });

  test('on -> unknown: unverified (not "without TLS"), and tls-off fails: the change removed the proof', () => {
    const d = json(['diff', on, unknown]);
    expect(d.code).toBe(1);
    expect(d.summary).toBe('Network changes: 1 entry point changed, 1 entry point with TLS unverified.');
    expect(d.entryPoints.changed).toEqual([expect.objectContaining({
      changes: ['tls on -> unknown', 'gateway shop/gw -> infra/shared'], tlsOff: true, tlsUnverified: true,
    })]);
    expect(exit(on, unknown, 'tls-off')).toBe(1);
    expect(exit(on, unknown, 'tls-unverified')).toBe(1);
    expect(exit(on, unknown, 'opened,exposure')).toBe(0);
    const md = cli(['diff', on, unknown]).stdout;
    expect(md.split('\n')[0]).toBe('**Network changes: 1 entry point changed, 1 entry point with TLS unverified.**');
    expect(md).toContain(`#### Entry points\n\n${HEADER}| **TLS unverified**: tls on -> unknown; gateway shop/gw -> infra/shared | shop `
      + `| shop.example.com | / (PathPrefix) | web:80 | unknown: ${NOT_IN_APP} | HTTPRoute/web (app.yaml#4) |\n`);
  });

  test('off -> unknown: unverified, not a loss of TLS (tls-off passes, tls-unverified fails)', () => {
    const d = json(['diff', off, unknown]);
    expect(d.summary).toBe('Network changes: 1 entry point changed, 1 entry point with TLS unverified.');
    expect(d.entryPoints.changed).toEqual([expect.objectContaining({ changes: ['tls off -> unknown', 'gateway shop/gw -> infra/shared'], tlsOff: false, tlsUnverified: true })]);
    expect(exit(off, unknown, 'tls-off')).toBe(0);
    expect(exit(off, unknown, 'tls-unverified')).toBe(1);
  });

  test('unknown -> off: without TLS, and tls-off fails (it was not known to be off)', () => {
    const d = json(['diff', unknown, off]);
    expect(d.summary).toBe('Network changes: 1 entry point changed, 1 entry point without TLS.');
    expect(d.entryPoints.changed).toEqual([expect.objectContaining({ changes: ['tls unknown -> off', 'gateway infra/shared -> shop/gw'], tlsOff: true, tlsUnverified: false })]);
    expect(exit(unknown, off, 'tls-off')).toBe(1);
    expect(exit(unknown, off, 'tls-unverified')).toBe(0);
    expect(cli(['diff', unknown, off]).stdout).toContain('| **TLS off**: tls unknown -> off; gateway infra/shared -> shop/gw | shop |');
  });

  test('unknown -> on: neither', () => {
    const d = json(['diff', unknown, on]);
    expect(d.summary).toBe('Network changes: 1 entry point changed.');
    expect(d.entryPoints.changed).toEqual([expect.objectContaining({ changes: ['tls unknown -> on', 'gateway infra/shared -> shop/gw'], tlsOff: false, tlsUnverified: false })]);
    expect(exit(unknown, on, 'tls-off,tls-unverified')).toBe(0);
  });

  test('a route added with unknown TLS: called out as unverified; fails tls-unverified, not tls-off', () => {
    const head = shop('on', { admin: true });
    const d = json(['diff', on, head]);
    expect(d.summary).toBe('Network changes: 1 entry point added, 1 entry point with TLS unverified.');
    expect(d.entryPoints.added).toEqual([expect.objectContaining({ host: 'admin.example.com', tls: 'unknown', tlsNote: NOT_IN_APP })]);
    expect(exit(on, head, 'tls-off')).toBe(0);
    expect(exit(on, head, 'tls-unverified')).toBe(1);
    expect(cli(['diff', on, head]).stdout).toContain(`#### Entry points\n\n${HEADER}| added, **TLS unverified** | shop | admin.example.com `
      + `| / (PathPrefix) | web:80 | unknown: ${NOT_IN_APP} | HTTPRoute/admin (app.yaml#6) |\n`);
  });

  test('a route added without TLS: without TLS, fails tls-off', () => {
    const d = json(['diff', shop('none'), off]);
    expect(d.summary).toBe('Network changes: 1 entry point added, 1 entry point without TLS.');
    expect(exit(shop('none'), off, 'tls-off')).toBe(1);
    expect(exit(shop('none'), off, 'tls-unverified')).toBe(0);
  });

  test('--fail-on names the new category in its error', () => {
    expect(cli(['diff', on, on, '--fail-on', 'tls']).stderr)
      .toBe('cdk8s-networking: error: --fail-on "tls" is invalid: must be one of opened, exposure, tls-off, tls-unverified\n');
  });
});
