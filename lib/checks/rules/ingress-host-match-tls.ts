import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import { refOf } from '../objects';
import { tlsHostCovers } from '../routes';

/** An Ingress with TLS whose rule host is missing from `tls[].hosts`. */
export const ingressHostMatchTls: ICheck = {
  name: 'ingress-host-match-tls',
  severity: 'error',
  description: 'When an Ingress has a tls section, every rule host must be listed in tls[].hosts; otherwise that host is served with the '
    + 'controller\'s default certificate and cert-manager does not put it in the certificate.',
  equivalents: ['Kyverno ingress-host-match-tls'],
  run(ctx) {
    const out: Problem[] = [];
    for (const rule of ctx.routes) {
      if (rule.kind !== 'Ingress' || rule.hosts.length === 0) continue;
      const tls: any[] = rule.object.json?.spec?.tls ?? [];
      if (tls.length === 0) continue;
      const tlsHosts: string[] = tls.flatMap((t) => t?.hosts ?? []).map(String);
      const host = rule.hosts[0];
      if (tlsHosts.some((t) => tlsHostCovers(t, host))) continue;
      out.push(problem(refOf(rule.object), `${rule.field}.host`, host,
        `it is not in spec.tls[].hosts (${tlsHosts.length ? tlsHosts.join(', ') : 'none listed'}), so it is served with the controller's default `
          + 'certificate',
        `add "${host}" to the hosts of a spec.tls entry (with cert-manager, its certificate then covers it)`));
    }
    return out;
  },
};
