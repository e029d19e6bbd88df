import type { PortFieldProblem } from '../../evaluator/rule-ports';
import { isPortNumber, networkPolicyPortProblems } from '../../evaluator/rule-ports';
import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import { refOf } from '../objects';
import { NETWORKPOLICY_PORT } from '../unskippable';

/**
 * A NetworkPolicy port the API server refuses (`ValidateNetworkPolicyPort`): written by hand, by
 * cdk8s-plus (`NetworkPolicyPort.allTcp()` writes port 0), or by a JSON patch on a rendered policy.
 * The evaluator refuses the same ports, so this check runs before the checks that read policies.
 */
export const networkPolicyPort: ICheck = {
  name: NETWORKPOLICY_PORT,
  severity: 'error',
  description: 'Each port of a NetworkPolicy rule must be one the API server accepts: protocol TCP, UDP or SCTP; a port number from 1 to 65535 '
    + 'or an IANA port name; endPort only after a numeric port, not below it, at most 65535.',
  equivalents: ['the API server (ValidateNetworkPolicyPort)'],
  run(ctx) {
    const out: Problem[] = [];
    for (const policy of ctx.ofKind('NetworkPolicy')) {
      if (policy.json?.apiVersion !== 'networking.k8s.io/v1') continue;
      for (const direction of ['ingress', 'egress'] as const) {
        const rules: unknown = policy.json?.spec?.[direction];
        if (!Array.isArray(rules)) continue;
        rules.forEach((rule: any, i) => {
          const ports: unknown = rule?.ports;
          if (!Array.isArray(ports)) return;
          ports.forEach((entry, j) => {
            for (const p of networkPolicyPortProblems(entry)) {
              const field = `spec.${direction}[${i}].ports[${j}]${p.field ? `.${p.field}` : ''}`;
              out.push(problem(refOf(policy), field, p.value, p.rule, fixOf(p, entry)));
            }
          });
        });
      }
    }
    return out;
  },
};

/** What to write instead. */
function fixOf(p: PortFieldProblem, entry: any): string {
  const protocol = typeof entry?.protocol === 'string' ? entry.protocol : 'TCP';
  switch (p.field) {
    case '':
      return 'write each entry as an object: { port: 443 }, { port: "http" }, { port: 8000, endPort: 8080 }, '
        + 'or { protocol: "UDP" } for every UDP port';
    case 'protocol':
      return 'write TCP, UDP or SCTP, in capitals, or leave protocol out for TCP';
    case 'port':
      if (typeof p.value === 'string' && /^\d+$/.test(p.value)) return `write port: ${Number(p.value)}`;
      if (typeof p.value === 'string') {
        return 'name the port as the destination pods\' container port is named (lowercase, such as http-alt), or give its number';
      }
      if (p.value === 0 && entry?.endPort === 65535) {
        const all = protocol === 'TCP' ? 'allTcp' : 'allUdp';
        const plus = protocol === 'TCP' || protocol === 'UDP'
          ? ` (in cdk8s-plus, NetworkPolicyPort.of({ protocol: NetworkProtocol.${protocol} }) in place of ${all}())` : '';
        return `leave port and endPort out to allow every ${protocol} port${plus}`;
      }
      return 'give a port number from 1 to 65535';
    case 'endPort':
      if (entry?.port === undefined || entry?.port === null) return 'give port, the first port of the range, or leave endPort out';
      if (typeof entry.port === 'string') return 'give the range as port numbers, or leave endPort out';
      if (isPortNumber(p.value)) return `give the range from its lowest port: port: ${p.value}, endPort: ${String(entry.port)}`;
      return 'give endPort from port to 65535';
  }
}
