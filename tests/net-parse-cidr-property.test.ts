// The compiler reads every rule's addresses with net.parseCidr, which reads plain
// a.b.c.d/n itself instead of building a Netmask. Property: for any string, plain or odd
// (leading zeros netmask reads as octal, hex octets, short forms, missing or wide prefixes),
// parseCidr gives exactly what netmask gives, and throws exactly when netmask throws.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Netmask } from 'netmask';
import { net } from '../core/inventory/index.js';

function byNetmask(s: string): { base: number; prefix: number } | 'throws' {
  try {
    const nm = new Netmask(s);
    return { base: net.ipToInt(nm.base), prefix: nm.bitmask };
  } catch {
    return 'throws';
  }
}

function byParseCidr(s: string): { base: number; prefix: number } | 'throws' {
  try {
    const b = net.parseCidr(s);
    return { base: b.base, prefix: b.prefix };
  } catch {
    return 'throws';
  }
}

const octet = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map(String),
  fc.integer({ min: 0, max: 999 }).map(String),
  fc.constantFrom('0', '00', '010', '08', '0x1f', '0XFF', '255', '256', '', '1000', '007'),
);
const prefix = fc.oneof(
  fc.integer({ min: 0, max: 32 }).map(String),
  fc.constantFrom('', '00', '08', '33', '99', '100', '-1', '1a', '032'),
);
const cidr = fc
  .tuple(fc.array(octet, { minLength: 1, maxLength: 5 }), fc.option(prefix, { nil: undefined }))
  .map(([o, p]) => (p === undefined ? o.join('.') : `${o.join('.')}/${p}`));

describe('net.parseCidr reads addresses as netmask does', () => {
  it('gives the same block for plain a.b.c.d/n, host bits cleared', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }), (o, p) => {
        const s = `${o.join('.')}/${p}`;
        expect(byParseCidr(s)).toEqual(byNetmask(s));
      }),
      { numRuns: 20000 },
    );
  });

  it('gives the same block, or the same refusal, for odd and malformed strings', () => {
    fc.assert(
      fc.property(fc.oneof(cidr, fc.string({ maxLength: 24 })), (s) => {
        expect(byParseCidr(s)).toEqual(byNetmask(s));
      }),
      { numRuns: 20000 },
    );
  });

  it('keeps the edge cases: /0, /32, 0.0.0.0 and 255.255.255.255', () => {
    for (const s of ['0.0.0.0/0', '255.255.255.255/0', '255.255.255.255/32', '10.1.2.3/8', '192.168.1.77/31', '1.2.3.4/1']) {
      expect(byParseCidr(s)).toEqual(byNetmask(s));
    }
    expect(net.parseCidr('10.1.2.3/8')).toEqual({ base: 0x0a000000, prefix: 8 });
  });
});
