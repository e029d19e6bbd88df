import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import { namespaceOf, refOf } from '../objects';
import { namespacesNamedBy } from './networkpolicy-targets-pod';

/** The policy APIs the flow verification reads: `apiVersion kind`. */
const READ = new Set(['networking.k8s.io/v1 NetworkPolicy', 'cilium.io/v2 CiliumNetworkPolicy']);

/**
 * A network policy of an API the flow verification does not read: Calico's NetworkPolicy and
 * GlobalNetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy, CiliumClusterwideNetworkPolicy,
 * Antrea's policies, a NetworkPolicy of another apiVersion. Each can allow (or deny) what the proof
 * does not see, so the proof says so. Likewise an egress rule naming a port by name towards pods
 * the app does not define: the name resolves on those pods, whose port numbers the app does not know.
 */
export const policyUnverified: ICheck = {
  name: 'policy-unverified',
  severity: 'warning',
  description: 'A network policy of an API the flow verification does not read (Calico, AdminNetworkPolicy, CiliumClusterwideNetworkPolicy, ' +
    'Antrea), or an egress rule naming a port towards pods outside the app, may allow or deny what the proof and the report do not show.',
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
    for (const pol of ctx.ofKind('NetworkPolicy')) {
      const ns = namespaceOf(pol);
      // The library renders a port name only from a declared flow, which names the port on those pods itself.
      if (pol.json?.apiVersion !== 'networking.k8s.io/v1' || ctx.libraryPolicies.has(`${ns}/${pol.json?.metadata?.name}`)) continue;
      // A peer whose pods all live in namespaces the app fully defines: their port names are known.
      const known = (peer: any): boolean => {
        if (peer?.ipBlock !== undefined) return true;
        const namespaces = peer?.namespaceSelector ? namespacesNamedBy(peer.namespaceSelector) : [ns];
        return namespaces !== undefined && namespaces.length > 0 && namespaces.every((n) => ctx.ownedNamespaces.has(n));
      };
      (pol.json?.spec?.egress ?? []).forEach((rule: any, r: number) => {
        const peers: any[] = rule?.to ?? [];
        if (peers.length > 0 && peers.every(known)) return;
        (rule?.ports ?? []).forEach((port: any, i: number) => {
          if (port?.port === undefined || port.port === null || /^\d+$/.test(String(port.port))) return;
          out.push(problem(refOf(pol), `spec.egress[${r}].ports[${i}].port`, String(port.port),
            'an egress port given by name resolves on the destination pods, and this rule reaches pods the app does not define, whose '
              + 'port numbers it does not know: what the rule allows towards them is not in the proof or the report',
            'give the port number, or narrow the rule to pods of the app\'s zero-trust namespaces'));
        });
      });
    }
    return out;
  },
};
