// Reads `show running-config` of an IOS switch: management services (vty transport, HTTP
// server, SNMP communities, the vty access class), NTP, syslog, VLANs and every interface
// section (mode, VLAN, allowed VLANs, 802.1X or port-security, shutdown). Only the text:
// an interface without a section is not reported, so the audit sees it as unknown.
import { captures, configBlocks, servers } from '../../../core/render/config-blocks.js';
import type { PortPosition, SeenPort, SeenSwitch } from '../../../core/render/running.js';

/** `10.0.0.0 0.0.255.255` or `host 10.1.1.1` or `any` -> CIDR. */
function aclNet(words: string[]): string {
  if (words[0] === 'any') return '0.0.0.0/0';
  if (words[0] === 'host') return `${words[1]}/32`;
  if (!words[1]) return `${words[0]}/32`;
  const bits = words[1].split('.').reduce((n, o) => n + (8 - Math.log2(Number(o) + 1)), 0);
  return `${words[0]}/${bits}`;
}

/** `10,20,30-32` -> the VLAN ids. */
export function vlanList(spec: string): number[] {
  return spec.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

/** Front ports are GigabitEthernet1/0/N, network-module uplinks TenGigabitEthernet1/1/N (names.ts). */
function position(name: string): PortPosition | undefined {
  const m = name.match(/^(GigabitEthernet|TenGigabitEthernet)1\/([01])\/(\d+)$/);
  return m ? { uplink: m[2] === '1', number: Number(m[3]) } : undefined;
}

export function readRunning(text: string): SeenSwitch {
  const all = configBlocks(text);
  const heads = all.map((b) => b.head);
  const vty = all.filter((b) => /^line vty /.test(b.head));
  const transports = vty.flatMap((b) => b.body.filter((l) => l.startsWith('transport input')).map((l) => l.split(/\s+/).slice(2)));
  // A vty without `transport input` accepts what the platform default allows: assume all.
  const allows = (proto: string) => vty.some((b) => !b.body.some((l) => l.startsWith('transport input'))) || transports.some((t) => t.includes(proto) || t.includes('all'));
  const accessClass = vty.flatMap((b) => b.body.map((l) => l.match(/^access-class (\S+) in/)?.[1]).filter((x): x is string => !!x));
  const acl = accessClass.length === vty.length && vty.length ? all.find((b) => b.head === `ip access-list standard ${accessClass[0]}`) : undefined;
  // Without an access class on every vty line, any address may try to log in.
  const managementFrom = acl ? acl.body.filter((l) => /^(\d+ )?permit /.test(l)).map((l) => aclNet(l.replace(/^\d+ /, '').split(/\s+/).slice(1))) : ['0.0.0.0/0'];

  const ports: SeenPort[] = [];
  for (const b of all) {
    const name = b.head.match(/^interface (\S+)$/)?.[1];
    const at = name ? position(name) : undefined;
    if (!name || !at) continue;
    const has = (re: RegExp) => b.body.some((l) => re.test(l));
    const value = (re: RegExp) => b.body.map((l) => l.match(re)?.[1]).find((x) => x !== undefined);
    const trunk = has(/^switchport mode trunk$/);
    const vlan = Number(value(trunk ? /^switchport trunk native vlan (\d+)$/ : /^switchport access vlan (\d+)$/) ?? 1);
    const allowed = value(/^switchport trunk allowed vlan (\S+)$/);
    const auth = has(/^authentication port-control auto$/) || has(/^dot1x pae authenticator$/) ? 'dot1x' : has(/^switchport port-security$/) ? 'port-security' : 'none';
    ports.push({
      name,
      position: at,
      mode: trunk ? 'trunk' : 'access',
      vlan,
      tagged: trunk && allowed ? vlanList(allowed).filter((v) => v !== vlan) : [],
      // A trunk carries no port authentication, whatever lines it holds.
      auth: trunk ? 'none' : auth,
      description: value(/^description (.*)$/) ?? '',
      shutdown: has(/^shutdown$/),
    });
  }

  return {
    kind: 'switch',
    ...(heads.find((h) => h.startsWith('hostname ')) ? { hostname: heads.find((h) => h.startsWith('hostname '))!.slice('hostname '.length) } : {}),
    vlans: captures(heads, /^vlan (\d+)$/).map(Number),
    ports,
    managementFrom,
    ntp: captures(heads, /^ntp server (\S+)/),
    snmpv3Users: captures(heads, /^snmp-server user (\S+) \S+ v3\b/),
    syslog: servers(heads, /^logging host (\S+)(?:.* port (\d+))?/, 514),
    mgmtServices: {
      ssh: allows('ssh'),
      telnet: allows('telnet'),
      http: heads.includes('ip http server') || heads.includes('ip http secure-server'),
      snmpCommunities: heads.filter((h) => /^snmp-server community /.test(h)).length,
    },
  };
}
