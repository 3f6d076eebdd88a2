// The audit and the flow matrix ask every flow about every port the policies name, in the
// order portUniverse gives: the collator's numeric order of `443/tcp`, `53/udp`, `icmp`.
// portUniverse sorts plain ports with portOrder instead of the collator; these tests hold
// the two to one order on every port number of both protocols and icmp, and on the
// universe of the example policy with generated rules.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { portCollator, portOrder, portText, portUniverse, type Port } from '../core/policy/flows.js';
import { loadInventory, type PortRange } from '../core/inventory/index.js';
import { loadPolicy, type AccessPolicy } from '../core/policy/index.js';
import { exampleInventory, repoRoot } from './support/inventory.js';

const byCollator = (ports: readonly Port[]) => [...ports].sort((a, b) => portCollator().compare(portText(a), portText(b)));

describe('ports are listed in the order people read them', () => {
  it('every tcp and udp port number and icmp: portOrder sorts as the collator does', () => {
    const all: Port[] = ['icmp'];
    for (let n = 0; n <= 65535; n++) all.push({ proto: 'tcp', from: n, to: n }, { proto: 'udp', from: n, to: n });
    // A fixed shuffle, so neither sort starts from sorted input.
    let s = 7;
    for (let i = all.length - 1; i > 0; i--) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const j = s % (i + 1);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    expect([...all].sort(portOrder).map(portText)).toEqual(byCollator(all).map(portText));
  });

  it('random sets of ports: the same order both ways', () => {
    const port = fc.oneof(fc.constant<Port>('icmp'), fc.record({ proto: fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'), n: fc.integer({ min: 0, max: 65535 }) }).map(({ proto, n }): Port => ({ proto, from: n, to: n })));
    fc.assert(fc.property(fc.array(port, { maxLength: 300 }), (ports) => {
      expect([...ports].sort(portOrder).map(portText)).toEqual(byCollator(ports).map(portText));
    }), { numRuns: 500 });
  });

  it('the universe of the example policy with 500 generated rules is in the collator order', () => {
    const inv = loadInventory(exampleInventory);
    if (!inv.ok) throw new Error('example inventory must load');
    const pol = loadPolicy(`${repoRoot}/policies/access.yaml`, inv.value);
    if (!pol.ok) throw new Error('policy must load');
    const extra = Array.from({ length: 500 }, (_, i): PortRange => ({ proto: i % 3 ? 'tcp' : 'udp', from: 1000 + ((i * 7919) % 60000), to: 1000 + ((i * 7919) % 60000) + (i % 5) }));
    const policy: AccessPolicy = { ...pol.value, rules: [...pol.value.rules, { ...pol.value.rules[0]!, id: 'generated', ports: extra, icmp: true }] };
    const universe = portUniverse(inv.value, [policy]);
    expect(universe.length).toBeGreaterThan(500);
    expect(universe.map(portText)).toEqual(byCollator(universe).map(portText));
  });
});
