// Cisco IOS-XE (Catalyst 9300 class): one configuration file per switch, meant to be
// merged into the running configuration. Port naming, VLAN lists and ACL wildcards are
// computed here so the template stays formatting.
import type { SwitchIntent, SwitchPort } from '../../../core/plan/index.js';
import { defineTarget } from '../../../core/render/target.js';
import { template } from '../../../core/render/engine.js';
import { portView } from '../../../core/render/port-view.js';
import { portName } from './names.js';
import { readRunning } from './running.js';
import { remediate } from './remediate.js';

export { portName };

/**
 * The allowed list of a trunk. A native VLAN other than the parking VLAN carries real
 * untagged traffic (an AP's management), so it must be allowed too; the parking VLAN as
 * native is left out on purpose, so untagged frames on switch-to-switch links are dropped.
 */
export function allowedVlans(p: SwitchPort, sw: SwitchIntent): number[] {
  const set = new Set(p.tagged);
  if (p.vlan !== sw.parkingVlan) set.add(p.vlan);
  return [...set].sort((a, b) => a - b);
}

function wildcard(prefix: number): string {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const inv = ~mask >>> 0;
  return [24, 16, 8, 0].map((s) => (inv >>> s) & 255).join('.');
}

/** `10.127.0.0/16` -> `10.127.0.0 0.0.255.255`; a /32 becomes `host A`. */
export function aclSource(cidr: string): string {
  const [net, len] = cidr.split('/');
  const prefix = len === undefined ? 32 : Number(len);
  return prefix === 32 ? `host ${net}` : `${net} ${wildcard(prefix)}`;
}

/** Port security: one device at a time; a swapped device is learnt once the old one has been silent this long. */
export const PORT_SECURITY = { maximum: 1, agingMinutes: 5 } as const;

export default defineTarget({
  id: 'cisco-ios',
  kind: 'switch',
  capabilities: ['vlans', 'trunks', 'dot1x', 'port-security', 'parking-vlan', 'ssh-only', 'management-acl', 'snmpv3', 'ntp', 'syslog'],
  render(sw) {
    const mgmtIf = `Vlan${sw.mgmt.vlan}`;
    const ports = sw.ports.map((p) => portView(p, portName(p, sw), p.mode === 'trunk' ? allowedVlans(p, sw).join(',') : '', PORT_SECURITY));
    const content = template('switch/cisco-ios', 'switch.cfg.hbs')({
      sw,
      mgmtIf,
      customSshPort: sw.ssh.port !== 22,
      radius: sw.radius.servers.map((s, i) => ({ name: `OUTPOST-RADIUS-${i + 1}`, address: s.address, port: s.port, acctPort: sw.radius.acctPort, key: sw.radius.key })),
      managementFrom: sw.managementFrom.map(aclSource),
      // The distribution switch is the spanning-tree root of every site VLAN.
      rootVlans: sw.role === 'distribution' ? sw.vlans.map((v) => v.id).join(',') : null,
      ports,
    });
    return [{ suffix: '.cfg', content }];
  },
  readRunning,
  remediate,
});
