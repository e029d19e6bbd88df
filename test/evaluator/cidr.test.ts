import { ipBlockCovers, parseCidr, parseIp, parseIpBlock, rangeContains, rangesOverlap } from '../../lib/evaluator/cidr';

describe('parseIp', () => {
  test.each([
    ['0.0.0.0', 4, 0n],
    ['10.1.2.3', 4, 0x0a010203n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['2001:db8::', 6, 0x20010db8n << 96n],
    ['2001:DB8:0:0:0:0:0:1', 6, (0x20010db8n << 96n) | 1n],
    ['fe80::1:2', 6, (0xfe80n << 112n) | (1n << 16n) | 2n],
    ['::ffff:10.0.0.1', 6, (0xffffn << 32n) | 0x0a000001n],
  ])('%s', (text, family, value) => {
    expect(parseIp(text)).toEqual({ family, value });
  });

  test.each(['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.-1', 'a.b.c.d', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::1', '12345::', '1.2.3.4::'])(
    'rejects %j',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );
});

describe('parseCidr', () => {
  test('a bare address is a single-address range', () => {
    expect(parseCidr('10.0.0.1')).toEqual({ family: 4, first: 0x0a000001n, last: 0x0a000001n });
  });

  test('host bits are masked off', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, first: 0x0a000000n, last: 0x0affffffn });
    expect(parseCidr('2001:db8::1/32')).toEqual({ family: 6, first: 0x20010db8n << 96n, last: (0x20010db8n << 96n) | ((1n << 96n) - 1n) });
  });

  test('/0 covers the whole family', () => {
    expect(parseCidr('0.0.0.0/0')).toEqual({ family: 4, first: 0n, last: 0xffffffffn });
    expect(parseCidr('::/0')).toEqual({ family: 6, first: 0n, last: (1n << 128n) - 1n });
  });

  test.each(['10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/', '10.0.0.0/8/8', 'nope/8'])('rejects %j', (text) => {
    expect(() => parseCidr(text)).toThrow(/invalid IP or CIDR/);
  });
});

describe('range relations', () => {
  test('containment and overlap respect the family', () => {
    expect(rangeContains(parseCidr('10.0.0.0/8'), parseCidr('10.2.0.0/16'))).toBe(true);
    expect(rangeContains(parseCidr('10.2.0.0/16'), parseCidr('10.0.0.0/8'))).toBe(false);
    expect(rangesOverlap(parseCidr('10.2.0.0/16'), parseCidr('10.0.0.0/8'))).toBe(true);
    expect(rangesOverlap(parseCidr('10.0.0.0/16'), parseCidr('10.1.0.0/16'))).toBe(false);
    expect(rangesOverlap(parseCidr('0.0.0.0/0'), parseCidr('::/0'))).toBe(false);
  });

  test('an ipBlock covers ranges inside its CIDR that avoid every except', () => {
    const block = parseIpBlock('fd00::/8', ['fd00:1::/32']);
    expect(ipBlockCovers(block, parseCidr('fd00:2::1'))).toBe(true);
    expect(ipBlockCovers(block, parseCidr('fd00:1::1'))).toBe(false);
    expect(ipBlockCovers(block, parseCidr('fd00::/16'))).toBe(false); // contains the except
    expect(ipBlockCovers(block, parseCidr('fe00::1'))).toBe(false);
  });
});
