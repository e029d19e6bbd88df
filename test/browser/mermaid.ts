/**
 * Renders Mermaid sources in the browser with the Mermaid release GitHub renders Markdown with
 * (the `mermaid` devDependency, 11.x), with GitHub's settings: default theme and limits.
 */
import * as path from 'path';
import type { Browser, Page } from 'puppeteer-core';

/** The outcome of rendering one diagram. */
export interface MermaidRender {
  readonly source: string;
  /** The error Mermaid raised, if any (including its "Syntax error" and size-limit errors). */
  readonly error?: string;
  /** The natural size of the drawing in CSS pixels (the SVG's viewBox). */
  readonly width: number;
  readonly height: number;
  readonly svg?: string;
}

/** A page with Mermaid loaded, ready for {@link renderMermaidIn}. */
export async function mermaidPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 800 });
  await page.setContent('<!doctype html><html><body style="width:900px;margin:0"><div id="out"></div></body></html>');
  await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
  await page.evaluate(() => (globalThis as any).mermaid.initialize({ startOnLoad: false }));
  return page;
}

/** The Mermaid version loaded in the page. */
export function mermaidVersion(): string {
  return require(path.join(path.dirname(require.resolve('mermaid/package.json')), 'package.json')).version;
}

/** Renders each source; never throws on a diagram error, returns it. */
export async function renderMermaidIn(page: Page, sources: readonly string[]): Promise<MermaidRender[]> {
  return page.evaluate(async (list: string[]) => {
    const mermaid = (globalThis as any).mermaid;
    const document = (globalThis as any).document;
    const out: any[] = [];
    let i = 0;
    for (const source of list) {
      const id = `d${i++}`;
      try {
        const { svg } = await mermaid.render(id, source);
        const holder = document.getElementById('out');
        holder.innerHTML = svg;
        const el = holder.querySelector('svg');
        const vb = (el.getAttribute('viewBox') ?? '0 0 0 0').split(/\s+/).map(Number);
        const text = el.textContent ?? '';
        const error = /Syntax error|Maximum text size|Too many edges/i.test(text) || el.getAttribute('aria-roledescription') === 'error'
          ? `Mermaid drew an error: ${text.slice(0, 200)}` : undefined;
        out.push({ source, width: vb[2], height: vb[3], svg, ...(error ? { error } : {}) });
      } catch (e: any) {
        out.push({ source, width: 0, height: 0, error: String(e?.message ?? e) });
      }
      document.getElementById(`d${id}`)?.remove();
    }
    return out;
  }, [...sources]);
}
