// Configs for delivery tests: small nftables rulesets whose effect a TCP probe can see,
// the example inventory's real hostapd configs (with secret placeholders), an openvpn
// config, and a secrets folder.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '../../core/inventory/index.js';
import { platformCatalogue, renderInventory } from '../../core/render/index.js';
import { exampleInventory } from './inventory.js';

/** A firewall ruleset that lets SSH in and forwards lan0 -> srv0 only to `port`. */
export function rulesetAllowing(port: number): string {
  return `table inet outpost
delete table inet outpost

table inet outpost {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iifname "lo" accept
		tcp dport 22 accept
	}

	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "lan0" oifname "srv0" tcp dport ${port} accept comment "allow-${port}"
	}
}
`;
}

/** The rendered hostapd.conf of the example site's APs, placeholders included. */
export function labHostapdConfigs(site = 'vac-esch'): string[] {
  const inv = loadInventory(exampleInventory, { platforms: platformCatalogue() });
  if (!inv.ok) throw new Error('example inventory does not load');
  return renderInventory(inv.value, { site })
    .artefacts.filter((a) => a.platform === 'hostapd')
    .map((a) => a.content);
}

export function openvpnConfig(port: number): string {
  return `# openvpn gateway, rendered for a delivery test
dev tun
proto udp
port ${port}
topology subnet
verb 3
`;
}

/** The VPN gateway's folder as outpost renders it (out/central/<gateway>/), for delivery tests. */
export function gatewayFiles(port: number, conf = openvpnConfig(port), ruleset = GATEWAY_RULES): { name: string; content: string }[] {
  return [
    { name: '/openvpn.conf', content: conf },
    { name: '/gatekeeper.json', content: '{ "gateway": "vpn1", "pools": [{ "role": "helpdesk", "cidr": "10.96.40.0/24" }] }\n' },
    { name: '/ruleset.nft', content: ruleset },
  ];
}

/** Role rules that keep the test's SSH open: the gateway's own table, nothing dropped. */
export const GATEWAY_RULES = `table inet outpost
delete table inet outpost
table inet outpost {
\tset role_helpdesk {
\t\ttype ipv4_addr
\t\tflags interval
\t\telements = { 10.96.40.0/24 }
\t}
\tchain forward {
\t\ttype filter hook forward priority filter; policy drop;
\t\tip saddr @role_helpdesk tcp dport 443 accept comment "helpdesk-web"
\t}
}
`;

export const SECRET_VALUES: Readonly<Record<string, string>> = {
  'radius-key': 'rad-Secret-7f3a9c1e',
  'snmp-auth': 'snmp-Auth-2b8d4e6f',
  'snmp-priv': 'snmp-Priv-9a1c3e5b',
};

/** A secrets folder (0700) with one 0600 file per secret. */
export function writeSecrets(dir: string): string {
  const d = join(dir, 'secrets');
  mkdirSync(d, { recursive: true, mode: 0o700 });
  for (const [k, v] of Object.entries(SECRET_VALUES)) {
    writeFileSync(join(d, k), `${v}\n`, { mode: 0o600 });
    chmodSync(join(d, k), 0o600);
  }
  return d;
}
