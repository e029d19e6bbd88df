/**
 * Every Mermaid diagram of the Markdown reports of the example app and the 20-, 100- and 1,000-app
 * benchmark apps, rendered in headless Chromium with the Mermaid release GitHub uses (11.x, the
 * `mermaid` devDependency): no render error, no diagram wider than the 900 px budget, and a note in
 * place of every diagram over budget. Also the diagram of changed edges (the review's). Each
 * diagram is saved as SVG under test-output/mermaid/. One browser for the whole file.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'puppeteer-core';
import type { App } from 'cdk8s';
import { report as reporting } from '../../lib';
import { buildApp } from '../../apps/main';
import { benchApp } from '../bench-apps';
import { testApp } from '../util';
import { describeInBrowser, launch, outputDir } from './browser';
import type { MermaidRender } from './mermaid';
import { mermaidPage, mermaidVersion, renderMermaidIn } from './mermaid';

const OUT = outputDir('mermaid');

function reportOf(app: App): { md: string; report: reporting.NetworkReport } {
  app.synth();
  return {
    md: fs.readFileSync(path.join(app.outdir, 'network-report.md'), 'utf8'),
    report: JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8')),
  };
}

function diagramsOf(md: string): string[] {
  return [...md.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
}

function expectLegible(name: string, rendered: readonly MermaidRender[]): void {
  rendered.forEach((r, i) => {
    fs.writeFileSync(path.join(OUT, `${name}-${i + 1}.svg`), r.svg ?? '');
    if (r.error) throw new Error(`${name} diagram ${i + 1} does not render: ${r.error}\n${r.source}`);
    if (r.width > reporting.DEFAULT_DIAGRAM_BUDGET.maxWidth) {
      const budget = reporting.DEFAULT_DIAGRAM_BUDGET.maxWidth;
      throw new Error(`${name} diagram ${i + 1} is ${Math.round(r.width)} px wide, over the ${budget} px budget\n${r.source}`);
    }
    expect(r.width).toBeGreaterThan(50);
    expect(r.height).toBeGreaterThan(50);
  });
}

describeInBrowser(`Markdown diagrams rendered with Mermaid ${mermaidVersion()}`, () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launch();
    page = await mermaidPage(browser);
  }, 60000);
  afterAll(async () => { await browser?.close(); });

  test('Mermaid here is 11.x, the major GitHub renders with', () => {
    expect(mermaidVersion()).toMatch(/^11\./);
  });

  test('the check catches what it must: a syntax error and a diagram too wide', async () => {
    const [broken, wide] = await renderMermaidIn(page, [
      'flowchart TB\n  a["x"] -->|"y" b',
      `flowchart TB\n${Array.from({ length: 12 }, (_, i) => `  h --> n${i}["workload-number-${i}"]`).join('\n')}`,
    ]);
    expect(broken.error).toBeDefined();
    expect(wide.error).toBeUndefined();
    expect(wide.width).toBeGreaterThan(reporting.DEFAULT_DIAGRAM_BUDGET.maxWidth);
  });

  test('the example app: every diagram renders and fits', async () => {
    const { md } = reportOf(buildApp(testApp()));
    const diagrams = diagramsOf(md);
    // The whole app and each namespace with a flow other than DNS.
    expect(diagrams.length).toBeGreaterThanOrEqual(3);
    expectLegible('example', await renderMermaidIn(page, diagrams));
  });

  test.each([20, 100, 1000])('the %i-app benchmark app: diagrams render and fit, notes where over budget', async (n) => {
    const { md, report } = reportOf(benchApp(n));
    const diagrams = diagramsOf(md);
    const notes = md.split('\n').filter((l) => l.startsWith('_Diagram left out: '));
    const sections = report.namespaces.filter((ns) => ns.inApp && ns.workloads.length > 0).length;
    // Every namespace section has either a diagram or a note; so does the whole app (several namespaces).
    expect(diagrams.length + notes.length).toBe(sections + (sections > 1 ? 1 : 0));
    if (n === 20) expect(diagrams).toHaveLength(1);
    if (n >= 100) expect(notes.length).toBe(sections + 1);
    expect(md).not.toMatch(/Maximum text size|Too many edges/);
    expectLegible(`bench-${n}`, await renderMermaidIn(page, diagrams));
  });

  test('the diagram of changed edges renders', async () => {
    const lines = reporting.renderEdgeDiagram([
      { from: 'shop/Deployment/web', to: 'shop/Deployment/api', label: 'TCP 8080', change: 'opened' },
      { from: 'shop/Deployment/api', to: 'cidr:10.0.0.0/8', label: 'TCP 5432', change: 'closed' },
      {
        from: 'ingress-nginx/Peer/app.kubernetes.io/name=ingress-nginx', to: 'shop/Deployment/web',
        label: 'TCP 80 -> TCP 80, TCP 443', change: 'changed',
      },
    ], { endpoints: [
      { id: 'shop/Deployment/web', type: 'workload', namespace: 'shop', name: 'web' },
      { id: 'shop/Deployment/api', type: 'workload', namespace: 'shop', name: 'api' },
      { id: 'cidr:10.0.0.0/8', type: 'ip-block', name: '10.0.0.0/8' },
      { id: 'ingress-nginx/Peer/app.kubernetes.io/name=ingress-nginx', type: 'external-pods', namespace: 'ingress-nginx', name: 'ingress-nginx' },
    ] });
    const diagrams = diagramsOf(lines.join('\n'));
    expect(diagrams).toHaveLength(1);
    expectLegible('changed-edges', await renderMermaidIn(page, diagrams));
  });
});
