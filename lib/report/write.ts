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
  const files = new Map<string, string>();
  const md = options.markdownFile ?? 'network-report.md';
  const json = options.jsonFile ?? 'network-report.json';
  if (md !== false) files.set(path.resolve(outdir, md), renderMarkdown(report, { title: options.title, diagramBudget: options.diagramBudget }));
  if (json !== false) files.set(path.resolve(outdir, json), reportJson(report));
  const html = htmlFileOf(options);
  const htmlTitle = options.title ? `${options.title}: network map` : undefined;
  if (html !== undefined) files.set(path.resolve(outdir, html), renderHtml(report, { title: htmlTitle }));
  return files;
}

/** The HTML map's file name, or undefined when none is written (`htmlFile` unset or false). */
export function htmlFileOf(options: NetworkReportOptions): string | undefined {
  const html = options.htmlFile;
  if (html === undefined || html === false) return undefined;
  return html === true ? 'network-report.html' : html;
}

/** Writes a report's files. */
export function writeReport(report: NetworkReport, outdir: string, options: NetworkReportOptions = {}): string[] {
  const files = reportFiles(report, outdir, options);
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return [...files.keys()].sort(compare);
}
