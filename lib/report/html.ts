/**
 * The interactive network map: one self-contained HTML page (`network-report.html`) with the
 * report's data, the page script and Cytoscape.js inlined, so that it opens from a file, a CI
 * artifact or a review tool without any network access.
 *
 * Cytoscape.js draws the graph (canvas, pan and zoom, compound nodes for namespaces); it stays
 * responsive with thousands of elements, which SVG-based drawings do not. Positions are computed
 * here, not by a force layout in the browser: a grid per namespace, deterministic (the page is
 * byte-identical for the same report) and instant at 1,000 workloads.
 *
 * The published package carries `cytoscape.min.js` in `build/report/html/` (copied there by
 * `npm run build`), so users need no extra dependency; from the sources it is read from the
 * `cytoscape` devDependency.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compare } from './diagram';
import type { NetworkReport } from './model';

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /**
   * The page title.
   * @default 'Network map'
   */
  readonly title?: string;
}

/** A namespace block of the map, or the block of addresses outside the cluster. */
interface MapGroup {
  readonly key: string;
  readonly label: string;
}

/** The data the page script reads. */
interface MapData {
  readonly report: NetworkReport;
  readonly groups: readonly MapGroup[];
  /** Endpoint id -> group key. */
  readonly groupOf: Record<string, string>;
  /** Endpoint id -> [x, y]. */
  readonly positions: Record<string, readonly [number, number]>;
}

const CELL_W = 170;
const CELL_H = 70;
const BLOCK_GAP = 90;
const OUTSIDE = '(outside the cluster)';

/**
 * Positions: each namespace a block, its endpoints in a staggered grid sorted by name; blocks
 * placed left to right in rows about as wide as the whole map is tall. Namespaces of the app come
 * first, then the ones only flows name, then IP blocks.
 */
export function mapLayout(report: NetworkReport): Pick<MapData, 'groups' | 'groupOf' | 'positions'> {
  const members = new Map<string, string[]>();
  const groupOf: Record<string, string> = {};
  for (const e of report.endpoints) {
    const key = e.namespace ?? OUTSIDE;
    groupOf[e.id] = key;
    members.set(key, [...(members.get(key) ?? []), e.id]);
  }
  const info = new Map(report.namespaces.map((n) => [n.name, n]));
  const rank = (key: string) => (key === OUTSIDE ? 2 : info.get(key)?.inApp ? 0 : 1);
  const keys = [...members.keys()].sort((a, b) => rank(a) - rank(b) || compare(a, b));
  const groups = keys.map((key) => {
    const ns = info.get(key);
    const label = key === OUTSIDE ? key : ns?.zeroTrust ? `${key} (zero-trust)` : ns?.inApp ? key : `${key} (outside the app)`;
    return { key, label };
  });
  const sizes = keys.map((key) => {
    const n = members.get(key)!.length;
    const cols = Math.max(1, Math.ceil(Math.sqrt(n * 2)));
    return { key, cols, rows: Math.ceil(n / cols) };
  });
  const area = sizes.reduce((s, b) => s + (b.cols * CELL_W + BLOCK_GAP) * (b.rows * CELL_H + BLOCK_GAP), 0);
  const rowWidth = Math.max(...sizes.map((b) => b.cols * CELL_W), Math.sqrt(area) * 1.6);
  const positions: Record<string, readonly [number, number]> = {};
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const b of sizes) {
    const w = b.cols * CELL_W;
    if (x > 0 && x + w > rowWidth) {
      x = 0;
      y += rowHeight + BLOCK_GAP;
      rowHeight = 0;
    }
    const ids = [...members.get(b.key)!].sort(compare);
    // Odd columns sit half a cell lower, so that no edge along a row runs through the node between.
    ids.forEach((id, i) => {
      const col = i % b.cols;
      positions[id] = [x + col * CELL_W, y + Math.floor(i / b.cols) * CELL_H + (col % 2) * (CELL_H / 2)];
    });
    x += w + BLOCK_GAP;
    rowHeight = Math.max(rowHeight, b.rows * CELL_H + (b.cols > 1 ? CELL_H / 2 : 0));
  }
  return { groups, groupOf, positions };
}

/** An asset of the page: next to this module once built, else from the sources and node_modules. */
function asset(name: string): string {
  const built = path.join(__dirname, 'html', name);
  if (fs.existsSync(built)) return fs.readFileSync(built, 'utf8');
  if (name === 'cytoscape.min.js') return fs.readFileSync(require.resolve('cytoscape/dist/cytoscape.min.js'), 'utf8');
  throw new Error(`cdk8s-networking: the network map asset ${name} is missing from ${path.dirname(built)}; reinstall the package`);
}

/** Text safe inside an inline <script>: no `</script` or `<!--` can end or confuse it. */
function inlineScript(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Nothing may be fetched: scripts and styles are inline only. */
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111827;display:flex;flex-direction:column;height:100vh}
header{padding:8px 16px;border-bottom:1px solid #e5e7eb;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
header h1{font-size:18px;margin:0}header .summary{color:#4b5563}
main{flex:1;display:flex;min-height:0}#graph{flex:1;min-width:0;background:#fff}
aside{width:340px;border-left:1px solid #e5e7eb;padding:12px;overflow:auto;display:flex;flex-direction:column;gap:8px}
label{display:flex;flex-direction:column;gap:2px;font-size:12px;color:#374151}label.inline{flex-direction:row;align-items:center;gap:6px}
input[type=search],input[type=text],select{font:inherit;padding:4px 6px;border:1px solid #d1d5db;border-radius:4px}
button{font:inherit;padding:4px 8px}#status{font-size:12px;color:#4b5563;min-height:1.2em}
#details h2{font-size:15px;margin:8px 0 4px;word-break:break-all}#details dl{margin:0}
#details dt{font-weight:600;margin-top:6px;font-size:12px;color:#374151}
#details dd{margin:0 0 0 8px;word-break:break-all}.legend{font-size:12px;color:#4b5563}
@media (max-width:800px){main{flex-direction:column}aside{width:auto;border-left:0;border-top:1px solid #e5e7eb;max-height:45vh}}
`;

/** The page: self-contained, deterministic for a given report. */
export function renderHtml(report: NetworkReport, options: HtmlOptions = {}): string {
  const title = options.title ?? 'Network map';
  const data: MapData = { report, ...mapLayout(report) };
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const workloads = report.endpoints.filter((e) => e.type === 'workload').length;
  const summary = `${report.namespaces.filter((n) => n.inApp).length} namespaces, ${workloads} workloads, `
    + `${report.endpoints.length - workloads} peers, ${report.flows.length} allowed flows`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No request leaves the page: everything it needs is inline.
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS.trim()}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${escapeHtml(title)}</h1><span class="summary">${escapeHtml(summary)}</span>`,
    '<span class="legend">Generated by cdk8s-networking at synth. Blue: outgoing, green: incoming, red dashed: not declared.</span></header>',
    '<main>',
    '<div id="graph" role="img" aria-label="Graph of the allowed flows"></div>',
    '<aside>',
    '<label>Search workload, namespace or port<input id="search" type="search" placeholder="e.g. api, production, 8080" autocomplete="off"></label>',
    '<label>Namespace<select id="namespace"><option value="">All namespaces</option></select></label>',
    '<label>Port<input id="port" type="text" placeholder="e.g. TCP 8080" autocomplete="off"></label>',
    '<label class="inline"><input id="show-dns" type="checkbox"> Show DNS flows</label>',
    '<button id="fit" type="button">Fit to screen</button>',
    '<div id="status" role="status"></div>',
    '<section id="details"><p>Click a workload or a flow.</p></section>',
    '</aside>',
    '</main>',
    `<script id="report-data" type="application/json">${json}</script>`,
    `<script>${inlineScript(asset('cytoscape.min.js'))}</script>`,
    `<script>${inlineScript(asset('map.js'))}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
