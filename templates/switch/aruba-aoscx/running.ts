// Reads `show running-config` of an AOS-CX switch back into the intent shape: SSH, telnet
// and the web server, SNMP communities, the control-plane ACL (who may manage), NTP,
// syslog and every port outpost lays out.
import type { SwitchIntent, SwitchPort } from '../../../core/plan/index.js';
import { captures, configBlocks, servers } from '../../../core/render/config-blocks.js';

/** `10.127.0.0/255.255.0.0` or `any` -> CIDR. */
function cidr(s: string): string {
  if (s === 'any') return '0.0.0.0/0';
  const [net, mask] = s.split('/');
  if (!mask) return `${net}/32`;
  if (/^\d+$/.test(mask)) return `${net}/${mask}`;
  const bits = mask.split('.').reduce((n, o) => n + [...Number(o).toString(2)].filter((b) => b === '1').length, 0);
  return `${net}/${bits}`;
}

export function readRunning(text: string, intended: SwitchIntent): SwitchIntent {
  const all = configBlocks(text);
  const heads = all.map((b) => b.head);
  const applied = heads.map((h) => h.match(/^apply access-list ip (\S+) control-plane/)?.[1]).find(Boolean);
  const acl = applied ? all.find((b) => b.head === `access-list ip ${applied}`) : undefined;
  const sshPort = Number(heads.map((h) => h.match(/^ssh server port (\d+)/)?.[1]).find(Boolean) ?? 22);
  // Without a control-plane ACL every address may reach SSH.
  const managementFrom = acl
    ? acl.body.map((l) => l.match(new RegExp(`^\\d+ permit tcp (\\S+) any eq ${sshPort}$`))?.[1]).filter((x): x is string => !!x).map(cidr)
    : ['0.0.0.0/0'];

  const byName = new Map(all.filter((b) => b.head.startsWith('interface ')).map((b) => [b.head.slice('interface '.length), b.body]));
  const ports = intended.ports.map((p): SwitchPort => {
    const body = byName.get(`1/1/${p.index}`);
    if (!body) return p;
    const value = (re: RegExp) => body.map((l) => l.match(re)?.[1]).find((x) => x !== undefined);
    const trunk = body.some((l) => l.startsWith('vlan trunk '));
    const vlan = Number(value(trunk ? /^vlan trunk native (\d+)$/ : /^vlan access (\d+)$/) ?? 1);
    const auth = body.includes('aaa authentication port-access dot1x authenticator') ? 'dot1x' : body.includes('port-access port-security') ? 'port-security' : 'none';
    const mode = trunk ? 'trunk' : p.mode === 'parked' && vlan === intended.parkingVlan ? 'parked' : 'access';
    return { ...p, mode, vlan, auth: trunk ? 'none' : auth, description: value(/^description (.*)$/) ?? '', shutdown: body.includes('shutdown') };
  });

  return {
    ...intended,
    ports,
    managementFrom,
    ntp: captures(heads, /^ntp server (\S+)/),
    syslog: servers(heads, /^logging (\d+\.\d+\.\d+\.\d+)(?: udp (\d+))?/, 514),
    mgmtServices: {
      ssh: heads.some((h) => /^ssh server vrf /.test(h)),
      telnet: heads.some((h) => /^telnet server/.test(h)),
      http: heads.some((h) => /^https-server vrf /.test(h)),
      snmpCommunities: heads.filter((h) => /^snmp-server community /.test(h)).length,
    },
  };
}
