import type { Check } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import { refOf } from '../objects';

/** Whether a TLS host (maybe `*.example.com`) covers a rule host, with Ingress wildcard semantics. */
export function tlsHostCovers(tlsHost: string, host: string): boolean {
  if (tlsHost === host) return true;
  if (!tlsHost.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  // `*` is exactly one label: *.foo.com covers bar.foo.com, not foo.com nor a.bar.foo.com.
  return dot > 0 && host.slice(dot + 1) === tlsHost.slice(2) && !host.startsWith('*.');
}

/** An Ingress with TLS whose rule host is missing from `tls[].hosts`. */
export const ingressHostMatchTls: Check = {
  name: 'ingress-host-match-tls',
  severity: 'error',
  description: 'When an Ingress has a tls section, every rule host must be listed in tls[].hosts; otherwise that host is served with the ' +
    'controller\'s default certificate and cert-manager does not put it in the certificate.',
  equivalents: ['Kyverno ingress-host-match-tls'],
  run(ctx) {
    const out: Problem[] = [];
    for (const ing of ctx.ofKind('Ingress')) {
      const tls: any[] = ing.json?.spec?.tls ?? [];
      if (tls.length === 0) continue;
      const tlsHosts: string[] = tls.flatMap((t) => t?.hosts ?? []).map(String);
      (ing.json?.spec?.rules ?? []).forEach((rule: any, r: number) => {
        const host = rule?.host;
        if (typeof host !== 'string' || host === '' || tlsHosts.some((t) => tlsHostCovers(t, host))) return;
        out.push(problem(refOf(ing), `spec.rules[${r}].host`, host,
          `it is not in spec.tls[].hosts (${tlsHosts.length ? tlsHosts.join(', ') : 'none listed'}), so it is served with the controller's default ` +
            `certificate`,
          `add "${host}" to the hosts of a spec.tls entry (with cert-manager, its certificate then covers it)`));
      });
    }
    return out;
  },
};
