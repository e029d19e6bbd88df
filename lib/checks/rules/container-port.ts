import { ianaSvcNameProblem, isPortNumber } from '../../evaluator/rule-ports';
import { PROTOCOLS } from '../../evaluator/types';
import type { Protocol } from '../../evaluator/types';
import { podTemplateOf, podTemplatePath } from '../../evaluator/workloads';
import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import type { ManifestObject } from '../objects';
import { refOf } from '../objects';
import { CONTAINER_PORT } from '../unskippable';

/** A container of a workload's pod template, with its field path (`spec.template.spec.containers[0]`). */
interface ContainerAt {
  readonly container: any;
  readonly field: string;
  /** A regular container, or an init container with `restartPolicy: Always` (a sidecar): its ports serve traffic. */
  readonly serving: boolean;
}

/** The containers of a workload, regular ones first, then init containers, as the API server lists them. */
function containersOf(obj: ManifestObject): ContainerAt[] {
  const path = podTemplatePath(obj.json);
  const spec = podTemplateOf(obj.json)?.spec;
  if (!path || !spec) return [];
  const at = [...path, 'spec'].join('.');
  const list = (key: string, serving: (c: any) => boolean): ContainerAt[] => (Array.isArray(spec[key]) ? spec[key] : [])
    .map((container: any, i: number) => ({ container, field: `${at}.${key}[${i}]`, serving: serving(container) }));
  return [...list('containers', () => true), ...list('initContainers', (c) => c?.restartPolicy === 'Always')];
}

/** The `ports` list of a container, or none. */
function portsOf(c: ContainerAt): any[] {
  return Array.isArray(c.container?.ports) ? c.container.ports : [];
}

/**
 * A container port the API server refuses (`validateContainerPorts`, per container): a name that is
 * not an IANA service name or that the container already gave another port, a containerPort
 * outside 1-65535, a protocol other than TCP, UDP and SCTP. Named NetworkPolicy ports resolve
 * against these, so the checks that read policies wait for it.
 */
export const containerPort: ICheck = {
  name: CONTAINER_PORT,
  severity: 'error',
  description: 'Each container port must be one the API server accepts: a containerPort from 1 to 65535, protocol TCP, UDP or SCTP, and a '
    + 'name (when given) that is an IANA service name not used by another port of the same container.',
  equivalents: ['the API server (validateContainerPorts)'],
  run(ctx) {
    const out: Problem[] = [];
    for (const obj of ctx.objects) {
      for (const c of containersOf(obj)) {
        const named = new Map<string, number>();
        portsOf(c).forEach((p, i) => {
          const at = `${c.field}.ports[${i}]`;
          const name: unknown = p?.name;
          if (name !== undefined && name !== null && name !== '') {
            const rule = ianaSvcNameProblem(name);
            const first = typeof name === 'string' ? named.get(name) : undefined;
            if (rule) {
              out.push(problem(refOf(obj), `${at}.name`, name, rule,
                'name the port with lowercase letters, digits and "-" (1 to 15, at least one letter), such as http-alt'));
            } else if (first !== undefined) {
              out.push(problem(refOf(obj), `${at}.name`, name,
                `${c.field}.ports[${first}] of the same container is named ${JSON.stringify(name)} too, and the API server refuses a port name `
                  + 'twice in a container',
                'give each port of the container a name of its own, or leave one unnamed'));
            } else {
              named.set(name as string, i);
            }
          }
          if (!isPortNumber(p?.containerPort)) {
            out.push(problem(refOf(obj), `${at}.containerPort`, p?.containerPort, 'must be a port number from 1 to 65535',
              'give the port the container listens on'));
          }
          const protocol: unknown = p?.protocol;
          if (protocol !== undefined && protocol !== null && !PROTOCOLS.includes(protocol as Protocol)) {
            out.push(problem(refOf(obj), `${at}.protocol`, protocol, 'must be "TCP", "UDP" or "SCTP" (in capitals)',
              'write TCP, UDP or SCTP, in capitals, or leave protocol out for TCP'));
          }
        });
      }
    }
    return out;
  },
};

/**
 * One port name in two containers of a pod: the API server accepts it with a warning, but which
 * port a NetworkPolicy (or a Service, or a probe) means by that name is then ambiguous.
 */
export const duplicatePortName: ICheck = {
  name: 'duplicate-port-name',
  severity: 'warning',
  description: 'A port name (with its protocol) that two containers of a pod give different port numbers: the verification resolves a NetworkPolicy '
    + 'port of that name to both, Services and probes to the first, and CNIs each their own way.',
  equivalents: ['the API server\'s warning "duplicate port name" (kubernetes/kubernetes#122170)'],
  run(ctx) {
    const out: Problem[] = [];
    for (const obj of ctx.objects) {
      // By name and protocol, in the order Services look them up: containers, then sidecars.
      const byName = new Map<string, { field: string; container: string; number: unknown }[]>();
      for (const c of containersOf(obj).filter((x) => x.serving)) {
        portsOf(c).forEach((p, i) => {
          if (typeof p?.name !== 'string' || p.name === '') return;
          const key = `${p.name}|${typeof p.protocol === 'string' ? p.protocol : 'TCP'}`;
          const list = byName.get(key) ?? [];
          list.push({ field: `${c.field}.ports[${i}]`, container: c.field, number: p.containerPort });
          byName.set(key, list);
        });
      }
      for (const [key, list] of byName) {
        const [name, protocol] = key.split('|');
        const first = list[0];
        const other = list.find((e) => e.container !== first.container && e.number !== first.number);
        if (!other) continue;
        const numbers = [...new Set(list.map((e) => String(e.number)))];
        const firstPort = `${protocol} ${String(first.number)}`;
        out.push(problem(refOf(obj), `${other.field}.name`, name,
          `${first.field} has the same name with ${firstPort}, this one is ${protocol} ${String(other.number)}: the flow verification resolves a `
            + `NetworkPolicy port ${JSON.stringify(name)} to every port so named (${protocol} ${numbers.join(', ')}), but Services and probes that `
            + `select the port by name use the first, ${firstPort} (the API server warns so), and CNIs differ (Cilium ignores an egress rule whose `
            + 'port name stands for two numbers: cilium/cilium#30003), so the cluster may allow less than the verification shows',
          'give each container port a name of its own (such as http and http-admin), and name in policies and Services the one you mean'));
      }
    }
    return out;
  },
};
