// The network team pushes the VPN gateway like any device: `outpost push --site central`
// takes the gateway's rendered folder (out/central/<gateway>/) to it with the Linux driver.
import { describe, expect, it } from 'vitest';
import { prepareSite } from '../core/deliver/index.js';
import { assignFiles } from '../core/deliver/drivers/linux.js';
import { openvpn } from '../core/deliver/drivers/recipes.js';
import { policyRules } from '../cli/policy-hook.js';
import { exampleInventory } from './support/inventory.js';

describe('push --site central', () => {
  it("prepares the VPN gateway's three rendered files for its address, and nothing of RADIUS or the PBX", () => {
    const p = prepareSite({ inventoryDir: exampleInventory, site: 'central', rules: policyRules(exampleInventory), env: {} });
    expect(p.work.map((w) => [w.target.hostname, w.target.platform, w.target.address])).toEqual([['vpn-gw1', 'openvpn', '10.10.9.1']]);
    const files = p.work[0]!.intended;
    expect(files.map((f) => f.name).sort()).toEqual(['/gatekeeper.json', '/openvpn.conf', '/ruleset.nft']);
    // Each lands in its place on the gateway: the driver's recipe takes all three.
    const placed = assignFiles(openvpn, files);
    expect(placed[0]).toMatch(/^management-client-auth$/m);
    expect(placed[2]).toMatch(/^table inet outpost/m);
    expect(openvpn.files.map((f) => f.path)).toEqual(['/etc/openvpn/outpost/openvpn.conf', '/etc/openvpn/outpost/gatekeeper.json', '/etc/openvpn/outpost/ruleset.nft']);
  });
});
