/**
 * Regenerates the README's screenshots (docs/images/) from the example app, in headless Chromium:
 * the production namespace's Mermaid diagram as GitHub's Mermaid 11 draws it in a 900 px column,
 * and the network map with one workload selected.
 *
 *   node -r ts-node/register/transpile-only scripts/readme-screenshots.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { NetworkModel } from '../lib';
import { buildApp } from '../apps/main';
import { launch } from '../test/browser/browser';
import { mermaidPage, renderMermaidIn } from '../test/browser/mermaid';
import { testApp } from '../test/util';

const IMAGES = path.join(__dirname, '..', 'docs', 'images');

async function main(): Promise<void> {
  const app = buildApp(testApp());
  NetworkModel.of(app).configure({ report: { htmlFile: true } });
  app.synth();
  const md = fs.readFileSync(path.join(app.outdir, 'network-report.md'), 'utf8');
  const production = md.split(/^## /m).find((s) => s.startsWith('Namespace `production`'))!;
  const source = /```mermaid\n([\s\S]*?)\n```/.exec(production)![1];
  fs.mkdirSync(IMAGES, { recursive: true });
  const browser = await launch();
  try {
    const page = await mermaidPage(browser);
    const [rendered] = await renderMermaidIn(page, [source]);
    if (rendered.error) throw new Error(rendered.error);
    await page.evaluate(() => { (globalThis as any).document.body.style.padding = '16px'; });
    const svg = await page.$('#out svg');
    await svg!.screenshot({ path: path.join(IMAGES, 'report-diagram.png') });

    const map = await browser.newPage();
    await map.setViewport({ width: 1200, height: 720 });
    await map.goto(`file://${path.join(app.outdir, 'network-report.html')}`);
    await map.waitForFunction(() => (globalThis as any).networkMap?.ready === true);
    await map.evaluate(() => (globalThis as any).networkMap.search('api'));
    const point = await map.evaluate(() => {
      const g = globalThis as any;
      const node = g.networkMap.cy.getElementById('production/Deployment/api');
      g.networkMap.cy.fit(undefined, 30);
      const box = g.document.getElementById('graph').getBoundingClientRect();
      g.document.getElementById('search').value = '';
      g.document.getElementById('status').textContent = '';
      return { x: box.left + node.renderedPosition().x, y: box.top + node.renderedPosition().y };
    });
    await map.mouse.click(point.x, point.y);
    await map.screenshot({ path: path.join(IMAGES, 'network-map.png') });
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
