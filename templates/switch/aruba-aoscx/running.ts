// Reads `show running-config` of an AOS-CX switch: SSH, telnet and the web server, SNMP
// communities, the control-plane ACL (who may manage), NTP, syslog, VLANs and every
// interface section. Only the text: a port without a section is not reported.
import { captures, configBlocks, servers } from '../../../core/render/config-blocks.js';
import type { SeenPort, SeenSwitch } from '../../../core/render/running.js';
import { vlanList } from '../cisco-ios/running.js';

/** `10.127.0.0/255.255.0.0` or `any` -> CIDR. */
function cidr(s: string): string {
  if (s === 'any') return '0.0.0.0/0';
  const [net, mask] = s.split('/');
  if (!mask) return `${net}/32`;
  if (/^\d+$/.test(mask)) return `${net}/${mask}`;
  const bits = mask.split('.').reduce((n, o) => n + [...Number(o).toString(2)].filter((b) => b === '1').length, 0);
  return `${net}/${bits}`;
}

export function readRunning(text: string): SeenSwitch {
  const all = configBlocks(text);
  const heads = all.map((b) => b.head);
  const applied = heads.map((h) => h.match(/^apply access-list ip (\S+) control-plane/)?.[1]).find(Boolean);
  const acl = applied ? all.find((b) => b.head === `access-list ip ${applied}`) : undefined;
  const sshPort = Number(heads.map((h) => h.match(/^ssh server port (\d+)/)?.[1]).find(Boolean) ?? 22);
  // Without a control-plane ACL every address may reach SSH.
  const managementFrom = acl
    ? acl.body.map((l) => l.match(new RegExp(`^\\d+ permit tcp (\\S+) any eq ${sshPort}$`))?.[1]).filter((x): x is string => !!x).map(cidr)
    : ['0.0.0.0/0'];

  const ports: SeenPort[] = [];
  for (const b of all) {
    // Every port of these models is member 1, slot 1: 1/1/N, uplinks included.
    const m = b.head.match(/^interface (1\/1\/(\d+))$/);
    if (!m) continue;
    const value = (re: RegExp) => b.body.map((l) => l.match(re)?.[1]).find((x) => x !== undefined);
    const trunk = b.body.some((l) => l.startsWith('vlan trunk '));
    const vlan = Number(value(trunk ? /^vlan trunk native (\d+)$/ : /^vlan access (\d+)$/) ?? 1);
    const allowed = value(/^vlan trunk allowed (\S+)$/);
    const auth = b.body.includes('aaa authentication port-access dot1x authenticator') ? 'dot1x' : b.body.includes('port-access port-security') ? 'port-security' : 'none';
    ports.push({
      name: m[1]!,
      position: { uplink: false, number: Number(m[2]) },
      mode: trunk ? 'trunk' : 'access',
      vlan,
      tagged: trunk && allowed ? vlanList(allowed).filter((v) => v !== vlan) : [],
      auth: trunk ? 'none' : auth,
      description: value(/^description (.*)$/) ?? '',
      shutdown: b.body.includes('shutdown'),
    });
  }

  const hostname = heads.find((h) => h.startsWith('hostname '));
  return {
    kind: 'switch',
    ...(hostname ? { hostname: hostname.slice('hostname '.length) } : {}),
    vlans: captures(heads, /^vlan (\d+)$/).map(Number),
    ports,
    managementFrom,
    ntp: captures(heads, /^ntp server (\S+)/),
    snmpv3Users: captures(heads, /^snmpv3 user (\S+)/),
    syslog: servers(heads, /^logging (\d+\.\d+\.\d+\.\d+)(?: udp (\d+))?/, 514),
    mgmtServices: {
      ssh: heads.some((h) => /^ssh server vrf /.test(h)),
      telnet: heads.some((h) => /^telnet server/.test(h)),
      http: heads.some((h) => /^https-server vrf /.test(h)),
      snmpCommunities: heads.filter((h) => /^snmp-server community /.test(h)).length,
    },
  };
}
