// The audit of running configs: each platform's reader turns what outpost rendered back
// into the same intent (so an untouched device passes every control), and a hand edit
// on a device (telnet on, HTTP server, an SNMP community, a port opened, 802.1X removed,
// a PSK on the staff SSID, a guest rule on the firewall) is found on that device only.
import { describe, expect, it } from 'vitest';
import { blocking } from '../core/audit/index.js';
import type { DriftResult } from '../core/deliver/index.js';
import type { FirewallIntent, SwitchIntent } from '../core/plan/index.js';
import { planInventory } from '../core/plan/index.js';
import { compilePolicy, decider, enforcement, forEachFlow, portUniverse, today } from '../core/policy/index.js';
import { compareRunning } from '../core/audit/compare.js';
import { enforcedFirewall } from '../core/audit/seen.js';
import { renderSites, targetFor, type SeenDevice } from '../core/render/index.js';
import { portName } from '../templates/switch/cisco-ios/target.js';
import { auditOf, findingsOf } from './support/audit.js';
import { repoRoot } from './support/inventory.js';
import { loadExample } from './support/example.js';

const SITE = 'vac-esch';
const { inv, policy } = loadExample();
// Every site, so the readers of every platform are checked; the hand edits are made at vac-esch.
const plan = planInventory(inv, { rules: compilePolicy(inv, policy, today()).compiler });
const site = plan.sites.find((s) => s.code === SITE)!;
const rendered = renderSites(plan.sites).artefacts;
const text = (device: string) => rendered.filter((a) => a.device === device).map((a) => a.content).join('\n');
const byPlatform = (p: string, at = site) => at.devices.filter((d) => d.platform === p);

const enf = enforcement(inv, policy, today());
const rulesById = new Map(policy.rules.map((r) => [r.id, r.source]));
const origin = (id: string) => (rulesById.has(id) ? { ...rulesById.get(id)!, rule: id } : undefined);

/** Every flow of a site decided with this firewall in place: allowed or not, and by which policy rule. */
function decisions(code: string, fw: FirewallIntent): string[] {
  const sites = enf.sites.map((x) => (x.code === code ? { ...x, devices: x.devices.map((d) => (d.hostname === fw.hostname ? fw : d)) } : x));
  const decide = decider({ ...enf, sites });
  const out: string[] = [];
  forEachFlow(inv, sites.filter((x) => x.code === code), policy.roles.map((r) => r.name), portUniverse(inv, [policy]), (site, from, to, port) => {
    if (!site) return;
    const a = decide(from, to, port, site);
    out.push(`${JSON.stringify(from)} ${JSON.stringify(to)} ${JSON.stringify(port)} ${a.allowed} ${a.hops.map((h) => h.rule?.origin?.rule ?? '-').join('/')}`);
  });
  return out;
}

/** Every device of the site as read from the device: rendered text, edited for some. */
function running(edits: Record<string, (t: string) => string>, at: typeof site): DriftResult[] {
  return at.devices.map((d) => {
    const content = (edits[d.hostname] ?? ((t: string) => t))(text(d.hostname));
    const drifted = content !== text(d.hostname);
    return { device: d.hostname, site: at.code, platform: d.platform, state: drifted ? 'drifted' : 'in-sync', diff: drifted ? `--- intended\n+++ running\n+${content.split('\n').find((l, i) => l !== text(d.hostname).split('\n')[i])}` : '', detail: drifted ? '1 line differs' : 'matches', running: [{ name: 'config', content }] };
  });
}

const audit = (edits: Record<string, (t: string) => string> = {}, at = site) => auditOf(repoRoot, { against: ['running'], sites: [at.code], drift: running(edits, at) });
// A site equipped with the other switch and AP platforms.
const other = plan.sites.find((s) => s.devices.some((d) => d.platform === 'aruba-aoscx') && s.devices.some((d) => d.platform === 'openwrt'))!;
const sw = byPlatform('cisco-ios')[0] as SwitchIntent;
const ap = byPlatform('hostapd')[0]!;
const fw = byPlatform('nftables')[0]!;

describe('reading running configs back into the intent', () => {
  it('every platform with a reader reads the rendered config of every device of every site back with no difference from the plan', () => {
    const platforms = new Set<string>();
    for (const s of plan.sites) {
      for (const d of s.devices) {
        const read = targetFor(d.kind, d.platform)?.readRunning as ((t: string) => SeenDevice) | undefined;
        if (!read) continue;
        platforms.add(d.platform);
        const seen = read(text(d.hostname));
        expect({ device: d.hostname, ...compareRunning(d, seen) }).toEqual({ device: d.hostname, differences: [], unknown: expect.any(Array) });
        if (d.kind === 'firewall' && seen.kind === 'firewall') {
          const back = enforcedFirewall(d, seen, origin);
          expect(new Set(back.rules.map((r) => r.origin?.rule))).toEqual(new Set(d.rules.map((r) => r.origin?.rule)));
          expect(decisions(s.code, back)).toEqual(decisions(s.code, d));
        }
      }
    }
    expect([...platforms].sort()).toEqual(['aruba-aoscx', 'cisco-ios', 'fortigate', 'hostapd', 'nftables', 'openwrt']);
  });

  it('a reader is given the text alone: what hostapd.conf does not carry is unknown, not taken from the plan', () => {
    const seen = targetFor('ap', 'hostapd')!.readRunning!(text(ap.hostname));
    expect(seen.ntp).toBeUndefined();
    expect(seen.mgmtServices).toEqual({});
    expect(compareRunning(ap, seen).unknown).toEqual(expect.arrayContaining(['ntp', 'syslog', 'management from', 'management service telnet']));
  });

  it('a switch whose running config is only its host name shows no port at all, and every planned port differs', () => {
    const seen = targetFor('switch', 'cisco-ios')!.readRunning!(`hostname ${sw.hostname}\n`);
    expect(seen.kind === 'switch' && seen.ports).toEqual([]);
    const diff = compareRunning(sw, seen).differences.filter((x) => /^port \d+: not in the running config$/.test(x));
    expect(diff).toHaveLength(sw.ports.length);
  });

  it('an untouched site passes every control against running', () => {
    const report = audit();
    expect(findingsOf(report)).toEqual([]);
    expect(report.controls.find((c) => c.id === 'running-matches-intent')!.checked[SITE]).toBe(site.devices.length);
  });
  it('what a hostapd.conf or an nftables ruleset does not carry (NTP, syslog) is not evaluated on that device, never counted as passed', () => {
    const report = audit();
    const ntp = report.controls.find((c) => c.id === 'ntp-syslog')!;
    const aps = site.devices.filter((d) => d.platform === 'hostapd' || d.platform === 'nftables').map((d) => d.hostname);
    expect(ntp.unknown.map((u) => [u.object.id, u.reason]).sort()).toEqual(aps.sort().map((h) => [h, 'the running config does not show NTP or syslog']));
    expect(ntp.checked[SITE]).toBe(site.devices.length - aps.length);
    expect(ntp.status).toBe('pass');
  });
});

describe('hand edits found against running', () => {
  const only = (report: ReturnType<typeof audit>, control: string) => {
    const f = findingsOf(report, control);
    expect(f.every((x) => x.against === 'running')).toBe(true);
    return f.map((x) => `${x.object.id}: ${x.evidence}`);
  };

  it('telnet and the HTTP server on a switch', () => {
    const r = audit({ [sw.hostname]: (t) => t.replace(' transport input ssh', ' transport input telnet ssh').replace('no ip http server', 'ip http server') });
    expect(only(r, 'mgmt-no-cleartext')).toEqual([`${sw.hostname}: telnet and HTTP management is on`]);
    expect(only(r, 'running-matches-intent')).toHaveLength(1);
    expect(blocking(r, 'high').map((f) => f.control).sort()).toEqual(['mgmt-no-cleartext', 'running-matches-intent']);
  });

  it('an SNMP community, no NTP, and the vty open to any address', () => {
    const r = audit({ [sw.hostname]: (t) => `${t.replace(/^ntp server .*\n/gm, '').replace(' access-class OUTPOST-MGMT in\n', '')}snmp-server community public RO\n` });
    expect(only(r, 'snmpv3-only')).toEqual([`${sw.hostname}: 1 SNMP v1/v2c community configured`]);
    expect(only(r, 'ntp-syslog')).toEqual([`${sw.hostname}: no NTP server`]);
    expect(only(r, 'mgmt-ssh-only')).toEqual([expect.stringMatching(new RegExp(`^${sw.hostname}: management allowed from 0\\.0\\.0\\.0/0, outside `))]);
  });

  it('an unused port opened and an access port without 802.1X', () => {
    const edge = byPlatform('cisco-ios').find((d) => d.kind === 'switch' && d.ports.some((p) => p.mode === 'parked') && d.ports.some((p) => p.auth === 'dot1x')) as SwitchIntent;
    const parked = edge.ports.find((p) => p.mode === 'parked')!;
    const access = edge.ports.find((p) => p.mode === 'access' && p.auth === 'dot1x')!;
    const r = audit({
      [edge.hostname]: (t) =>
        t
          .replace(new RegExp(`(interface ${portName(parked, edge)}\\n(?: .*\\n)*?) shutdown\\n`), '$1 no shutdown\n')
          .replace(new RegExp(`(interface ${portName(access, edge)}\\n(?: .*\\n)*?) authentication port-control auto\\n((?: .*\\n)*?) dot1x pae authenticator\\n`), '$1$2'),
    });
    expect(only(r, 'unused-ports-shut')).toEqual([`${edge.hostname}:port/${parked.index}: unused port ${parked.index} (${portName(parked, edge)}, VLAN ${parked.vlan}) is not shut down`]);
    expect(only(r, 'access-port-auth')).toEqual([`${edge.hostname}:port/${access.index}: access port ${access.index} (zone ${access.zone}) has neither 802.1X nor port-security`]);
  });

  it('a switch whose interface sections were removed: every unused port and every access port is a finding on that switch, none passes', () => {
    const edge = byPlatform('cisco-ios').find((d) => d.kind === 'switch' && d.ports.some((p) => p.mode === 'parked') && d.ports.some((p) => p.mode === 'access')) as SwitchIntent;
    const r = audit({ [edge.hostname]: (t) => t.replace(/^interface (GigabitEthernet|TenGigabitEthernet)\S+\n(?: .*\n)*/gm, '') });
    const parked = edge.ports.filter((p) => p.mode === 'parked');
    const access = edge.ports.filter((p) => p.mode === 'access' && !p.shutdown);
    expect(only(r, 'unused-ports-shut')).toEqual(parked.map((p) => `${edge.hostname}:port/${p.index}: unused port ${p.index} has no interface section in the running config: nothing shows it shut down`));
    expect(only(r, 'access-port-auth')).toEqual(access.map((p) => `${edge.hostname}:port/${p.index}: access port ${p.index} (zone ${p.zone}) has no interface section in the running config: nothing shows 802.1X or port-security on it`));
    expect(r.controls.find((c) => c.id === 'unused-ports-shut')!.status).toBe('fail');
  });

  it('a pre-shared key on the staff SSID and a guest SSID without isolation', () => {
    const r = audit({ [ap.hostname]: (t) => t.replace('wpa_key_mgmt=WPA-EAP-SHA256', 'wpa_key_mgmt=WPA-PSK').replace('ap_isolate=1', 'ap_isolate=0') });
    expect(only(r, 'staff-ssid-enterprise')).toEqual([`${ap.hostname}:ssid/CENTRE-STAFF: SSID CENTRE-STAFF of zone staff uses wpa2-personal, not WPA2/WPA3-Enterprise`]);
    expect(only(r, 'guest-isolated')).toEqual([`${ap.hostname}:ssid/CENTRE-GUEST: guest SSID CENTRE-GUEST does not isolate its clients`]);
  });

  it('a rule added by hand on the firewall: guest reaches staff, telnet opened, an expired rule put back', () => {
    const staff = site.zones.find((z) => z.name === 'staff')!;
    const guest = site.zones.find((z) => z.name === 'guest')!;
    const r = audit({
      [fw.hostname]: (t) =>
        t
          .replace('\t\tct state invalid drop\n\t\t#', `\t\tct state invalid drop\n\t\tiifname "lan.${guest.vlan}" oifname "lan.${staff.vlan}" tcp dport 3389 accept\n\t\tiifname "lan.${guest.vlan}" ip daddr @svc_internet tcp dport 8443 accept comment "guest-booking-pilot"\n\t\t#`)
          .replace(/(tcp dport 22 accept\n)/, '$1\t\ttcp dport 23 accept\n'),
    });
    expect(only(r, 'guest-isolated')).toEqual([expect.stringMatching(new RegExp(`^${SITE}:zone/guest->zone/staff: guest zone guest reaches internal zone staff on 3389/tcp: ${fw.hostname}: accepted by forward-line-3 \\(running forward line 3 without an outpost comment: iifname "lan.${guest.vlan}" oifname "lan.${staff.vlan}" tcp dport 3389 accept\\)`))]);
    expect(only(r, 'mgmt-no-cleartext')).toEqual([`${fw.hostname}: telnet management is on`]);
    expect(only(r, 'expired-rules-removed')).toEqual([`${fw.hostname}: ${fw.hostname} still enforces expired rule guest-booking-pilot (expired 2021-03-31)`]);
    expect(only(r, 'running-matches-intent')).toEqual([expect.stringContaining(`${fw.hostname}: 1 line differs`)]);
  });

  it('on AOS-CX: telnet and the web server turned on, the control-plane ACL removed', () => {
    const aruba = byPlatform('aruba-aoscx', other)[0]!;
    const r = audit({ [aruba.hostname]: (t) => `${t.replace(/^apply access-list ip OUTPOST-MGMT control-plane vrf default\n/m, '')}telnet server vrf default\nhttps-server vrf default\n` }, other);
    expect(only(r, 'mgmt-no-cleartext')).toEqual([`${aruba.hostname}: telnet and HTTP management is on`]);
    expect(only(r, 'mgmt-ssh-only')).toEqual([expect.stringMatching(new RegExp(`^${aruba.hostname}: management allowed from 0\\.0\\.0\\.0/0, outside `))]);
  });

  it('on OpenWrt: a pre-shared key on the staff SSID and SSH on every interface', () => {
    const ap = byPlatform('openwrt', other).find((d) => d.kind === 'ap' && d.ssids.some((s) => s.zone === 'staff'))!;
    const r = audit({ [ap.hostname]: (t) => t.replace(/(option ssid 'CENTRE-STAFF'\n\toption encryption ')wpa3'/, "$1psk2'").replace("\toption Interface 'mgmt'\n", '') }, other);
    expect(only(r, 'staff-ssid-enterprise')).toEqual([`${ap.hostname}:ssid/CENTRE-STAFF: SSID CENTRE-STAFF of zone staff uses wpa2-personal, not WPA2/WPA3-Enterprise`]);
    expect(only(r, 'mgmt-ssh-only')).toEqual([expect.stringMatching(new RegExp(`^${ap.hostname}: management allowed from 0\\.0\\.0\\.0/0`))]);
  });

  it('on FortiGate: telnet turned on and a policy from guests to staff put first', () => {
    const fortiSite = plan.sites.find((x) => x.devices.some((d) => d.platform === 'fortigate'))!;
    const forti = byPlatform('fortigate', fortiSite)[0]!;
    const policy = 'config firewall policy\n    edit 99\n        set name "helpdesk-test"\n        set srcintf "vlan60"\n        set dstintf "vlan10"\n        set srcaddr "net-guest"\n        set dstaddr "net-staff"\n        set action accept\n        set service "ALL"\n    next\n';
    const r = audit({ [forti.hostname]: (t) => t.replace('set admin-telnet disable', 'set admin-telnet enable').replace('config firewall policy\n', policy) }, fortiSite);
    expect(only(r, 'mgmt-no-cleartext')).toEqual([`${forti.hostname}: telnet management is on`]);
    expect(only(r, 'guest-isolated')).toEqual([expect.stringMatching(new RegExp(`^${fortiSite.code}:zone/guest->zone/staff: guest zone guest reaches internal zone staff on .*${forti.hostname}: accepted by policy-99 \\(running policy 99 without an outpost comment: helpdesk-test\\)$`))]);
  });
});
