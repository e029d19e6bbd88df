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
  /**
   * SHA-256 (hex) of the objects' own SHA-256s (hex, of `JSON.stringify` of each object), sorted and
   * joined by newlines: the order of the objects does not count.
   */
  readonly sha256: string;
}

/** The digest of objects as synth rendered them, or as parsed back from their YAML (key order and values survive the round trip). */
export function manifestDigest(objects: readonly { readonly json: unknown }[]): ReportManifests {
  // One object's text at a time: the texts of a large app (15 MB at 5000 apps) are never held together.
  const digests = objects.map((o) => createHash('sha256').update(JSON.stringify(o.json)).digest('hex')).sort();
  return { objects: digests.length, sha256: createHash('sha256').update(digests.join('\n')).digest('hex') };
}
