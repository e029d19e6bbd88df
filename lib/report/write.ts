/** The files of the network report: its JSON text, and the files written for it. */
import * as fs from 'fs';
import * as path from 'path';
import { compare } from './diagram';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import type { NetworkReport } from './model';
import type { NetworkReportOptions } from './options';

/** The JSON text of a report: two-space indent, a final newline (key order is fixed by construction). */
export function reportJson(report: NetworkReport): string {
  return JSON.stringify(report, undefined, 2) + '\n';
}

/** The files written for a report, relative to `outdir` unless absolute: file path -> text. */
export function reportFiles(report: NetworkReport, outdir: string, options: NetworkReportOptions = {}): Map<string, string> {
  return new Map([...reportOutputs(report, outdir, options)].map(([file, text]) => [file, typeof text === 'string' ? text : reportJson(report)]));
}

/** The report's files: file path -> its text, or the report itself for the JSON file (written by {@link writeReportJson}). */
function reportOutputs(report: NetworkReport, outdir: string, options: NetworkReportOptions): Map<string, string | NetworkReport> {
  const files = new Map<string, string | NetworkReport>();
  const md = options.markdownFile ?? 'network-report.md';
  const json = options.jsonFile ?? 'network-report.json';
  if (md !== false) files.set(path.resolve(outdir, md), renderMarkdown(report, { title: options.title, diagramBudget: options.diagramBudget }));
  if (json !== false) files.set(path.resolve(outdir, json), report);
  const html = htmlFileOf(options);
  const htmlTitle = options.title ? `${options.title}: network map` : undefined;
  if (html !== undefined) files.set(path.resolve(outdir, html), renderHtml(report, { title: htmlTitle }));
  return files;
}

/**
 * Writes `reportJson(report)` to `file`, an array item at a time: the text of a large report (9 MB
 * at 5000 apps) is never held whole, nor its encoded copy, which keeps synth's peak memory lower.
 */
export function writeReportJson(report: NetworkReport, file: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    const entries = Object.entries(report).filter(([, v]) => v !== undefined);
    let chunk = entries.length === 0 ? '{}\n' : '{\n';
    const flush = (min: number) => {
      if (chunk.length < min) return;
      fs.writeSync(fd, chunk);
      chunk = '';
    };
    entries.forEach(([key, value], i) => {
      const end = i < entries.length - 1 ? ',\n' : '\n';
      chunk += `  ${JSON.stringify(key)}: `;
      if (!Array.isArray(value) || value.length === 0) {
        chunk += JSON.stringify(value, undefined, 2).replace(/\n/g, '\n  ') + end;
        return;
      }
      chunk += '[\n';
      value.forEach((item, j) => {
        // JSON.stringify writes an undefined (or function) array item as null.
        const text = JSON.stringify(item, undefined, 2) ?? 'null';
        chunk += `    ${text.replace(/\n/g, '\n    ')}${j < value.length - 1 ? ',\n' : '\n'}`;
        flush(1 << 16);
      });
      chunk += `  ]${end}`;
    });
    if (entries.length > 0) chunk += '}\n';
    flush(0);
  } finally {
    fs.closeSync(fd);
  }
}

/** The HTML map's file name, or undefined when none is written (`htmlFile` unset or false). */
export function htmlFileOf(options: NetworkReportOptions): string | undefined {
  const html = options.htmlFile;
  if (html === undefined || html === false) return undefined;
  return html === true ? 'network-report.html' : html;
}

/** Writes a report's files. */
export function writeReport(report: NetworkReport, outdir: string, options: NetworkReportOptions = {}): string[] {
  const files = reportOutputs(report, outdir, options);
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (typeof text === 'string') fs.writeFileSync(file, text);
    else writeReportJson(text, file);
  }
  return [...files.keys()].sort(compare);
}
