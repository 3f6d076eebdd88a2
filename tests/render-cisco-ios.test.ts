// The cisco-ios target: a golden file for one access switch with every port kind, and
// checks over every cisco-ios switch of the example that read the intent and the text
// side by side, so a template slip that leaves a port open fails here.
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../core/inventory/index.js';
import { planInventory, type SwitchIntent } from '../core/plan/index.js';
import { renderDevice } from '../core/render/index.js';
import { portName } from '../templates/switch/cisco-ios/target.js';
import { blocks, trunkProblems } from './support/config-blocks.js';
import { expectGolden } from './support/golden.js';
import { exampleInventory } from './support/inventory.js';

const loaded = loadInventory(exampleInventory);
if (!loaded.ok) throw new Error('example inventory must load');
const plan = planInventory(loaded.value);
const switches = plan.sites
  .flatMap((s) => s.devices)
  .filter((d): d is SwitchIntent => d.kind === 'switch' && d.platform === 'cisco-ios');
const render = (sw: SwitchIntent) => renderDevice(sw).artefacts[0]!.content;

const interfaces = (text: string) => blocks(text, /^interface (\S+)$/, ' ');

describe('cisco-ios target', () => {
  it('renders vac-esch-asw4 exactly as the golden file', () => {
    const sw = switches.find((d) => d.hostname === 'vac-esch-asw4')!;
    const [artefact] = renderDevice(sw).artefacts;
    expect(artefact!.path).toBe('vac-esch/vac-esch-asw4.cfg');
    expectGolden(artefact!.content, 'cisco-ios/vac-esch-asw4.cfg');
  });

  it('names front ports 1/0/N and network-module uplinks 1/1/N', () => {
    const sw = switches.find((d) => d.hostname === 'vac-esch-dsw1')!;
    expect(portName(sw.ports[0]!, sw)).toBe('GigabitEthernet1/0/1');
    expect(portName(sw.ports[47]!, sw)).toBe('GigabitEthernet1/0/48');
    expect(portName(sw.ports[48]!, sw)).toBe('TenGigabitEthernet1/1/1');
    expect(portName(sw.ports[51]!, sw)).toBe('TenGigabitEthernet1/1/4');
  });

  it('shuts every parked port in the parking VLAN and guards every access port, on every switch', () => {
    expect(switches.length).toBeGreaterThanOrEqual(20);
    let parked = 0;
    let access = 0;
    for (const sw of switches) {
      const blocks = interfaces(render(sw));
      for (const p of sw.ports) {
        const b = blocks.get(portName(p, sw));
        expect(b, `${sw.hostname} port ${p.index}`).toBeDefined();
        if (p.mode === 'parked') {
          parked++;
          expect(b).toContain('shutdown');
          expect(b).toContain(`switchport access vlan ${sw.parkingVlan}`);
          expect(b).not.toContain('no shutdown');
        } else if (p.mode === 'access') {
          access++;
          const dot1x = b!.includes('authentication port-control auto') && b!.includes('dot1x pae authenticator');
          const psec = b!.includes('switchport port-security') && b!.includes('switchport port-security violation restrict');
          expect(dot1x || psec, `${sw.hostname} ${portName(p, sw)} has neither 802.1X nor port-security`).toBe(true);
          expect(p.auth === 'dot1x' ? dot1x : psec).toBe(true);
          expect(b).toContain('spanning-tree bpduguard enable');
        } else {
          expect(b).toContain('switchport mode trunk');
          expect(b).toContain(`switchport trunk native vlan ${p.vlan}`);
          const allowed = b!.find((l) => l.startsWith('switchport trunk allowed vlan '))!.split(' ').pop()!.split(',').map(Number);
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
      expect(text).not.toMatch(/^ip http (secure-)?server/m);
      expect(text).toContain('no ip http server\nno ip http secure-server\n');
      expect(text).toMatch(/line vty 0 15\n access-class OUTPOST-MGMT in\n(.*\n)*? transport input ssh\n/);
      expect(text).not.toMatch(/transport input (all|telnet)/);
      expect(text).not.toMatch(/snmp-server community/);
      expect(text).toMatch(/snmp-server group \S+ v3 priv /);
      for (const net of sw.managementFrom) {
        const [addr] = net.split('/');
        expect(text).toContain(` permit ${addr} `);
      }
      expect(text).toContain(`interface Vlan${sw.mgmt.vlan}\n description management\n ip address ${sw.mgmt.address} ${sw.mgmt.netmask}\n`);
      expect(text).toContain(`ip default-gateway ${sw.mgmt.gateway}\n`);
    }
  });

  it('carries secrets only as placeholders', () => {
    const sw = switches[0]!;
    const text = render(sw);
    const keyLines = text.split('\n').filter((l) => /^ key |auth sha|priv aes/.test(l));
    expect(keyLines.length).toBe(sw.radius.servers.length + 1);
    for (const l of keyLines) expect(l).toMatch(/%%OUTPOST_SECRET\([a-z0-9-]+\)%%/);
    expect(text).toContain(`key %%OUTPOST_SECRET(${sw.radius.key.secret})%%`);
    expect(text).toContain(`auth sha %%OUTPOST_SECRET(${sw.snmp.auth.secret})%% priv aes 128 %%OUTPOST_SECRET(${sw.snmp.priv.secret})%%`);
  });
});
