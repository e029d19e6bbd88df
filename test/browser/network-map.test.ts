/**
 * The interactive network map (network-report.html) in headless Chromium: for the example app and
 * the 1,000-app benchmark app, the page loads with no error and no request, draws one node per
 * endpoint and one edge per flow of network-report.json, shows an edge's ports, policies and
 * declaring construct when clicked, highlights a workload's reach, and finds a workload by search.
 * Screenshots land in test-output/network-map/. One browser for the whole file.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'puppeteer-core';
import type { App } from 'cdk8s';
import type { report as reporting } from '../../lib';
import { NetworkModel } from '../../lib';
import { buildApp } from '../../apps/main';
import { benchApp } from '../bench-apps';
import { testApp } from '../util';
import { describeInBrowser, launch, outputDir, watchErrors } from './browser';

const OUT = outputDir('network-map');

/** Synthesizes with the map turned on; returns the page's path and the JSON report. */
function synthWithMap(app: App): { html: string; report: reporting.NetworkReport } {
  NetworkModel.of(app).configure({ report: { htmlFile: true } });
  app.synth();
  return {
    html: path.join(app.outdir, 'network-report.html'),
    report: JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8')),
  };
}

async function open(browser: Browser, file: string, width = 1400, height = 900): Promise<{ page: Page; errors: string[]; loadMs: number }> {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  // Any request other than the file itself would be the page reaching the network.
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    if (r.url() === `file://${file}`) void r.continue();
    else { errors.push(`unexpected request: ${r.url()}`); void r.abort(); }
  });
  await page.setViewport({ width, height });
  const start = Date.now();
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  await page.waitForFunction(() => (globalThis as any).networkMap?.ready === true, { timeout: 60000 });
  return { page, errors, loadMs: Date.now() - start };
}

/** Clicks the drawn middle of an element with the mouse, as a user would. */
async function clickElement(page: Page, id: string, zoomIn: boolean): Promise<void> {
  const point = await page.evaluate((elementId: string, zoom: boolean) => {
    const map = (globalThis as any).networkMap;
    const ele = map.cy.getElementById(elementId);
    if (zoom) map.cy.fit(ele.isEdge() ? ele.connectedNodes() : ele.closedNeighborhood(), 80);
    // An edge is clicked near its source, clear of edges sharing its target, at the first point
    // that no node covers (a node laid out across the edge would take the click).
    const a = ele.isEdge() ? ele.renderedSourceEndpoint() : undefined;
    const b = ele.isEdge() ? ele.renderedTargetEndpoint() : undefined;
    const covered = (q: { x: number; y: number }) => map.cy.nodes('[kind != "namespace"]').some((n: any) => {
      const bb = n.renderedBoundingBox();
      return q.x >= bb.x1 && q.x <= bb.x2 && q.y >= bb.y1 && q.y <= bb.y2;
    });
    const along = (t: number) => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
    const p = ele.isEdge() ? [0.25, 0.35, 0.15, 0.45, 0.55, 0.65].map(along).find((q) => !covered(q)) ?? along(0.25) : ele.renderedPosition();
    const box = (globalThis as any).document.getElementById('graph').getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, id, zoomIn);
  await page.mouse.click(point.x, point.y);
}

async function detailsText(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const out: Record<string, string[]> = {};
    const doc = (globalThis as any).document;
    doc.querySelectorAll('#details dd').forEach((dd: any) => {
      out[dd.getAttribute('data-field')] = [...dd.querySelectorAll('div')].map((d: any) => d.textContent);
    });
    out.title = [doc.querySelector('#details h2')?.textContent ?? ''];
    return out;
  });
}

describeInBrowser('the network map in a browser', () => {
  let browser: Browser;
  beforeAll(async () => { browser = await launch(); }, 60000);
  afterAll(async () => { await browser?.close(); });

  test('example app: counts, edge details, a workload\'s reach, search, screenshot', async () => {
    const { html, report } = synthWithMap(buildApp(testApp()));
    const { page, errors } = await open(browser, html);
    const counts = await page.evaluate(() => (globalThis as any).networkMap.counts());
    expect(counts.endpoints).toBe(report.endpoints.length);
    expect(counts.flows).toBe(report.flows.length);
    expect(counts.namespaces).toBe(new Set(report.endpoints.map((e) => e.namespace ?? '(outside)')).size);
    expect(report.flows.length).toBeGreaterThan(10);

    // Click the storefront -> api edge: its ports, the policies that allow it and who declared it.
    const index = report.flows.findIndex((f) => f.from === 'production/Deployment/storefront' && f.to === 'production/Deployment/api');
    expect(index).toBeGreaterThanOrEqual(0);
    await clickElement(page, `flow:${index}`, false);
    const edge = await detailsText(page);
    expect(edge.title).toEqual(['Flow']);
    expect(edge.From).toEqual(['production/storefront']);
    expect(edge.To).toEqual(['production/api']);
    expect(edge.Ports).toEqual(['TCP 3000']);
    expect(edge['Allowed by']).toEqual(['production/allow-storefront-egress-to-api', 'production/allow-storefront-to-api']);
    expect(edge['Declared by']).toEqual(report.flows[index].declaredBy);
    expect(edge['Declared by'].length).toBeGreaterThan(0);

    // Click the api workload: what it reaches and what reaches it (DNS hidden by default).
    await clickElement(page, 'production/Deployment/api', false);
    const node = await detailsText(page);
    expect(node.title).toEqual(['production/api']);
    expect(node['Can reach']).toEqual(['payments/ledger (TCP 9000)']);
    expect([...node['Reachable from']].sort()).toEqual([
      'ingress-nginx/ingress-nginx (TCP 3000)', 'production/storefront (TCP 3000)', 'production/worker (TCP 3000)',
    ]);
    const highlighted = await page.evaluate(() => {
      const cy = (globalThis as any).networkMap.cy;
      return { out: cy.edges('.out').length, in: cy.edges('.in').length, faded: cy.nodes('.faded').length };
    });
    expect(highlighted).toEqual({ out: 1, in: 3, faded: expect.any(Number) });
    expect(highlighted.faded).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(OUT, 'example-workload.png') });

    // Search finds a workload by name; filtering by port leaves only matching flows.
    await page.type('#search', 'ledger');
    await page.waitForFunction(() => (globalThis as any).document.getElementById('status').textContent === '1 match');
    expect((await detailsText(page)).title).toEqual(['payments/ledger']);
    await page.evaluate(() => { const d = (globalThis as any).document; d.getElementById('search').value = ''; });
    await page.type('#port', 'TCP 9000');
    const shown = await page.evaluate(() => (globalThis as any).networkMap.cy.edges().not('.hidden').map((e: any) => e.data('ports')));
    expect(shown).toEqual(['TCP 9000']);
    await page.screenshot({ path: path.join(OUT, 'example-port-filter.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the 1,000-app benchmark app: every node and edge, search and selection work, screenshot', async () => {
    const synthStart = Date.now();
    const { html, report } = synthWithMap(benchApp(1000));
    const synthMs = Date.now() - synthStart;
    expect(report.endpoints.filter((e) => e.type === 'workload')).toHaveLength(1000);
    const { page, errors, loadMs } = await open(browser, html);
    const counts = await page.evaluate(() => (globalThis as any).networkMap.counts());
    expect(counts.endpoints).toBe(report.endpoints.length);
    expect(counts.flows).toBe(report.flows.length);

    // Namespace filter: one namespace's workloads and their peers.
    await page.select('#namespace', 'team-007');
    const visible = await page.evaluate(() =>
      (globalThis as any).networkMap.cy.nodes('[kind != "namespace"]').not('.hidden').map((n: any) => n.data('namespace')));
    // Its 50 workloads and cert-manager's HTTP-01 solver pods (its gateway's TLS is cert-manager's).
    expect(visible.filter((ns: string) => ns === 'team-007')).toHaveLength(51);
    expect(new Set(visible)).toEqual(new Set(['team-007', 'ingress-nginx']));
    await page.select('#namespace', '');

    const start = Date.now();
    await page.type('#search', 'app-0421');
    await page.waitForFunction(() => (globalThis as any).document.getElementById('status').textContent === '1 match');
    const searchMs = Date.now() - start;
    const node = await detailsText(page);
    expect(node.title).toEqual(['team-008/app-0421']);
    expect(node['Can reach']).toEqual(['team-008/app-0422 (TCP 8080)']);
    expect(node['Reachable from']).toEqual(['team-008/app-0420 (TCP 8080)']);

    const index = report.flows.findIndex((f) => f.from === 'team-008/Deployment/app-0421' && !f.declared.includes('dns'));
    await clickElement(page, `flow:${index}`, true);
    const clicked = await detailsText(page);
    expect(clicked).toEqual(expect.objectContaining({ Ports: ['TCP 8080'] }));
    await page.screenshot({ path: path.join(OUT, 'bench-1000-selected.png') });
    await page.click('#fit');
    await page.screenshot({ path: path.join(OUT, 'bench-1000.png') });
    // Timings are recorded, not asserted: speed is judged by measurement, not by timed tests.
    const timings = { synthMs, loadMs, searchMs, nodes: counts.endpoints, edges: counts.flows };
    fs.writeFileSync(path.join(OUT, 'bench-1000-timings.json'), JSON.stringify(timings, null, 2));
    expect(errors).toEqual([]);
    await page.close();
  });
});
