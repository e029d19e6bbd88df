/**
 * Writes the network report after `app.synth()` has written the manifests. cdk8s has no hook after
 * synthesis, so the App's `synth` is wrapped (on that one instance): the report is written only
 * when synthesis succeeded, and `app.synthYaml()` or `Testing.synth()` write nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { compare } from '../checks/objects';
import { renderMarkdown } from './markdown';
import { NetworkReport } from './model';
import { NetworkReportOptions } from './options';

/** A report computed at validation, waiting for the manifests to be written. */
export interface PendingReport {
  readonly report: NetworkReport;
  readonly options: NetworkReportOptions;
}

const pending = new WeakMap<object, PendingReport | undefined>();
const WRAPPED = Symbol.for('cdk8s-networking.report-writer');

/** @internal Stores the report the next `app.synth()` writes. */
export function setPendingReport(model: object, report: PendingReport | undefined): void {
  pending.set(model, report);
}

/** The JSON text of a report: two-space indent, a final newline (key order is fixed by construction). */
export function reportJson(report: NetworkReport): string {
  return JSON.stringify(report, undefined, 2) + '\n';
}

/** The files written for a report, relative to `outdir` unless absolute: file path -> text. */
export function reportFiles(report: NetworkReport, outdir: string, options: NetworkReportOptions = {}): Map<string, string> {
  const files = new Map<string, string>();
  const md = options.markdownFile ?? 'network-report.md';
  const json = options.jsonFile ?? 'network-report.json';
  if (md !== false) files.set(path.resolve(outdir, md), renderMarkdown(report, { title: options.title, maxEdges: options.diagramMaxEdges }));
  if (json !== false) files.set(path.resolve(outdir, json), reportJson(report));
  return files;
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

/** @internal Wraps the App's `synth()` so it writes the model's pending report after the manifests. */
export function installReportWriter(root: IConstruct, model: object): void {
  const app = root as any;
  if (typeof app.synth !== 'function' || typeof app.outdir !== 'string' || app[WRAPPED]) return;
  const synth = app.synth;
  Object.defineProperty(app, WRAPPED, { value: true });
  app.synth = function synthWithReport(this: any, ...args: unknown[]) {
    pending.set(model, undefined);
    const result = synth.apply(this, args);
    const ready = pending.get(model);
    if (ready) writeReport(ready.report, app.outdir, ready.options);
    return result;
  };
}
