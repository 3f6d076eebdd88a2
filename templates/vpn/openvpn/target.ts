// OpenVPN gateway: the server config, the gatekeeper's settings and the gateway's
// nftables role rules, as one folder per gateway (out/central/<hostname>/).
import type { VpnGatewayIntent } from '../../../core/vpn/model.js';
import { template } from '../../../core/render/engine.js';
import type { RenderedFile } from '../../../core/render/target.js';
import { ruleLines, setView } from '../../firewall/nftables/target.js';

const group = (items: readonly string[]) => (items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`);

export function gatekeeperSettings(gw: VpnGatewayIntent): string {
  const settings = {
    gateway: gw.hostname,
    management: 'gatekeeper.sock',
    directory: gw.directory,
    pools: gw.pools,
    netmask: gw.tunnel.netmask,
    reserved: gw.reserved,
    sweepSeconds: gw.sweepSeconds,
  };
  return `${JSON.stringify(settings, null, 2)}\n`;
}

export function renderGateway(gw: VpnGatewayIntent): RenderedFile[] {
  const conf = template('vpn/openvpn', 'openvpn.conf.hbs')({ gw, proto: gw.proto === 'udp' ? 'udp' : 'tcp-server', routes: gw.routes });
  const nft = template('vpn/openvpn', 'ruleset.nft.hbs')({
    gw,
    managementFrom: group(gw.managementFrom),
    sets: gw.sets.map(setView),
    rules: gw.rules.map((r) => ({ rule: r, lines: ruleLines(r, { zones: [] }) })),
  });
  return [
    { suffix: '/openvpn.conf', content: conf },
    { suffix: '/gatekeeper.json', content: gatekeeperSettings(gw) },
    { suffix: '/ruleset.nft', content: nft },
  ];
}

export default { id: 'openvpn', kind: 'vpn' as const, capabilities: ['role-pools', 'totp-login', 'auth-gen-token', 'tls-crypt', 'crl'], render: renderGateway };
