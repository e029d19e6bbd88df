import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import { describeListener, gatewaysOf, listenersOf, listenerVerdict } from '../listeners';
import { namespaceOf, refOf } from '../objects';
import { routeParents } from '../routes';

/**
 * An HTTPRoute naming a Gateway of the app that none of its listeners takes: Gateway API counts the
 * route detached from that parent (`Accepted: False`), so it serves nothing there. Judged only when
 * every listener's verdict is known (see `listeners.ts`).
 */
export const routeNotAttached: ICheck = {
  name: 'route-not-attached',
  severity: 'error',
  description: 'An HTTPRoute\'s parentRef to a Gateway of the app must be taken by one of its listeners (sectionName, port, hostname, '
    + 'allowedRoutes); otherwise the Gateway does not accept the route and it serves nothing.',
  equivalents: ['the Gateway implementation\'s Accepted=False route status (NoMatchingParent, NoMatchingListenerHostname, NotAllowedByListeners)'],
  run(ctx) {
    const out: Problem[] = [];
    const gateways = gatewaysOf(ctx);
    for (const route of ctx.ofKind('HTTPRoute')) {
      const hosts: string[] = (route.json?.spec?.hostnames ?? []).map(String);
      routeParents(route).forEach((parent, i) => {
        const gateway = parent.kind === undefined ? gateways.get(`${parent.namespace}/${parent.name}`) : undefined;
        if (!gateway) return;
        const listeners = listenersOf(gateway);
        const verdicts = listeners.map((l) => ({ l, v: listenerVerdict(ctx, l, parent, namespaceOf(route), hosts) }));
        if (verdicts.some(({ v }) => v.takes !== 'no')) return;
        const named = parent.sectionName !== undefined && !listeners.some((l) => l.name === parent.sectionName);
        const id = `${parent.namespace}/${parent.name}`;
        const reasons = verdicts.map(({ l, v }) => `${describeListener(l)}: ${v.takes === 'yes' ? '' : v.why}`);
        const why = named
          ? `Gateway ${id} has no listener named ${parent.sectionName} (it has ${listeners.map((l) => l.name).join(', ') || 'none'})`
          : `no listener of Gateway ${id} takes it: ${reasons.join('; ')}`;
        out.push(problem(refOf(route), parent.field, route.json.spec.parentRefs[i],
          `${why}; the Gateway does not accept the route there, so it serves nothing through it`,
          'attach it to a listener that takes it: a sectionName (or port) of a listener whose hostname intersects the route\'s hostnames and whose '
            + 'allowedRoutes admit its namespace, or change the Gateway\'s listeners',
          [refOf(gateway)]));
      });
    }
    return out;
  },
};
