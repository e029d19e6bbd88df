/**
 * `tls-unverified`: under `requireTls()`, an HTTPRoute whose TLS the library cannot derive
 * (`listeners.ts`): its Gateway is not in the app, or a listener's admission depends on what the
 * app does not say. The guardrail fails synth only on what is known to be plain HTTP, so this says
 * where it could not look.
 */
import type { CheckContext } from './context';
import type { Finding } from './finding';
import { problem } from './finding';
import { gatewaysOf, routeTls } from './listeners';
import type { ManifestObject } from './objects';
import { refOf } from './objects';

/** Check name of an HTTPRoute whose TLS `requireTls()` cannot verify. */
export const TLS_UNVERIFIED = 'tls-unverified';

/**
 * One warning per HTTPRoute and reason, naming the hosts whose TLS is unknown. A redirect rule that
 * names its scheme is left out: to `https` it serves nothing over plain HTTP, to `http` the
 * guardrail refuses it whatever the listener. One that names none keeps the request's scheme, so
 * it is plain HTTP on a plain-HTTP listener, which the library cannot see either.
 */
export function tlsUnverified(ctx: CheckContext): Finding[] {
  const gateways = gatewaysOf(ctx);
  const byRoute = new Map<ManifestObject, Map<string, string[]>>();
  for (const rule of ctx.routes) {
    if (rule.kind !== 'HTTPRoute' || rule.redirect?.scheme !== undefined) continue;
    let notes = byRoute.get(rule.object);
    for (const host of rule.hosts.length ? rule.hosts : ['*']) {
      const t = routeTls(ctx, gateways, rule.namespace, rule.parents, host === '*' ? undefined : host);
      if (t.tls !== 'unknown') continue;
      if (!notes) byRoute.set(rule.object, (notes = new Map()));
      const hosts = notes.get(t.note!) ?? [];
      if (!hosts.includes(host)) hosts.push(host);
      notes.set(t.note!, hosts);
    }
  }
  const out: Finding[] = [];
  for (const [route, notes] of byRoute) {
    for (const [note, hosts] of notes) {
      out.push({
        ...problem(refOf(route), 'spec.hostnames', hosts,
          `requireTls() cannot verify that ${hosts.length === 1 ? 'it is' : 'they are'} served with TLS only: ${note}`,
          'put the Gateway in the app (RoutingApi.httpRoute({ createGateway }), or an ApiObject of it) so that its listeners are checked, or '
            + 'check them yourself and accept this warning'),
        check: TLS_UNVERIFIED,
        severity: 'warning',
      });
    }
  }
  return out;
}
