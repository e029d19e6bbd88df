import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import type { PodTemplate } from '../objects';
import { describeRef, namespaceOf, refOf } from '../objects';

/** A Service port whose targetPort no container of the selected pods exposes. */
export const serviceTargetPort: ICheck = {
  name: 'service-target-port',
  severity: 'error',
  description: 'Each Service targetPort (number or name; the port itself when omitted) must be a container port of the selected pods, with the ' +
    'same protocol.',
  equivalents: ['kube-linter dangling-service (ports)', 'kube-score service-targets-pod'],
  run(ctx) {
    const out: Problem[] = [];
    for (const svc of ctx.ofKind('Service')) {
      const selector = svc.json?.spec?.selector;
      if (svc.json?.spec?.type === 'ExternalName' || !selector || Object.keys(selector).length === 0) continue;
      const selected = ctx.selectTemplatesByLabels(namespaceOf(svc), selector);
      if (selected.length === 0) continue; // service-targets-pod reports it
      const ports: any[] = svc.json?.spec?.ports ?? [];
      ports.forEach((p, i) => {
        const protocol = String(p?.protocol ?? 'TCP');
        const target = p?.targetPort ?? p?.port;
        const field = `spec.ports[${i}].targetPort`;
        const names = (ts: readonly PodTemplate[]) => ts.map((t) => describeRef(refOf(t.object))).join(', ');
        if (typeof target === 'string' && !/^\d+$/.test(target)) {
          const missing = selected.filter((t) => !t.ports.some((c) => c.name === target && c.protocol === protocol));
          if (missing.length === 0) return;
          out.push(problem(refOf(svc), field, target,
            `no ${protocol} container port named "${target}" in ${names(missing)}, so those pods get no traffic`,
            `name the container port "${target}" in those pod templates, or set targetPort to a port they declare`,
            missing.map((t) => refOf(t.object))));
          return;
        }
        const number = Number(target);
        if (selected.some((t) => t.ports.some((c) => c.containerPort === number && c.protocol === protocol))) return;
        const declared = [...new Set(selected.flatMap((t) => t.ports.map((c) => `${c.protocol}/${c.containerPort}`)))].sort();
        out.push(problem(refOf(svc), field, number,
          `no container of the selected pods (${names(selected)}) declares ${protocol} port ${number}${declared.length ? ` (they declare ` +
            `${declared.join(', ')})` : ' (they declare no ports)'}`,
          `set targetPort to the port the container listens on, or declare containerPort ${number} on the container`,
          selected.map((t) => refOf(t.object))));
      });
    }
    return out;
  },
};
