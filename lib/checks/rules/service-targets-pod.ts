import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import type { PodTemplate } from '../objects';
import { formatLabels, namespaceOf, refOf } from '../objects';

/** A Service whose selector matches no pod template of the app. */
export const serviceTargetsPod: ICheck = {
  name: 'service-targets-pod',
  severity: 'error',
  description: 'A Service selector must match the pod template of at least one workload in its namespace.',
  equivalents: ['kube-score service-targets-pod', 'kube-linter dangling-service'],
  run(ctx) {
    const out: Problem[] = [];
    for (const svc of ctx.ofKind('Service')) {
      const selector = svc.json?.spec?.selector;
      if (svc.json?.spec?.type === 'ExternalName' || !selector || Object.keys(selector).length === 0) continue;
      const ns = namespaceOf(svc);
      if (ctx.selectTemplatesByLabels(ns, selector).length > 0) continue;
      const inNamespace = ctx.templates.filter((t) => t.namespace === ns);
      const seen = inNamespace.length === 0
        ? `namespace "${ns}" has no workload in this app`
        : `pod templates in "${ns}": ${inNamespace.slice(0, 5).map(templateText).join('; ')}${inNamespace.length > 5 ? '; ...' : ''}`;
      out.push(problem(refOf(svc), 'spec.selector', formatLabels(selector),
        `it matches no pod template in namespace "${ns}", so the Service has no endpoints (${seen})`,
        'make the selector match the labels of the workload\'s pod template (spec.template.metadata.labels; a CronJob\'s '
          + 'spec.jobTemplate.spec.template.metadata.labels, a Pod\'s metadata.labels), or remove the Service'));
    }
    return out;
  },
};

function templateText(t: PodTemplate): string {
  return `${refOf(t.object).kind} ${refOf(t.object).name} ${formatLabels(t.labels)}`;
}
