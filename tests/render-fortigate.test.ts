// The fortigate target: a golden file for the crisis cell's firewall with a fixed rule
// set (so it tests the target, not the access policy), and checks that read the
// policies back: rule order, NAT only towards the WAN for masqueraded zones,
// management restricted, SNMPv3 only, secrets as placeholders.
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../core/inventory/index.js';
import { planInventory, type FirewallIntent, type RuleCompiler } from '../core/plan/index.js';
import { renderDevice } from '../core/render/index.js';
import { expectGolden } from './support/golden.js';
import { exampleInventory } from './support/inventory.js';

const loaded = loadInventory(exampleInventory);
if (!loaded.ok) throw new Error('example inventory must load');

const rules: RuleCompiler = () => ({
  sets: [
    { name: 'svc_dns', addresses: ['10.10.0.53/32', '10.10.1.53/32'], comment: 'dns: State resolvers' },
    { name: 'noc', addresses: ['10.127.0.0/16'], comment: 'NOC' },
  ],
  rules: [
    {
      id: 'staff-dns',
      action: 'accept',
      from: { any: false, zones: ['staff', 'voice'], sets: [] },
      to: { any: false, zones: [], sets: ['svc_dns'] },
      services: [{ proto: 'udp', ports: [{ from: 53, to: 53 }] }, { proto: 'tcp', ports: [{ from: 53, to: 53 }] }],
      comment: 'staff and phones resolve names',
    },
    { id: 'guest-block', action: 'drop', from: { any: false, zones: ['guest'], sets: [] }, to: { any: false, zones: ['staff', 'printers'], sets: [] }, services: [], comment: 'guests stay out' },
    { id: 'staff-print', action: 'accept', from: { any: false, zones: ['staff'], sets: [] }, to: { any: false, zones: ['printers'], sets: [] }, services: [{ proto: 'tcp', ports: [{ from: 9100, to: 9100 }, { from: 631, to: 631 }] }], comment: 'printing' },
    { id: 'voice-rtp', action: 'accept', from: { any: false, zones: ['voice'], sets: [] }, to: { any: true, zones: [], sets: [] }, services: [{ proto: 'udp', ports: [{ from: 10000, to: 20000 }] }, { proto: 'icmp', ports: [] }], comment: 'media' },
    { id: 'noc-mgmt', action: 'accept', from: { any: false, zones: [], sets: ['noc'] }, to: { any: false, zones: ['mgmt'], sets: [] }, services: [{ proto: 'tcp', ports: [{ from: 22, to: 22 }] }], comment: 'NOC manages devices' },
  ],
  diagnostics: [],
});
const plan = planInventory(loaded.value, { rules });
const firewalls = plan.sites.flatMap((s) => s.devices).filter((d): d is FirewallIntent => d.kind === 'firewall' && d.platform === 'fortigate');
const fw = firewalls.find((d) => d.hostname === 'cc-lux-fw1')!;
const text = renderDevice(fw).artefacts[0]!.content;

/** `edit` blocks of one `config <path>` section: name -> `set` lines. */
function table(path: string): Map<string, Map<string, string>> {
  const start = text.indexOf(`\nconfig ${path}\n`);
  if (start < 0) return new Map();
  const body = text.slice(start + path.length + 9, text.indexOf('\nend\n', start));
  const out = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | null = null;
  for (const line of body.split('\n')) {
    const edit = /^ {4}edit "?([^"]+)"?$/.exec(line);
    if (edit) out.set(edit[1]!, (cur = new Map()));
    const set = /^ {8}set (\S+) (.*)$/.exec(line);
    if (set && cur) cur.set(set[1]!, set[2]!);
  }
  return out;
}

describe('fortigate target', () => {
  it('renders cc-lux-fw1 exactly as the golden file', () => {
    const [artefact] = renderDevice(fw).artefacts;
    expect(artefact!.path).toBe('cc-lux/cc-lux-fw1.conf');
    expectGolden(artefact!.content, 'fortigate/cc-lux-fw1.conf');
  });

  it('turns every zone into a VLAN interface with its gateway, and only management answers SSH and SNMP', () => {
    const ifs = table('system interface');
    for (const z of fw.zones) {
      const i = ifs.get(`vlan${z.vlan}`)!;
      expect(i.get('vlanid')).toBe(String(z.vlan));
      expect(i.get('ip')).toBe(`${z.gateway} ${z.netmask}`);
      expect(i.get('allowaccess')).toBe(z.name === 'mgmt' ? 'ping ssh snmp' : 'ping');
    }
    for (const i of ifs.values()) expect(i.get('allowaccess') ?? '').not.toMatch(/http|telnet/);
    const admin = table('system admin').get('admin')!;
    expect([...admin.values()]).toEqual(['10.127.0.0 255.255.0.0', '10.64.65.64 255.255.255.224']);
    expect(text).toContain('set admin-telnet disable');
  });

  it('keeps rule order, ids in comments, and NATs only what leaves through the WAN from masqueraded zones', () => {
    const pols = [...table('firewall policy').values()];
    expect(pols.map((p) => p.get('name'))).toEqual(['"staff-dns-wan"', '"guest-block"', '"staff-print"', '"voice-rtp"', '"voice-rtp-wan"', '"noc-mgmt"']);
    for (const p of pols) expect(p.get('comments')).toMatch(/^"outpost rule [a-z-]+: /);
    for (const p of pols) {
      const toWan = p.get('dstintf') === '"wan1"';
      if (p.get('nat')) {
        expect(toWan).toBe(true);
        expect(p.get('action')).toBe('accept');
      }
    }
    const byName = (n: string) => pols.find((p) => p.get('name') === `"${n}"`)!;
    expect(byName('staff-dns-wan').get('nat')).toBe('enable');
    expect(byName('staff-dns-wan').get('srcaddr')).toBe('"net-staff" "net-voice"');
    expect(byName('staff-dns-wan').get('dstaddr')).toBe('"svc_dns"');
    expect(byName('staff-dns-wan').get('service')).toBe('"udp-53" "tcp-53"');
    expect(byName('guest-block').get('action')).toBe('deny');
    expect(byName('guest-block').get('service')).toBe('"ALL"');
    // An "any" destination splits: inside the site without NAT, out of the WAN with it.
    expect(byName('voice-rtp').get('nat')).toBeUndefined();
    expect(byName('voice-rtp').get('dstintf')).not.toContain('wan1');
    expect(byName('voice-rtp-wan').get('nat')).toBe('enable');
    // Traffic coming in from the NOC is never NATed.
    expect(byName('noc-mgmt').get('srcintf')).toBe('"wan1"');
    expect(byName('noc-mgmt').get('nat')).toBeUndefined();
    const svc = table('firewall service custom');
    expect(svc.get('tcp-9100_631')!.get('tcp-portrange')).toBe('9100 631');
    expect(svc.get('udp-10000-20000')!.get('udp-portrange')).toBe('10000-20000');
    expect(table('firewall addrgrp').get('svc_dns')!.get('member')).toBe('"svc_dns-1" "svc_dns-2"');
  });

  it('speaks SNMPv3 only, has no community, and carries secrets only as placeholders', () => {
    expect(text).toContain('config system snmp community\n    purge\nend\n');
    expect(table('system snmp community').size).toBe(0);
    const user = table('system snmp user').get(fw.snmp.user)!;
    expect(user.get('security-level')).toBe('auth-priv');
    expect(user.get('auth-pwd')).toBe(`%%OUTPOST_SECRET(${fw.snmp.auth.secret})%%`);
    expect(user.get('priv-pwd')).toBe(`%%OUTPOST_SECRET(${fw.snmp.priv.secret})%%`);
    for (const l of text.split('\n').filter((x) => /(pwd|secret|password|psk) /.test(x))) expect(l).toMatch(/%%OUTPOST_SECRET\([a-z0-9-]+\)%%$/);
  });
});
