/** The report of one command argument: read, analyzed, and restricted to `--only`'s namespace. */
import type { NetworkReport } from '../report/model';
import { analyze, onlyNamespace } from './analyze';
import { loadInput } from './load';

/** The report of a folder or file, restricted to one namespace when `only` names one. */
export function sideReport(p: string, only?: string): NetworkReport {
  const report = analyze(loadInput(p)).report;
  return only ? onlyNamespace(report, only) : report;
}
