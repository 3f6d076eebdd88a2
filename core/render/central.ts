// Central servers the sites and agents depend on (the VPN gateways today), rendered
// beside the sites under out/central/<hostname>/. A second table of targets: these are
// not site devices, so the planner never sees them.
import type { VpnGatewayIntent } from '../vpn/model.js';
import openvpn from '../../templates/vpn/openvpn/target.js';
import { sha256Hex } from '../digest.js';
import type { Artefact } from './index.js';
import type { RenderedFile } from './target.js';

/** The folder of out/ that holds central servers; no site may take this code. */
export const CENTRAL = 'central';

const gatewayTargets: ReadonlyMap<string, { render(gw: VpnGatewayIntent): readonly RenderedFile[] }> = new Map([[openvpn.id, openvpn]]);

export function gatewayPlatforms(): string[] {
  return [...gatewayTargets.keys()].sort();
}

/** Files a central server's renderer returned (paths relative to its folder) as artefacts under out/central/<device>/. */
export function centralArtefacts(device: string, platform: string, kind: Artefact['kind'], files: readonly { readonly path: string; readonly content: string }[]): Artefact[] {
  return files
    .map((f) => ({ path: `${CENTRAL}/${device}/${f.path}`, site: CENTRAL, device, platform, kind, content: f.content, sha256: sha256Hex(f.content) }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

export function renderGateways(gateways: readonly VpnGatewayIntent[]): Artefact[] {
  const out: Artefact[] = [];
  for (const gw of gateways) {
    const t = gatewayTargets.get(gw.platform);
    if (!t) continue;
    for (const f of t.render(gw)) {
      out.push({ path: `${CENTRAL}/${gw.hostname}${f.suffix}`, site: CENTRAL, device: gw.hostname, platform: gw.platform, kind: 'vpn', content: f.content, sha256: sha256Hex(f.content) });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
