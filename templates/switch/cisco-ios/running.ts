// Reads `show running-config` of an IOS switch back into the intent shape: management
// services (vty transport, HTTP server, SNMP communities, the vty access class), NTP,
// syslog and every port outpost lays out (mode, VLAN, 802.1X or port-security, shutdown).
import type { SwitchIntent, SwitchPort } from '../../../core/plan/index.js';
import { captures, configBlocks, servers } from '../../../core/render/config-blocks.js';
import { portName } from './names.js';

/** `10.0.0.0 0.0.255.255` or `host 10.1.1.1` or `any` -> CIDR. */
function aclNet(words: string[]): string {
  if (words[0] === 'any') return '0.0.0.0/0';
  if (words[0] === 'host') return `${words[1]}/32`;
  if (!words[1]) return `${words[0]}/32`;
  const bits = words[1].split('.').reduce((n, o) => n + (8 - Math.log2(Number(o) + 1)), 0);
  return `${words[0]}/${bits}`;
}

export function readRunning(text: string, intended: SwitchIntent): SwitchIntent {
  const all = configBlocks(text);
  const heads = all.map((b) => b.head);
  const vty = all.filter((b) => /^line vty /.test(b.head));
  const transports = vty.flatMap((b) => b.body.filter((l) => l.startsWith('transport input')).map((l) => l.split(/\s+/).slice(2)));
  // A vty without `transport input` accepts what the platform default allows: assume all.
  const allows = (proto: string) => vty.some((b) => !b.body.some((l) => l.startsWith('transport input'))) || transports.some((t) => t.includes(proto) || t.includes('all'));
  const accessClass = vty.flatMap((b) => b.body.map((l) => l.match(/^access-class (\S+) in/)?.[1]).filter((x): x is string => !!x));
  const acl = accessClass.length === vty.length && vty.length ? all.find((b) => b.head === `ip access-list standard ${accessClass[0]}`) : undefined;
  const managementFrom = acl ? acl.body.filter((l) => /^(\d+ )?permit /.test(l)).map((l) => aclNet(l.replace(/^\d+ /, '').split(/\s+/).slice(1))) : [];

  const byName = new Map(all.filter((b) => b.head.startsWith('interface ')).map((b) => [b.head.slice('interface '.length), b.body]));
  const ports = intended.ports.map((p): SwitchPort => {
    const body = byName.get(portName(p, intended));
    if (!body) return p;
    const has = (re: RegExp) => body.some((l) => re.test(l));
    const value = (re: RegExp) => body.map((l) => l.match(re)?.[1]).find((x) => x !== undefined);
    const trunk = has(/^switchport mode trunk$/);
    const vlan = Number(value(trunk ? /^switchport trunk native vlan (\d+)$/ : /^switchport access vlan (\d+)$/) ?? 1);
    const auth = has(/^authentication port-control auto$/) || has(/^dot1x pae authenticator$/) ? 'dot1x' : has(/^switchport port-security$/) ? 'port-security' : 'none';
    const mode = trunk ? 'trunk' : p.mode === 'parked' && vlan === intended.parkingVlan ? 'parked' : 'access';
    return { ...p, mode, vlan, auth: trunk ? 'none' : auth, description: value(/^description (.*)$/) ?? '', shutdown: has(/^shutdown$/) };
  });

  return {
    ...intended,
    ports,
    managementFrom,
    ntp: captures(heads, /^ntp server (\S+)/),
    syslog: servers(heads, /^logging host (\S+)(?:.* port (\d+))?/, 514),
    mgmtServices: {
      ssh: allows('ssh'),
      telnet: allows('telnet'),
      http: heads.includes('ip http server') || heads.includes('ip http secure-server'),
      snmpCommunities: heads.filter((h) => /^snmp-server community /.test(h)).length,
    },
  };
}
