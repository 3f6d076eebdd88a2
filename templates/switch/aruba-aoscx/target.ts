// HPE Aruba AOS-CX (6100/6300, firmware 10.08 or later): one configuration file per
// switch in the layout of `show running-config`. Ports are member/slot/port 1/1/N and the
// uplink ports simply continue the numbering after the front panel (a 6100-24G's SFP+
// ports are 1/1/25-28). In-band management lives in VRF default on interface vlan <mgmt>.
import type { SwitchIntent, SwitchPort } from '../../../core/plan/index.js';
import { defineTarget } from '../../../core/render/target.js';
import { template } from '../../../core/render/engine.js';
import { portView } from '../../../core/render/port-view.js';
import { readRunning } from './running.js';
import { remediate } from './remediate.js';

export const portName = (p: SwitchPort): string => `1/1/${p.index}`;

/** As on every switch target: a real native VLAN is allowed, the parking VLAN as native is not. */
export function allowedVlans(p: SwitchPort, sw: SwitchIntent): number[] {
  const set = new Set(p.tagged);
  if (p.vlan !== sw.parkingVlan) set.add(p.vlan);
  return [...set].sort((a, b) => a - b);
}

function netmask(prefix: number): string {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (mask >>> s) & 255).join('.');
}

/** AOS-CX writes ACL networks as address/netmask. */
export function aclNet(cidr: string): string {
  const [net, len] = cidr.split('/');
  return `${net}/${netmask(len === undefined ? 32 : Number(len))}`;
}

/**
 * The control-plane ACL: SSH and SNMP only from the management networks. It sees every
 * packet addressed to the switch (RADIUS and NTP replies too), so it ends in permit-all
 * after denying the two management services to everyone else.
 */
function controlPlane(sw: SwitchIntent): { seq: number; entry: string }[] {
  const entries: string[] = [];
  for (const net of sw.managementFrom) entries.push(`permit tcp ${aclNet(net)} any eq ${sw.ssh.port}`);
  for (const net of sw.managementFrom) entries.push(`permit udp ${aclNet(net)} any eq 161`);
  entries.push(`deny tcp any any eq ${sw.ssh.port} log`, 'deny udp any any eq 161 log', 'permit any any any');
  return entries.map((entry, i) => ({ seq: (i + 1) * 10, entry }));
}

export const PORT_SECURITY = { clientLimit: 1 } as const;

export default defineTarget({
  id: 'aruba-aoscx',
  kind: 'switch',
  capabilities: ['vlans', 'trunks', 'dot1x', 'port-security', 'parking-vlan', 'ssh-only', 'management-acl', 'snmpv3', 'ntp', 'syslog'],
  render(sw) {
    const ports = sw.ports.map((p) => portView(p, portName(p), p.mode === 'trunk' ? allowedVlans(p, sw).join(',') : '', PORT_SECURITY));
    const content = template('switch/aruba-aoscx', 'switch.cfg.hbs')({
      sw,
      customSshPort: sw.ssh.port !== 22,
      // STP priority is a multiplier of 4096: 1 makes the distribution switch the root.
      rootPriority: sw.role === 'distribution' ? 1 : null,
      acl: controlPlane(sw),
      radius: sw.radius.servers.map((s) => ({ address: s.address, port: s.port, acctPort: sw.radius.acctPort, key: sw.radius.key })),
      ports,
    });
    return [{ suffix: '.cfg', content }];
  },
  readRunning,
  remediate,
});
