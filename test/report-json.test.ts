/**
 * The report's JSON file is written a piece at a time (lib/report/write.ts `writeReportJson`): the
 * file is byte for byte `reportJson(report)`, the text `JSON.stringify(report, undefined, 2)`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { buildApp } from '../apps/main';
import type { NetworkReport } from '../lib/report/model';
import { reportJson, writeReportJson } from '../lib/report/write';
import { benchApp } from './bench-apps';
import { testApp } from './util';

const written = (report: unknown): string => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'report-json-')), 'network-report.json');
  writeReportJson(report as NetworkReport, file);
  return fs.readFileSync(file, 'utf8');
};

test.each([
  ['the example app', () => buildApp(testApp())],
  ['the benchmark workload at 300 apps (a file larger than one written piece)', () => benchApp(300)],
])('the report file of %s is reportJson() of its report', (_name, make) => {
  const app = make();
  app.synth();
  const text = fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8');
  const report = JSON.parse(text) as NetworkReport;
  expect(report.flows.length).toBeGreaterThan(3);
  expect(text).toBe(reportJson(report));
  expect(written(report)).toBe(text);
});

test('writes any JSON-like report as JSON.stringify with a two-space indent does', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null),
      fc.constant(undefined), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(fc.string({ maxLength: 5 }), tie('value'), { maxKeys: 4 }),
  }));
  const reportArb = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(json.array, json.value), { maxKeys: 6 });
  fc.assert(fc.property(reportArb, (report) => {
    expect(written(report)).toBe(JSON.stringify(report, undefined, 2) + '\n');
  }), { numRuns: 300, seed: 20261203 });
});

test('an empty report, and entries left undefined (guardrails), as JSON.stringify writes them', () => {
  expect(written({})).toBe('{}\n');
  expect(written({ version: 1, flows: [], guardrails: undefined, findings: [{ a: [1, { b: null }] }, undefined] }))
    .toBe('{\n  "version": 1,\n  "flows": [],\n  "findings": [\n    {\n      "a": [\n        1,\n        {\n          "b": null\n        }\n      ]\n    },\n    null\n  ]\n}\n');
});
