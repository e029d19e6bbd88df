/**
 * IPv4 and IPv6 address and CIDR arithmetic, on bigints.
 *
 * A CIDR is held as the inclusive range of addresses it covers, so that
 * containment and overlap are two comparisons.
 */

/** The IP family of an address or CIDR. */
export type IpFamily = 4 | 6;

/** A parsed IP address. */
export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** A parsed CIDR: the inclusive range of addresses it covers. */
export interface IpRange {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

/** An `ipBlock` peer: a CIDR minus the CIDRs of its `except` list. */
export interface IpBlock {
  readonly range: IpRange;
  readonly except: readonly IpRange[];
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

/** Parses an IPv4 or IPv6 address; returns undefined if it is neither. */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

/**
 * Parses `addr/len` (or a bare address, taken as a single-address CIDR).
 * Host bits are masked off, as Go's `net.ParseCIDR` does.
 * @throws Error if the text is not a valid IPv4/IPv6 address or CIDR.
 */
export function parseCidr(text: string): IpRange {
  const [addressText, prefixText, ...rest] = text.trim().split('/');
  const address = parseIp(addressText);
  const bits = address ? BITS[address.family] : 0;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  const validPrefix = prefixText === undefined || /^\d{1,3}$/.test(prefixText);
  if (!address || rest.length > 0 || !validPrefix || prefix > bits) {
    throw new Error(`invalid IP or CIDR: '${text}'`);
  }
  const hostBits = BigInt(bits - prefix);
  const hostMask = (1n << hostBits) - 1n;
  const first = address.value & ~hostMask;
  return { family: address.family, first, last: first | hostMask };
}

/**
 * Parses a single IPv4/IPv6 address (no prefix) as a one-address range.
 * @throws Error if the text is not an address.
 */
export function parseAddress(text: string): IpRange {
  const address = parseIp(text.trim());
  if (!address) throw new Error(`invalid IP address: '${text}'`);
  return addressRange(address);
}

/** Parses an `ipBlock` (`{ cidr, except }`). */
export function parseIpBlock(cidr: string, except: readonly string[] = []): IpBlock {
  return { range: parseCidr(cidr), except: except.map(parseCidr) };
}

/** True iff `outer` covers every address of `inner`. */
export function rangeContains(outer: IpRange, inner: IpRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

/** True iff the two ranges share at least one address. */
export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/**
 * True iff every address of `range` is allowed by the block: inside its CIDR
 * and outside all of its `except` CIDRs.
 */
export function ipBlockCovers(block: IpBlock, range: IpRange): boolean {
  return rangeContains(block.range, range) && !block.except.some((e) => rangesOverlap(e, range));
}

/** The single-address range of an address. */
export function addressRange(address: IpAddress): IpRange {
  return { family: address.family, first: address.value, last: address.value };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

/** Parses IPv6, with `::` compression and an optional dotted IPv4 tail (`::ffff:1.2.3.4`). */
function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const compressed = halves.length === 2;
  const head = ipv6Groups(halves[0], !compressed);
  const tail = compressed ? ipv6Groups(halves[1], true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (compressed ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/**
 * The 16-bit groups of a `:`-separated run of IPv6 text; its last piece may
 * be dotted IPv4 only if the run ends the address (`endsAddress`).
 */
function ipv6Groups(text: string, endsAddress: boolean): number[] | undefined {
  if (text === '') return [];
  const pieces = text.split(':');
  const groups: number[] = [];
  for (const [i, piece] of pieces.entries()) {
    if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
      groups.push(parseInt(piece, 16));
      continue;
    }
    const v4 = endsAddress && i === pieces.length - 1 ? parseIpv4(piece) : undefined;
    if (v4 === undefined) return undefined;
    groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
  }
  return groups;
}
