/**
 * The two sides of a diff over the same endpoints. An endpoint of pods outside the app is a
 * sample pod (`monitoring/Peer/app.kubernetes.io/name=prometheus`, `monitoring/Peer/*`): each side
 * computes flows only for the samples its own policies name, so comparing by id alone reads
 * Prometheus's flow as closed when the new output admits all of monitoring instead, although
 * Prometheus is still admitted. Whether a broader sample stands for the narrower pods depends on
 * the selectors (a `NotIn` drawn as `monitoring/Peer/*` excludes Prometheus; a policy may isolate
 * Prometheus alone), so nothing is inferred from the ids: every sample one side has and the other
 * lacks is added to the other side's analysis, which evaluates it against its own policies. Then
 * the flows compare by id, each computed by the evaluator of its own output.
 */
import { compare } from '../checks/objects';
import type { NetworkReport, ReportEndpoint } from '../report/model';
import { standIns, unlabelledStandIns } from './analyze';
import type { Side } from './side';

/** Which side of a diff. */
export type Which = 'before' | 'after';

/** The reports to compare, and what could not be computed. */
export interface Aligned {
  readonly before: NetworkReport;
  readonly after: NetworkReport;
  /** One line per side read from a report alone that lacks endpoints the other side has flows for. */
  readonly notes: readonly string[];
}

/** The endpoints of pods outside the app that `other` has and `report` lacks, by id. */
export function missingStandIns(report: NetworkReport, other: NetworkReport): ReportEndpoint[] {
  const ids = new Set(report.endpoints.map((e) => e.id));
  return standIns(other).filter((e) => !ids.has(e.id)).sort((a, b) => compare(a.id, b.id));
}

/**
 * Both sides over the same endpoints: a side computed from manifests that lacks some of the other
 * side's endpoints of pods outside the app is computed again with them (`again`), in the main
 * thread, whatever thread computed it first. A side read from a `network-report.json` alone cannot
 * be: its flows are compared by id, and a note says which endpoints it lacks, when the other side
 * has flows for them. Nor can a stand-in of namespaces matched by labels (`[namespaces team=x]`)
 * that a report of an older version gives without `namespaceLabels`: a note names those too.
 */
export function alignSides(before: Side, after: Side, again: (which: Which, extra: readonly ReportEndpoint[]) => NetworkReport): Aligned {
  const notes: string[] = [];
  const align = (which: Which, own: Side, other: Side): NetworkReport => {
    const [self, them] = which === 'before' ? ['OLD', 'NEW'] : ['NEW', 'OLD'];
    // The other side's stand-ins of namespaces matched by labels that its report gives without the labels: not computable here.
    const has = new Set(own.report.endpoints.map((e) => e.id));
    const used = new Set(other.report.flows.flatMap((f) => [f.from, f.to]));
    const unlabelled = unlabelledStandIns(other.report).map((e) => e.id).filter((id) => !has.has(id) && used.has(id));
    if (unlabelled.length) {
      notes.push(`${them} is a network report without the labels of the namespaces its ${unlabelled.length === 1 ? 'endpoint' : 'endpoints'} `
        + `${unlabelled.map((id) => `\`${id}\``).join(', ')} stand${unlabelled.length === 1 ? 's' : ''} for (written by an older version), `
        + `so ${self} cannot compute their flows: they are compared by endpoint id and may be listed as opened or closed although `
        + 'the same namespaces are admitted through another endpoint.');
    }
    const extra = missingStandIns(own.report, other.report);
    if (extra.length === 0) return own.report;
    if (own.manifests) return again(which, extra);
    const ids = extra.map((e) => e.id).filter((id) => used.has(id));
    if (ids.length) {
      notes.push(`${self} is a network report without manifests: the flows of ${ids.length === 1 ? 'the endpoint' : 'the endpoints'} `
        + `${ids.map((id) => `\`${id}\``).join(', ')}, which only ${them} names, cannot be computed for it, so they are compared by endpoint id `
        + 'and may be listed as opened or closed although the same pods are admitted through another endpoint.');
    }
    return own.report;
  };
  return { before: align('before', before, after), after: align('after', after, before), notes };
}
