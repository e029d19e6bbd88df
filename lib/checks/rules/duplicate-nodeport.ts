import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import type { ManifestObject } from '../objects';
import { compare, refOf } from '../objects';

/** Two Services claiming the same nodePort. */
export const duplicateNodePort: ICheck = {
  name: 'duplicate-nodeport',
  severity: 'error',
  description: 'A nodePort is allocated cluster-wide: two Services of the app must not claim the same one (the second is rejected by the API ' +
    'server).',
  equivalents: ['API server nodePort allocator ("provided port is already allocated")'],
  run(ctx) {
    const out: Problem[] = [];
    const claims = new Map<number, { svc: ManifestObject; field: string }[]>();
    for (const svc of ctx.ofKind('Service')) {
      (svc.json?.spec?.ports ?? []).forEach((p: any, i: number) => {
        if (typeof p?.nodePort !== 'number') return;
        const list = claims.get(p.nodePort) ?? [];
        // One Service may use the same nodePort for TCP and UDP of the same port.
        if (!list.some((c) => c.svc === svc)) list.push({ svc, field: `spec.ports[${i}].nodePort` });
        claims.set(p.nodePort, list);
      });
    }
    for (const [port, list] of [...claims].sort((a, b) => a[0] - b[0])) {
      if (list.length < 2) continue;
      const [first, ...rest] = [...list].sort((a, b) => compare(a.svc.path, b.svc.path));
      for (const c of rest) {
        const f = refOf(first.svc);
        out.push(problem(refOf(c.svc), c.field, port,
          `Service ${f.namespace ?? 'default'}/${f.name} (${f.path}) claims nodePort ${port} too; a node port belongs to one Service in the whole ` +
            `cluster`,
          'give each Service its own nodePort, or leave nodePort out and let the cluster allocate one', [f]));
      }
    }
    return out;
  },
};
