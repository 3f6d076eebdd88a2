// The openwrt target: golden files for one AP (its four UCI packages), every package of
// every openwrt AP read back with the UCI file grammar, and the security promises
// checked on the parsed values. The grammar below follows libuci's own parser
// (file.c: keywords, quoting, `#` comments, `;` separators, name and type character
// sets, strict "too many arguments"); libuci itself is not packaged for Debian, so
// the real `uci import` cannot run here.
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../core/inventory/index.js';
import { planInventory, type ApIntent } from '../core/plan/index.js';
import { renderDevice } from '../core/render/index.js';
import { expectGolden } from './support/golden.js';
import { exampleInventory } from './support/inventory.js';

const loaded = loadInventory(exampleInventory);
if (!loaded.ok) throw new Error('example inventory must load');
const plan = planInventory(loaded.value);
const aps = plan.sites.flatMap((s) => s.devices).filter((d): d is ApIntent => d.kind === 'ap' && d.platform === 'openwrt');

interface UciSection {
  type: string;
  name: string | null;
  options: Map<string, string>;
  lists: Map<string, string[]>;
}

/** Splits one line into arguments the way libuci's parse_str does; `;` ends a command. */
function uciArgs(line: string): string[][] {
  const commands: string[][] = [[]];
  let i = 0;
  const cur = () => commands.at(-1)!;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length || line[i] === '#') break;
    if (line[i] === ';') { commands.push([]); i++; continue; }
    let word = '';
    while (i < line.length && !/\s/.test(line[i]!)) {
      const c = line[i]!;
      if (c === "'" || c === '"') {
        const end = line.indexOf(c, i + 1);
        if (end < 0) throw new Error(`unterminated ${c}`);
        word += line.slice(i + 1, end);
        i = end + 1;
      } else if (c === '#') { i = line.length; break; }
      else if (c === ';') break;
      else if (c === '\\') { word += line[i + 1] ?? ''; i += 2; }
      else { word += c; i++; }
    }
    cur().push(word);
  }
  return commands.filter((c) => c.length);
}

/** Parses a UCI package file strictly; throws with the line number on the first error. */
function parseUci(text: string): UciSection[] {
  const sections: UciSection[] = [];
  const name = /^[A-Za-z0-9_]+$/;
  const type = /^[\x21-\x7e]+$/;
  text.split('\n').forEach((line, n) => {
    const fail = (msg: string) => { throw new Error(`line ${n + 1}: ${msg}: ${line}`); };
    for (const [cmd, ...args] of uciArgs(line)) {
      if (cmd === 'package' || cmd === 'p') fail('package line in a single-package file');
      else if (cmd === 'config' || cmd === 'c') {
        if (!args[0] || !type.test(args[0])) fail('invalid character in type field');
        if (args[1] !== undefined && !name.test(args[1])) fail('invalid character in name field');
        if (args.length > 2) fail('too many arguments');
        sections.push({ type: args[0]!, name: args[1] ?? null, options: new Map(), lists: new Map() });
      } else if (cmd === 'option' || cmd === 'o' || cmd === 'list' || cmd === 'l') {
        const s = sections.at(-1) ?? fail('option/list command found before the first section');
        if (!args[0] || !name.test(args[0])) fail('invalid character in name field');
        if (args.length > 2) fail('too many arguments');
        if (cmd.startsWith('o')) s!.options.set(args[0]!, args[1] ?? '');
        else s!.lists.set(args[0]!, [...(s!.lists.get(args[0]!) ?? []), args[1] ?? '']);
      } else fail('invalid command');
    }
  });
  return sections;
}

function packages(ap: ApIntent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of renderDevice(ap).artefacts) out[a.path.split('/').pop()!] = a.content;
  return out;
}

describe('openwrt target', () => {
  it('renders the packages of vac-findel-ap1 exactly as the golden files', () => {
    const ap = aps.find((d) => d.hostname === 'vac-findel-ap1')!;
    const arts = renderDevice(ap).artefacts;
    expect(arts.map((a) => a.path)).toEqual(['wireless', 'network', 'system', 'dropbear'].map((p) => `vac-findel/vac-findel-ap1/${p}`));
    for (const a of arts) {
      expectGolden(a.content, `openwrt/vac-findel-ap1.${a.path.split('/').pop()}`);
    }
  });

  it('the UCI grammar check refuses what libuci refuses', () => {
    expect(() => parseUci("config wifi-iface 'wifi-net'\n")).toThrow(/name field/);
    expect(() => parseUci("option ssid 'x'\n")).toThrow(/before the first section/);
    expect(() => parseUci("config interface 'a'\n\toption ssid 'x' 'y'\n")).toThrow(/too many arguments/);
    expect(() => parseUci("config interface 'a'\n\toption ssid 'x\n")).toThrow(/unterminated/);
    expect(() => parseUci("config interface 'a'\n\tset ssid 'x'\n")).toThrow(/invalid command/);
    expect(parseUci("config a 'b'; option c 'd e' # note\n")[0]!.options.get('c')).toBe('d e');
  });

  it('writes every package of every openwrt AP in valid UCI syntax', () => {
    expect(aps.length).toBeGreaterThanOrEqual(20);
    for (const ap of aps) {
      for (const [pkg, text] of Object.entries(packages(ap))) {
        expect(() => parseUci(text), `${ap.hostname}/${pkg}`).not.toThrow();
      }
    }
  });

  it('keeps staff SSIDs enterprise against RADIUS, isolates guests, and bridges each SSID into its VLAN', () => {
    for (const ap of aps) {
      const pk = packages(ap);
      const wireless = parseUci(pk['wireless']!);
      const network = parseUci(pk['network']!);
      const ifaces = wireless.filter((s) => s.type === 'wifi-iface');
      expect(ifaces.length).toBe(ap.ssids.length);
      expect(wireless.find((s) => s.type === 'wifi-device')!.options.get('country')).toBe(ap.country);
      ap.ssids.forEach((ssid, i) => {
        const w = ifaces[i]!;
        expect(w.options.get('ssid')).toBe(ssid.ssid);
        const enc = w.options.get('encryption');
        if (ssid.security === 'open') expect(enc).toBe('none');
        else {
          expect(enc).toBe(ssid.security === 'wpa3-enterprise' ? 'wpa3' : 'wpa2');
          expect(w.lists.get('auth_server')).toEqual(ap.radius.servers.map((s) => s.address));
          expect(w.options.get('auth_secret')).toBe(`%%OUTPOST_SECRET(${ap.radius.key.secret})%%`);
          expect(w.options.get('acct_secret')).toBe(`%%OUTPOST_SECRET(${ap.radius.key.secret})%%`);
        }
        if (ssid.zone === 'staff') expect(['wpa2', 'wpa3']).toContain(enc);
        if (ssid.zone === 'guest') expect(w.options.get('isolate')).toBe('1');
        expect(w.options.get('isolate')).toBe(ssid.isolate ? '1' : undefined);
        // The SSID's network is an interface on the bridge VLAN of its zone, tagged on the uplink.
        const net = network.find((s) => s.type === 'interface' && s.name === w.options.get('network'))!;
        expect(net.options.get('device')).toBe(`br-uplink.${ssid.vlan}`);
        const bv = network.find((s) => s.type === 'bridge-vlan' && s.options.get('vlan') === String(ssid.vlan))!;
        expect(bv.lists.get('ports')).toEqual(['lan:t']);
      });
      const mgmt = network.find((s) => s.type === 'interface' && s.name === 'mgmt')!;
      expect(mgmt.options.get('ipaddr')).toBe(ap.mgmt.address);
      expect(mgmt.options.get('netmask')).toBe(ap.mgmt.netmask);
      expect(mgmt.options.get('gateway')).toBe(ap.mgmt.gateway);
      const dropbear = parseUci(pk['dropbear']!);
      expect(dropbear[0]!.options.get('Interface')).toBe('mgmt');
    }
  });

  it('carries secrets only as placeholders', () => {
    const text = packages(aps[0]!)['wireless']!;
    for (const l of text.split('\n').filter((x) => /secret/.test(x) && !x.startsWith('#'))) expect(l).toMatch(/'%%OUTPOST_SECRET\([a-z0-9-]+\)%%'$/);
  });
});
