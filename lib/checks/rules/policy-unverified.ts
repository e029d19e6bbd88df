import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import { refOf } from '../objects';

/** The policy APIs the flow verification reads: `apiVersion kind`. */
const READ = new Set(['networking.k8s.io/v1 NetworkPolicy', 'cilium.io/v2 CiliumNetworkPolicy']);

/**
 * A network policy of an API the flow verification does not read: Calico's NetworkPolicy and
 * GlobalNetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy, CiliumClusterwideNetworkPolicy,
 * Antrea's policies, a NetworkPolicy of another apiVersion. Each can allow (or deny) what the proof
 * does not see, so the proof says so.
 */
export const policyUnverified: ICheck = {
  name: 'policy-unverified',
  severity: 'warning',
  description: 'A network policy of an API the flow verification does not read (Calico, AdminNetworkPolicy, CiliumClusterwideNetworkPolicy, ' +
    'Antrea) may allow or deny what the proof and the report do not show.',
  equivalents: [],
  run(ctx) {
    const out: Problem[] = [];
    for (const obj of ctx.objects) {
      const kind = String(obj.json?.kind ?? '');
      const apiVersion = String(obj.json?.apiVersion ?? '');
      if (!kind.endsWith('NetworkPolicy') || READ.has(`${apiVersion} ${kind}`)) continue;
      out.push(problem(refOf(obj), 'apiVersion', apiVersion,
        'the flow verification reads networking.k8s.io/v1 NetworkPolicy and cilium.io/v2 CiliumNetworkPolicy only, so what this policy allows ' +
          'or denies is not in the proof or the report: flows it opens are not checked against the declared ones, and flows it drops are ' +
          'reported as allowed',
        'express the rule as flows (app.allowFrom, allowTo, allowIngressFrom, allowEgressTo), or accept it with the skip annotation'));
    }
    return out;
  },
};
