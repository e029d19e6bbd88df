/**
 * What a report was computed from, so that the command line can tell a `network-report.json` from
 * the manifests beside it that were edited, added or removed after synth.
 */
import { createHash } from 'crypto';

/**
 * The objects a report was computed from.
 * @jsii ignore
 */
export interface ReportManifests {
  /** How many objects. */
  readonly objects: number;
  /** SHA-256 (hex) of the objects' JSON texts (`JSON.stringify` of each), sorted, joined by newlines. */
  readonly sha256: string;
}

/** The digest of objects as synth rendered them, or as parsed back from their YAML (key order and values survive the round trip). */
export function manifestDigest(objects: readonly { readonly json: unknown }[]): ReportManifests {
  const texts = objects.map((o) => JSON.stringify(o.json)).sort();
  return { objects: texts.length, sha256: createHash('sha256').update(texts.join('\n')).digest('hex') };
}
