// The running-config readers, held to what a network engineer needs from them: given the
// config outpost rendered for any device of the 13 example sites, edited by hand in one
// of the ways people do (an interface block removed, a VLAN changed, 802.1X dropped,
// telnet opened, an SSID's security changed, NTP removed, a rule added), the reader sees
// the edit, and the comparison with the plan names it; untouched, the config reads back
// with no difference. A reader that ignores one field (takes it from the plan, as the
// readers once did) must make the property fail: the test of the test.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRunning } from '../core/audit/compare.js';
import type { ApIntent, DeviceIntent, SwitchIntent } from '../core/plan/index.js';
import { planInventory } from '../core/plan/index.js';
import { compilePolicy, today } from '../core/policy/index.js';
import { renderSites, targetFor, type SeenDevice } from '../core/render/index.js';
import { EDITS, type ConfigEdit } from './support/config-edits.js';
import { loadExample } from './support/example.js';

const RUNS = 200;

const { inv, policy } = loadExample();
const plan = planInventory(inv, { rules: compilePolicy(inv, policy, today()).compiler });
const rendered = renderSites(plan.sites).artefacts;
const textOf = new Map<string, string>();
for (const a of rendered) textOf.set(a.device, textOf.has(a.device) ? `${textOf.get(a.device)}\n${a.content}` : a.content);
const devicesOn = (platform: string) => plan.sites.flatMap((s) => s.devices).filter((d) => d.platform === platform);

type Reader = (text: string, intended: DeviceIntent) => SeenDevice;
const readerOf = (d: DeviceIntent): Reader => {
  const read = targetFor(d.kind, d.platform)!.readRunning as (t: string) => SeenDevice;
  return (t) => read(t);
};

/** One hand edit drawn at random: which device, which kind of edit, which target and value. */
const drawEdit = (platform: string) =>
  fc.record({
    device: fc.constantFrom(...devicesOn(platform).map((d) => d.hostname)),
    edit: fc.constantFrom(...EDITS[platform]!.map((e) => e.kind)),
    pick: fc.nat({ max: 10_000 }),
    value: fc.integer({ min: 2, max: 4000 }),
  });

/** Every drawn edit that changes the text is reported by the comparison as a difference. */
function editsAreSeen(platform: string, reader: (d: DeviceIntent) => Reader) {
  return fc.property(drawEdit(platform), ({ device: hostname, edit: kind, pick, value }) => {
    const device = devicesOn(platform).find((d) => d.hostname === hostname)!;
    const edit = EDITS[platform]!.find((e) => e.kind === kind)!;
    const original = textOf.get(device.hostname)!;
    const edited = edit.apply(original, { pick, value });
    fc.pre(edited !== undefined && edited !== original);
    const { differences } = compareRunning(device, reader(device)(edited!, device));
    return differences.length > 0;
  });
}

// Mutants: the real reader with one field taken from the plan instead of the text.
const MUTANTS: Record<string, { field: string; edit: string; reader: (d: DeviceIntent) => Reader }> = {
  'cisco-ios': {
    field: "ports' 802.1X",
    edit: 'drop 802.1X',
    reader: (d) => (t, i) => {
      const s = readerOf(d)(t, i);
      const sw = i as SwitchIntent;
      return s.kind === 'switch' ? { ...s, ports: s.ports.map((p) => ({ ...p, auth: sw.ports.find((x) => x.index === p.position.number + (p.position.uplink ? sw.frontPorts : 0))?.auth ?? p.auth })) } : s;
    },
  },
  'aruba-aoscx': {
    field: 'ports without a section (filled from the plan, as `if (!body) return p` did)',
    edit: 'remove an interface block',
    reader: (d) => (t, i) => {
      const s = readerOf(d)(t, i);
      const sw = i as SwitchIntent;
      if (s.kind !== 'switch') return s;
      const missing = sw.ports.filter((p) => !s.ports.some((x) => x.position.number === p.index));
      const filled = missing.map((p) => ({ name: `1/1/${p.index}`, position: { uplink: false, number: p.index }, mode: p.mode === 'trunk' ? ('trunk' as const) : ('access' as const), vlan: p.vlan, tagged: p.tagged.filter((v) => v !== p.vlan), auth: p.mode === 'trunk' ? ('none' as const) : p.auth, description: p.description, shutdown: p.shutdown }));
      return { ...s, ports: [...s.ports, ...filled] };
    },
  },
  hostapd: {
    field: "SSIDs' security",
    edit: 'change SSID security',
    reader: (d) => (t, i) => {
      const s = readerOf(d)(t, i);
      return s.kind === 'ap' ? { ...s, ssids: s.ssids.map((x) => ({ ...x, security: (i as ApIntent).ssids.find((y) => y.ssid === x.ssid)?.security ?? x.security })) } : s;
    },
  },
  openwrt: { field: 'who may manage (dropbear)', edit: 'open SSH on every interface', reader: (d) => (t, i) => ({ ...readerOf(d)(t, i), managementFrom: i.managementFrom }) },
  nftables: {
    field: "rules' verdicts",
    edit: 'turn a rule around',
    reader: (d) => (t, i) => {
      const s = readerOf(d)(t, i);
      const planned = i.kind === 'firewall' ? i.rules : [];
      return s.kind === 'firewall' ? { ...s, rules: s.rules.map((r) => ({ ...r, action: planned.find((p) => p.id === r.rule)?.action ?? r.action })) } : s;
    },
  },
  fortigate: { field: 'NTP', edit: 'remove NTP', reader: (d) => (t, i) => ({ ...readerOf(d)(t, i), ntp: i.ntp }) },
};

describe.each(Object.keys(EDITS))('the %s reader reads what the device runs', (platform) => {
  it(`reads the rendered config of every ${platform} device of the 13 sites back with no difference from the plan`, () => {
    const devices = devicesOn(platform);
    expect(devices.length).toBeGreaterThan(0);
    for (const d of devices) expect({ device: d.hostname, differences: compareRunning(d, readerOf(d)(textOf.get(d.hostname)!, d)).differences }).toEqual({ device: d.hostname, differences: [] });
  });

  it(`reports every hand edit as a difference (${RUNS} random edits: ${EDITS[platform]!.map((e: ConfigEdit) => e.kind).join(', ')})`, () => {
    fc.assert(editsAreSeen(platform, readerOf), { numRuns: RUNS });
  });

  it(`a reader that takes ${MUTANTS[platform]!.field} from the plan fails the same property, on a "${MUTANTS[platform]!.edit}" edit`, () => {
    const mutant = MUTANTS[platform]!;
    const out = fc.check(editsAreSeen(platform, mutant.reader), { numRuns: RUNS, seed: 14 });
    expect(out.failed).toBe(true);
    expect(out.counterexample?.[0].edit).toBe(mutant.edit);
  });
});
