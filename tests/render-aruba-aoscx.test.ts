// The aruba-aoscx target: a golden file for a 24-port access switch with an AP, both
// port-authentication kinds and parked uplinks; then intent-against-text checks over
// every aruba-aoscx switch of the example.
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../core/inventory/index.js';
import { planInventory, type SwitchIntent } from '../core/plan/index.js';
import { renderDevice } from '../core/render/index.js';
import { portName } from '../templates/switch/aruba-aoscx/target.js';
import { blocks, trunkProblems } from './support/config-blocks.js';
import { expectGolden } from './support/golden.js';
import { exampleInventory } from './support/inventory.js';

const loaded = loadInventory(exampleInventory);
if (!loaded.ok) throw new Error('example inventory must load');
const plan = planInventory(loaded.value);
const switches = plan.sites
  .flatMap((s) => s.devices)
  .filter((d): d is SwitchIntent => d.kind === 'switch' && d.platform === 'aruba-aoscx');
const render = (sw: SwitchIntent) => renderDevice(sw).artefacts[0]!.content;

const interfaces = (text: string) => blocks(text, /^interface (.+)$/, '    ');

describe('aruba-aoscx target', () => {
  it('renders act-grev-asw1 exactly as the golden file', () => {
    const sw = switches.find((d) => d.hostname === 'act-grev-asw1')!;
    const [artefact] = renderDevice(sw).artefacts;
    expect(artefact!.path).toBe('act-grev/act-grev-asw1.cfg');
    expectGolden(artefact!.content, 'aruba-aoscx/act-grev-asw1.cfg');
  });

  it('numbers uplink ports after the front panel (6100-24G: 1/1/25-28)', () => {
    const sw = switches.find((d) => d.hostname === 'act-grev-asw1')!;
    expect(sw.frontPorts).toBe(24);
    const uplinks = sw.ports.filter((p) => p.uplinkPort).map(portName);
    expect(uplinks).toEqual(['1/1/25', '1/1/26', '1/1/27', '1/1/28']);
  });

  it('shuts every parked port in the parking VLAN and guards every access port, on every switch', () => {
    expect(switches.length).toBeGreaterThanOrEqual(20);
    let parked = 0;
    let access = 0;
    for (const sw of switches) {
      const blocks = interfaces(render(sw));
      expect(blocks.size).toBe(sw.ports.length + 1);
      for (const p of sw.ports) {
        const b = blocks.get(portName(p));
        expect(b, `${sw.hostname} port ${p.index}`).toBeDefined();
        if (p.mode === 'parked') {
          parked++;
          expect(b!.slice(0, 1)).toEqual(['shutdown']);
          expect(b).toContain(`vlan access ${sw.parkingVlan}`);
        } else if (p.mode === 'access') {
          access++;
          const i = b!.indexOf('aaa authentication port-access dot1x authenticator');
          const dot1x = i >= 0 && b![i + 1] === 'enable';
          const j = b!.indexOf('port-access port-security');
          const psec = j >= 0 && b![j + 1] === 'enable' && b![j + 2] === 'client-limit 1';
          expect(dot1x || psec, `${sw.hostname} ${portName(p)} has neither 802.1X nor port-security`).toBe(true);
          expect(p.auth === 'dot1x' ? dot1x : psec).toBe(true);
          expect(b).toContain('spanning-tree bpdu-guard');
          expect(b).toContain(`vlan access ${p.vlan}`);
        } else {
          expect(b).toContain(`vlan trunk native ${p.vlan}`);
          const allowed = b!.find((l) => l.startsWith('vlan trunk allowed '))!.split(' ').pop()!.split(',').map(Number);
          expect(trunkProblems(allowed, p, sw.parkingVlan), `${sw.hostname} port ${p.index}`).toEqual([]);
        }
      }
    }
    expect(parked).toBeGreaterThan(100);
    expect(access).toBeGreaterThan(500);
  });

  it('manages the switch over SSH only, from the management networks, with SNMPv3 and no community', () => {
    for (const sw of switches) {
      const text = render(sw);
      expect(text).not.toMatch(/telnet/i);
      expect(text).not.toMatch(/^https-server/m);
      expect(text).toContain('no https-server vrf default\nno https-server vrf mgmt\n');
      expect(text).toContain('ssh server vrf default\n');
      expect(text).not.toMatch(/community/);
      expect(text).toContain('snmp-server snmpv3-only\n');
      expect(text).toContain('apply access-list ip OUTPOST-MGMT control-plane vrf default\n');
      // The ACL lets SSH in from each management network, then refuses it to everyone else.
      const acl = text.slice(text.indexOf('access-list ip OUTPOST-MGMT\n'), text.indexOf('apply access-list'));
      expect(acl.split('\n').filter((l) => / eq 22$/.test(l)).length).toBe(sw.managementFrom.length);
      expect(acl.indexOf('deny tcp any any eq 22 log')).toBeGreaterThan(acl.lastIndexOf('permit tcp'));
      expect(text).toContain(`interface vlan ${sw.mgmt.vlan}\n    description management\n    ip address ${sw.mgmt.address}/${sw.mgmt.prefix}\n`);
      expect(text).toContain(`ip route 0.0.0.0/0 ${sw.mgmt.gateway}\n`);
    }
  });

  it('carries secrets only as placeholders', () => {
    const sw = switches[0]!;
    const text = render(sw);
    const keyLines = text.split('\n').filter((l) => /plaintext/.test(l));
    expect(keyLines.length).toBe(sw.radius.servers.length + 1);
    for (const l of keyLines) for (const m of l.matchAll(/plaintext (\S+)/g)) expect(m[1]).toMatch(/^%%OUTPOST_SECRET\([a-z0-9-]+\)%%$/);
    expect(text).toContain(`auth-pass plaintext %%OUTPOST_SECRET(${sw.snmp.auth.secret})%% priv aes priv-pass plaintext %%OUTPOST_SECRET(${sw.snmp.priv.secret})%%`);
  });
});
