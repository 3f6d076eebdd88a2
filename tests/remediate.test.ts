// `outpost drift --remediate` per dialect, on the rendered configs of the example sites
// edited by hand: the commands name exactly what to undo, in the order to type them, and
// an untouched config needs none. (IOS is also held against hier_config in
// remediate-ios.test.ts.)
import { describe, expect, it } from 'vitest';
import { planInventory } from '../core/plan/index.js';
import { compilePolicy, today } from '../core/policy/index.js';
import { remediationFor, renderSites } from '../core/render/index.js';
import { loadExample } from './support/example.js';

const { inv, policy } = loadExample();
const plan = planInventory(inv, { rules: compilePolicy(inv, policy, today()).compiler });
const rendered = renderSites(plan.sites).artefacts;
const first = (platform: string) => rendered.find((a) => a.platform === platform)!;

describe('drift remediation, per dialect', () => {
  it('every platform with a reader but the APs has a remediation, and an untouched config needs no command (except the nftables swap)', () => {
    for (const p of ['cisco-ios', 'aruba-aoscx', 'fortigate']) expect([p, remediationFor(p)!(first(p).content, first(p).content)]).toEqual([p, []]);
    expect(remediationFor('hostapd')).toBeUndefined();
    expect(remediationFor('openwrt')).toBeUndefined();
  });

  it('AOS-CX: 802.1X dropped on a port, telnet turned on and NTP removed are undone, the removal last', () => {
    const a = first('aruba-aoscx');
    const port = a.content.match(/^interface (1\/1\/\d+)\n(?: {4}.*\n)*? {4}aaa authentication port-access dot1x authenticator\n {8}enable\n/m)!;
    const edited = `${a.content.replace(port[0], port[0].replace('    aaa authentication port-access dot1x authenticator\n        enable\n', '')).replace(/^ntp server .*\n/gm, '')}telnet server vrf default\n`;
    const commands = remediationFor('aruba-aoscx')!(edited, a.content);
    const ntp = a.content.match(/^ntp server .*$/gm)!;
    expect(commands).toEqual([...ntp, `interface ${port[1]}`, '    aaa authentication port-access dot1x authenticator', '        enable', 'exit', 'no telnet server vrf default']);
  });

  it('FortiGate: a policy put first by hand is deleted, the policies sent again and moved into order; telnet turned back off', () => {
    const f = first('fortigate');
    const extra = 'config firewall policy\n    edit 99\n        set name "helpdesk-test"\n        set srcaddr "net-guest"\n        set dstaddr "net-staff"\n        set action accept\n        set service "ALL"\n    next\n';
    const edited = f.content.replace('set admin-telnet disable', 'set admin-telnet enable').replace('config firewall policy\n', extra);
    const commands = remediationFor('fortigate')!(edited, f.content);
    const global = f.content.match(/^config system global\n(?: {4}.*\n)*end$/m)![0].split('\n');
    const policies = f.content.match(/^config firewall policy\n(?:(?: {4}.*)?\n)*?end$/m)![0].split('\n');
    const ids = policies.filter((l) => /^ {4}edit \d+$/.test(l)).map((l) => l.trim().slice(5));
    expect(commands).toEqual([
      ...global,
      'config firewall policy', '    delete 99', 'end',
      ...policies,
      'config firewall policy', ...ids.slice(1).map((id, i) => `    move ${id} after ${ids[i]}`), 'end',
    ]);
  });

  it('nftables: the whole rendered ruleset, swapped in one transaction', () => {
    const n = first('nftables');
    const commands = remediationFor('nftables')!('table inet outpost {\n}\n', n.content);
    expect(commands[0]).toBe("nft -f - <<'OUTPOST_RULESET'");
    expect(commands.slice(1, -1).join('\n')).toBe(n.content.trimEnd());
    expect(commands.at(-1)).toBe('OUTPOST_RULESET');
  });
});
