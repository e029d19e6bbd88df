/** The report of one command argument: read, analyzed, and restricted to `--only`'s namespace. */
import type { NetworkReport, ReportEndpoint } from '../report/model';
import { analyze, onlyNamespace } from './analyze';
import { loadInput } from './load';

/** One side of a diff. */
export interface Side {
  readonly report: NetworkReport;
  /** Whether the report was computed from manifests (so it can be computed again with more endpoints), not read as written. */
  readonly manifests: boolean;
}

/**
 * The report of a folder or file, restricted to one namespace when `only` names one.
 * @param extra endpoints of pods outside the app whose flows to compute too (see `analyze`)
 */
export function sideOf(p: string, only?: string, extra: readonly ReportEndpoint[] = []): Side {
  const analysis = analyze(loadInput(p), extra);
  return { report: only ? onlyNamespace(analysis.report, only) : analysis.report, manifests: analysis.context !== undefined };
}

/** The report of a folder or file, restricted to one namespace when `only` names one. */
export function sideReport(p: string, only?: string): NetworkReport {
  return sideOf(p, only).report;
}
