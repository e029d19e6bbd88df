/**
 * Reads what the commands compare: a folder of manifests (synth output, Helm or Kustomize output,
 * hand-written YAML), one manifest file, or a `network-report.json`. Every problem becomes a
 * {@link CliError} naming the file, the document and what is wrong.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as jsyaml from 'js-yaml';
import type { ManifestObject } from '../checks/objects';
import { compare } from '../checks/objects';
import type { NetworkReport } from '../report/model';
import { REPORT_VERSION } from '../report/model';
import { CliError } from './errors';

/** The report file the library writes next to the manifests. */
export const REPORT_FILE = 'network-report.json';

/** What one command argument holds. */
export interface Input {
  /** The argument as given, for messages. */
  readonly label: string;
  /** The manifests, when the argument is a folder or a manifest file. */
  readonly objects?: readonly ManifestObject[];
  /** The network report written by the library at synth, when there is one. */
  readonly report?: NetworkReport;
  /** Manifest files read, relative to the argument, with their text (for digests). */
  readonly files?: ReadonlyMap<string, string>;
}

const MANIFEST_FILE = /\.ya?ml$/i;
/** Kustomize's own file, which the library writes next to the manifests: not an object of the cluster. */
const KUSTOMIZATION_FILE = /^kustomization\.ya?ml$/i;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/** Reads a folder, a manifest file or a report file. */
export function loadInput(arg: string): Input {
  const stat = statOf(arg);
  if (stat.isDirectory()) return loadFolder(arg);
  if (arg.toLowerCase().endsWith('.json')) {
    const json = parseJson(arg, readText(arg));
    if (isReportLike(json)) return { label: arg, report: checkReport(arg, json) };
    return { label: arg, objects: objectsOf(arg, path.basename(arg), [json]) };
  }
  if (MANIFEST_FILE.test(arg)) {
    const text = readText(arg);
    return { label: arg, objects: parseManifests(path.basename(arg), arg, text), files: new Map([[path.basename(arg), text]]) };
  }
  throw new CliError(`${arg}: not a folder, a .yaml/.yml manifest file or a ${REPORT_FILE} file`);
}

function loadFolder(dir: string): Input {
  const files = new Map<string, string>();
  const objects: ManifestObject[] = [];
  for (const rel of manifestFiles(dir)) {
    const file = path.join(dir, rel);
    const text = readText(file);
    files.set(rel, text);
    objects.push(...parseManifests(rel, file, text));
  }
  const reportPath = path.join(dir, REPORT_FILE);
  const report = fs.existsSync(reportPath) ? checkReport(reportPath, parseJson(reportPath, readText(reportPath))) : undefined;
  if (files.size === 0 && !report) throw new CliError(`${dir}: no .yaml or .yml manifest and no ${REPORT_FILE} in this folder`);
  return { label: dir, objects, files, ...(report ? { report } : {}) };
}

/** The manifest files under `dir`, relative, `/`-separated, sorted; hidden folders and node_modules skipped. */
export function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch (e) {
      throw new CliError(`${path.join(dir, rel)}: cannot read the folder: ${(e as Error).message}`);
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name)) walk(child);
      } else if (MANIFEST_FILE.test(e.name) && !KUSTOMIZATION_FILE.test(e.name)) {
        out.push(child);
      }
    }
  };
  walk('');
  return out.sort(compare);
}

/**
 * Parses every YAML document of a file into manifest objects whose path is `<file>#<document>`
 * (documents counted from 1). Empty documents are skipped.
 */
export function parseManifests(rel: string, file: string, text: string): ManifestObject[] {
  let docs: unknown[];
  try {
    docs = jsyaml.loadAll(text);
  } catch (e) {
    const err = e as { mark?: { line: number; column: number }; reason?: string; message: string };
    if (err.mark) {
      const line = err.mark.line + 1;
      const where = `document ${documentAt(text, err.mark.line)} (line ${line}, column ${err.mark.column + 1})`;
      throw new CliError(`${file}: ${where}: invalid YAML: ${err.reason ?? err.message}`);
    }
    throw new CliError(`${file}: invalid YAML: ${err.message}`);
  }
  return objectsOf(file, rel, docs);
}

/** The 1-based index of the document that holds (0-based) `line`. */
function documentAt(text: string, line: number): number {
  const lines = text.split(/\r?\n/).slice(0, line + 1);
  let index = 0;
  let inDocument = false;
  for (const l of lines) {
    if (/^---(\s|$)/.test(l)) {
      index++;
      inDocument = true;
    } else if (!inDocument && l.trim() !== '' && !l.startsWith('#') && !l.startsWith('%')) {
      index++;
      inDocument = true;
    }
  }
  return Math.max(index, 1);
}

function objectsOf(file: string, rel: string, docs: readonly unknown[]): ManifestObject[] {
  const out: ManifestObject[] = [];
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    collect(doc, `${file}: document ${i + 1}`, `${rel}#${i + 1}`, out);
  });
  return out;
}

function collect(doc: unknown, where: string, at: string, out: ManifestObject[]): void {
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    const what = Array.isArray(doc) ? 'a list' : `the ${typeof doc} ${JSON.stringify(doc)}`;
    throw new CliError(`${where}: is ${what}, not a Kubernetes object (a mapping with apiVersion, kind and metadata.name)`);
  }
  const obj = doc as Record<string, any>;
  for (const field of ['apiVersion', 'kind']) {
    if (typeof obj[field] !== 'string' || obj[field] === '') {
      const what = obj[field] === undefined ? 'is missing' : `${JSON.stringify(obj[field])} is invalid`;
      throw new CliError(`${where}: ${field} ${what}: every Kubernetes object needs a non-empty string ${field}`);
    }
  }
  if (obj.kind === 'List' || (obj.kind.endsWith('List') && Array.isArray(obj.items))) {
    if (!Array.isArray(obj.items)) {
      throw new CliError(`${where}: List items ${obj.items === undefined ? 'is missing' : 'is invalid'}: must be a list of objects`);
    }
    obj.items.forEach((item: unknown, j: number) => collect(item, `${where} items[${j}]`, `${at}.items[${j}]`, out));
    return;
  }
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || name === '') {
    const what = name === undefined ? 'is missing' : `${JSON.stringify(name)} is invalid`;
    throw new CliError(`${where}: ${obj.kind} metadata.name ${what}: must be a non-empty string`);
  }
  const ns = obj.metadata?.namespace;
  if (ns !== undefined && ns !== null && typeof ns !== 'string') {
    throw new CliError(`${where}: ${obj.kind} ${name} metadata.namespace ${JSON.stringify(ns)} is invalid: must be a string`);
  }
  out.push({ json: obj, path: at });
}

function statOf(arg: string): fs.Stats {
  try {
    return fs.statSync(arg);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${arg}: ${code === 'ENOENT' ? 'no such file or folder' : `cannot read it: ${(e as Error).message}`}`);
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`${file}: cannot read the file: ${(e as Error).message}`);
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file}: invalid JSON: ${(e as Error).message}`);
  }
}

function isReportLike(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'flows' in json && 'endpoints' in json;
}

/** Checks that a parsed `network-report.json` has the fields the commands read. */
export function checkReport(file: string, json: unknown): NetworkReport {
  const r = json as Record<string, unknown>;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new CliError(`${file}: not a network report (expected a JSON object)`);
  if (r.version !== REPORT_VERSION) {
    const version = JSON.stringify(r.version);
    throw new CliError(`${file}: report version ${version} is not supported: this cdk8s-networking reads version ${REPORT_VERSION}`);
  }
  for (const key of ['namespaces', 'endpoints', 'flows', 'entryPoints', 'services', 'findings']) {
    if (!Array.isArray(r[key])) throw new CliError(`${file}: not a network report: "${key}" is ${r[key] === undefined ? 'missing' : 'not a list'}`);
  }
  const m = r.manifests as { objects?: unknown; sha256?: unknown } | undefined;
  if (m !== undefined && (typeof m !== 'object' || m === null || !Number.isInteger(m.objects) || !/^[0-9a-f]{64}$/.test(String(m.sha256)))) {
    throw new CliError(`${file}: manifests ${JSON.stringify(m)} is invalid: needs objects (a whole number) and sha256 (64 hex digits)`);
  }
  (r.flows as any[]).forEach((f, i) => {
    if (typeof f?.from !== 'string' || typeof f?.to !== 'string' || !Array.isArray(f?.ports)) {
      throw new CliError(`${file}: flows[${i}] is invalid: needs from, to and ports`);
    }
  });
  return r as unknown as NetworkReport;
}
