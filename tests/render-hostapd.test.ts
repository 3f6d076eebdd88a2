// The hostapd target: a golden file for one AP, the real hostapd parser over every
// hostapd AP of the example (no radio is needed: hostapd reads and checks the whole file
// before it touches a driver, then fails on the missing interface), and the security
// promises read back from the text: staff SSIDs enterprise, guest isolated.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../core/inventory/index.js';
import { planInventory, type ApIntent } from '../core/plan/index.js';
import { renderDevice } from '../core/render/index.js';
import { expectGolden } from './support/golden.js';
import { exampleInventory } from './support/inventory.js';

const loaded = loadInventory(exampleInventory);
if (!loaded.ok) throw new Error('example inventory must load');
const plan = planInventory(loaded.value);
const aps = plan.sites.flatMap((s) => s.devices).filter((d): d is ApIntent => d.kind === 'ap' && d.platform === 'hostapd');
const render = (ap: ApIntent) => renderDevice(ap).artefacts[0]!.content;

/** The BSS sections of a hostapd.conf: settings from each interface=/bss= line on. */
function sections(text: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'interface' || m[1] === 'bss') out.push(new Map());
    // Repeated keys (RADIUS servers) keep their first value; enough for these checks.
    const cur = out.at(-1);
    if (cur && !cur.has(m[1]!)) cur.set(m[1]!, m[2]!);
  }
  return out;
}

/**
 * Runs hostapd on a copy whose interface names cannot exist on this machine (so even a
 * host with a wireless card never starts an AP) and whose control socket is in `dir`.
 */
function hostapdParse(text: string, dir: string, name: string): { ok: boolean; output: string } {
  const iface = `optnx${process.pid % 10000}`;
  const safe = text
    .replace(/^(interface|bss)=wlan0/gm, `$1=${iface}`)
    .replace(/^ctrl_interface=.*$/m, `ctrl_interface=${join(dir, 'ctrl')}`);
  const file = join(dir, `${name}.conf`);
  writeFileSync(file, safe);
  const r = spawnSync('hostapd', ['-dd', file], { encoding: 'utf8', timeout: 10_000 });
  const output = `${r.stdout}\n${r.stderr}`;
  const parseErrors = /^Line \d+: /m.test(output) || /errors? found in configuration file/.test(output);
  return { ok: output.includes(`Configuration file: ${file}`) && !parseErrors, output };
}

describe('hostapd target', () => {
  it('renders vac-esch-ap1 exactly as the golden file', () => {
    const ap = aps.find((d) => d.hostname === 'vac-esch-ap1')!;
    const [artefact] = renderDevice(ap).artefacts;
    expect(artefact!.path).toBe('vac-esch/vac-esch-ap1.hostapd.conf');
    expectGolden(artefact!.content, 'hostapd/vac-esch-ap1.hostapd.conf');
  });

  it('produces files the real hostapd parser accepts, for every hostapd AP, and it would reject a broken one', () => {
    expect(aps.length).toBeGreaterThanOrEqual(20);
    const dir = mkdtempSync(join(tmpdir(), 'outpost-opt-hostapd-'));
    try {
      for (const ap of aps) {
        const r = hostapdParse(render(ap), dir, ap.hostname);
        expect(r.ok, `${ap.hostname}:\n${r.output}`).toBe(true);
      }
      // The same check notices a config hostapd refuses, so a pass above means something.
      const broken = render(aps[0]!).replace('wpa_key_mgmt=WPA-EAP-SHA256', 'wpa_key_mgmt=WPA-EAP-SHA512');
      const r = hostapdParse(broken, dir, 'broken');
      expect(r.ok).toBe(false);
      expect(r.output).toMatch(/Line \d+: invalid key_mgmt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps staff SSIDs enterprise with PMF, isolates the guest SSID, bridges each SSID into its VLAN', () => {
    for (const ap of aps) {
      const bss = sections(render(ap));
      expect(bss.length).toBe(ap.ssids.length);
      ap.ssids.forEach((s, i) => {
        const b = bss[i]!;
        expect(b.get('ssid')).toBe(s.ssid);
        expect(b.get('bridge')).toBe(`br-vlan${s.vlan}`);
        if (s.security === 'open') {
          expect(b.get('wpa')).toBe('0');
          expect(b.has('ieee8021x')).toBe(false);
        } else {
          expect(b.get('ieee8021x')).toBe('1');
          expect(b.get('wpa')).toBe('2');
          expect(b.get('wpa_key_mgmt')).toBe(s.security === 'wpa3-enterprise' ? 'WPA-EAP-SHA256' : 'WPA-EAP');
          expect(b.get('ieee80211w')).toBe(s.security === 'wpa3-enterprise' ? '2' : '1');
          expect(b.get('auth_server_addr')).toBe(ap.radius.servers[0]!.address);
          expect(b.get('own_ip_addr')).toBe(ap.mgmt.address);
        }
        expect(b.get('ap_isolate')).toBe(s.isolate ? '1' : undefined);
        if (s.zone === 'guest') expect(b.get('ap_isolate')).toBe('1');
        if (s.zone === 'staff') expect(s.security).not.toBe('open');
      });
    }
  });

  it('carries the RADIUS secret only as a placeholder', () => {
    const text = render(aps[0]!);
    const secrets = text.split('\n').filter((l) => l.includes('shared_secret='));
    expect(secrets.length).toBeGreaterThan(0);
    for (const l of secrets) expect(l).toMatch(/_shared_secret=%%OUTPOST_SECRET\(radius-key\)%%$/);
  });
});
