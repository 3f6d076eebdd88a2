// Hand edits an engineer could make on a device, per platform, as text edits of the
// config outpost rendered: remove an interface block, change a VLAN, drop 802.1X, open
// telnet, change an SSID's security, remove NTP, add a rule... Each edit picks its target
// and its new value from two random numbers, so property tests can draw them.

/** A random choice: which candidate (`pick`) and which new number (`value`, 2..4000). */
export interface Draw {
  readonly pick: number;
  readonly value: number;
}

export interface ConfigEdit {
  readonly kind: string;
  /** The edited text, or undefined when this config offers nothing to edit this way. */
  apply(text: string, d: Draw): string | undefined;
}

const choose = <T>(xs: readonly T[], d: Draw): T | undefined => (xs.length ? xs[d.pick % xs.length] : undefined);
/** A number other than `old`, from the draw. */
const other = (old: number, d: Draw) => (d.value === old ? old + 1 : d.value);

/** Replaces the chosen match of a global regex by what `f` makes of it. */
function editMatch(text: string, re: RegExp, d: Draw, f: (m: RegExpExecArray) => string): string | undefined {
  const all = [...text.matchAll(re)];
  const m = choose(all, d);
  if (!m) return undefined;
  return text.slice(0, m.index) + f(m as RegExpExecArray) + text.slice(m.index! + m[0].length);
}

const replaceOnce = (text: string, from: string, to: string) => (text.includes(from) ? text.replace(from, to) : undefined);
const removeAll = (text: string, re: RegExp) => (re.test(text) ? text.replace(re, '') : undefined);

// IOS: one-space indented interface sections.
const IOS_PORT = /^interface (?:GigabitEthernet|TenGigabitEthernet)\S+\n(?: .*\n)*/gm;
export const IOS_EDITS: readonly ConfigEdit[] = [
  { kind: 'remove an interface block', apply: (t, d) => editMatch(t, IOS_PORT, d, () => '') },
  { kind: 'change a VLAN', apply: (t, d) => editMatch(t, /^ switchport access vlan (\d+)$/gm, d, (m) => ` switchport access vlan ${other(Number(m[1]), d)}`) },
  {
    kind: 'drop 802.1X',
    apply: (t, d) => editMatch(t, /^interface \S+\n(?: .*\n)*? authentication port-control auto\n(?: .*\n)*/gm, d, (m) => m[0].replace(/^ (authentication|dot1x) .*\n/gm, '')),
  },
  { kind: 'open telnet', apply: (t) => replaceOnce(t, ' transport input ssh\n', ' transport input telnet ssh\n') },
  { kind: 'remove NTP', apply: (t) => removeAll(t, /^ntp server .*\n/gm) },
  // IOS refuses an entry an ACL already holds: the edit is made once.
  { kind: 'add a rule', apply: (t) => (t.includes('OUTPOST-MGMT\n permit any\n') ? undefined : replaceOnce(t, 'ip access-list standard OUTPOST-MGMT\n', 'ip access-list standard OUTPOST-MGMT\n permit any\n')) },
  { kind: 'open an unused port', apply: (t, d) => editMatch(t, /^(interface (?:GigabitEthernet|TenGigabitEthernet)\S+\n(?: .*\n)*?) shutdown\n/gm, d, (m) => `${m[1]} no shutdown\n`) },
];

// AOS-CX: four-space indented sections, nested levels deeper.
const CX_PORT = /^interface 1\/1\/\d+\n(?: {4}.*\n)*/gm;
export const AOSCX_EDITS: readonly ConfigEdit[] = [
  { kind: 'remove an interface block', apply: (t, d) => editMatch(t, CX_PORT, d, () => '') },
  { kind: 'change a VLAN', apply: (t, d) => editMatch(t, /^ {4}vlan access (\d+)$/gm, d, (m) => `    vlan access ${other(Number(m[1]), d)}`) },
  { kind: 'drop 802.1X', apply: (t, d) => editMatch(t, /^ {4}aaa authentication port-access dot1x authenticator\n {8}enable\n/gm, d, () => '') },
  { kind: 'open telnet', apply: (t) => `${t}telnet server vrf default\n` },
  { kind: 'remove NTP', apply: (t) => removeAll(t, /^ntp server .*\n/gm) },
  {
    kind: 'add a rule',
    apply: (t) => replaceOnce(t, 'access-list ip OUTPOST-MGMT\n', `access-list ip OUTPOST-MGMT\n    5 permit tcp any any eq ${t.match(/^ssh server port (\d+)/m)?.[1] ?? 22}\n`),
  },
  { kind: 'open an unused port', apply: (t, d) => editMatch(t, /^(interface 1\/1\/\d+\n) {4}shutdown\n/gm, d, (m) => `${m[1]}    no shutdown\n`) },
];

// hostapd: one block of key=value lines per BSS.
const BSS = /^(?:interface|bss)=.*\n(?:(?!(?:interface|bss)=).*\n)*/gm;
export const HOSTAPD_EDITS: readonly ConfigEdit[] = [
  {
    kind: 'change SSID security',
    apply: (t, d) =>
      editMatch(t, BSS, d, (m) => (/^wpa=2$/m.test(m[0]) ? m[0].replace(/^wpa_key_mgmt=.*$/m, 'wpa_key_mgmt=WPA-PSK') : m[0].replace(/^wpa=0$/m, 'wpa=2\nwpa_key_mgmt=WPA-PSK'))),
  },
  { kind: 'change a VLAN', apply: (t, d) => editMatch(t, /^bridge=br-vlan(\d+)$/gm, d, (m) => `bridge=br-vlan${other(Number(m[1]), d)}`) },
  { kind: 'remove an SSID', apply: (t, d) => editMatch(t, BSS, d, () => '') },
  { kind: 'turn client isolation off', apply: (t, d) => editMatch(t, /^ap_isolate=1\n/gm, d, () => '') },
];

// OpenWrt UCI: `config <type> '<name>'` sections with tab-indented options.
const UCI_SECTION = (type: string) => new RegExp(`^config ${type}\\b.*\\n(?:\\t.*\\n)*`, 'gm');
export const OPENWRT_EDITS: readonly ConfigEdit[] = [
  {
    kind: 'change SSID security',
    apply: (t, d) => editMatch(t, /^\toption encryption '([^']*)'$/gm, d, (m) => `\toption encryption '${m[1] === 'psk2' ? 'none' : 'psk2'}'`),
  },
  {
    kind: 'change a VLAN',
    apply: (t, d) => {
      const networks = [...t.matchAll(/^\toption network '([^']+)'$/gm)].map((m) => m[1]!);
      const net = choose(networks, d);
      return net ? editMatch(t, new RegExp(`^(config interface '${net}'\\n(?:\\t.*\\n)*?\\toption device '[^.']*\\.)(\\d+)'$`, 'gm'), d, (m) => `${m[1]}${other(Number(m[2]), d)}'`) : undefined;
    },
  },
  { kind: 'remove NTP', apply: (t) => removeAll(t, /^\tlist server .*\n/gm) },
  { kind: 'open SSH on every interface', apply: (t) => replaceOnce(t, "\toption Interface 'mgmt'\n", '') },
  { kind: 'remove an SSID', apply: (t, d) => editMatch(t, UCI_SECTION('wifi-iface'), d, () => '') },
];

// nftables, as rendered (the layout `nft list ruleset` also gives).
const FORWARD_RULE = /^\t\t(?!ct state)(.*\b(?:accept|drop)\b.*comment ".*)\n/gm;
export const NFTABLES_EDITS: readonly ConfigEdit[] = [
  {
    kind: 'add a rule',
    apply: (t, d) => {
      const vlans = [...new Set([...t.matchAll(/"[A-Za-z0-9_-]+\.(\d+)"/g)].map((m) => m[1]!))];
      const a = choose(vlans, d);
      const b = choose(vlans, { pick: d.pick + 1, value: d.value });
      const at = t.indexOf('\t\tct state invalid drop\n', t.indexOf('chain forward {'));
      if (!a || !b || at < 0) return undefined;
      const line = `\t\tiifname "lan.${a}" oifname "lan.${b}" tcp dport ${d.value} accept\n`;
      return t.slice(0, at) + line + t.slice(at);
    },
  },
  { kind: 'open telnet', apply: (t) => replaceOnce(t, '\t\tiifname "lo" accept\n', '\t\tiifname "lo" accept\n\t\ttcp dport 23 accept\n') },
  { kind: 'remove a rule', apply: (t, d) => editMatch(t, FORWARD_RULE, d, () => '') },
  { kind: 'change a VLAN', apply: (t, d) => editMatch(t, /"([A-Za-z0-9_-]+)\.(\d+)"(?=.*comment)/gm, d, (m) => `"${m[1]}.${other(Number(m[2]), d)}"`) },
  { kind: 'turn a rule around', apply: (t, d) => editMatch(t, FORWARD_RULE, d, (m) => `\t\t${m[1]!.replace(/\baccept\b/, 'DROP').replace(/\bdrop\b/, 'accept').replace('DROP', 'drop')}\n`) },
];

// FortiOS: `config` blocks with `edit` entries, four spaces a level.
const POLICY = /^ {4}edit \d+\n(?: {8}.*\n)*? {4}next\n/gm;

/** Applies an edit inside the `config firewall policy` block only. */
function inPolicies(text: string, f: (block: string) => string | undefined): string | undefined {
  const start = text.indexOf('config firewall policy\n');
  const end = text.indexOf('\nend\n', start);
  if (start < 0 || end < 0) return undefined;
  const edited = f(text.slice(start, end + 1));
  return edited === undefined ? undefined : text.slice(0, start) + edited + text.slice(end + 1);
}
export const FORTIGATE_EDITS: readonly ConfigEdit[] = [
  {
    kind: 'add a rule',
    apply: (t, d) => {
      const zones = [...t.matchAll(/^ {4}edit "(net-[^"]+)"$/gm)].map((m) => m[1]!);
      const a = choose(zones, d);
      const b = choose(zones, { pick: d.pick + 1, value: d.value });
      if (!a || !b) return undefined;
      const policy = `config firewall policy\n    edit ${9000 + d.value}\n        set name "by-hand"\n        set srcaddr "${a}"\n        set dstaddr "${b}"\n        set action accept\n        set service "ALL"\n    next\n`;
      return replaceOnce(t, 'config firewall policy\n', policy);
    },
  },
  { kind: 'open telnet', apply: (t) => replaceOnce(t, 'set admin-telnet disable', 'set admin-telnet enable') },
  { kind: 'remove NTP', apply: (t) => removeAll(t, /^ {8}edit \d+\n {12}set server .*\n {8}next\n/gm) },
  {
    // Every policy one outpost rule became (a rule towards the WAN is two): the reader
    // does not read srcintf/dstintf, so dropping one half alone reads as no change.
    kind: 'remove a rule',
    apply: (t, d) =>
      inPolicies(t, (block) => {
        const rules = [...new Set([...block.matchAll(/set comments "outpost rule (\S+?):/g)].map((m) => m[1]!))];
        const rule = choose(rules, d);
        return rule === undefined ? undefined : block.replace(POLICY, (p) => (p.includes(`set comments "outpost rule ${rule}:`) ? '' : p));
      }),
  },
  { kind: 'turn a rule around', apply: (t, d) => inPolicies(t, (b) => editMatch(b, /^ {8}set action (accept|deny)$/gm, d, (m) => `        set action ${m[1] === 'accept' ? 'deny' : 'accept'}`)) },
];

export const EDITS: Readonly<Record<string, readonly ConfigEdit[]>> = {
  'cisco-ios': IOS_EDITS,
  'aruba-aoscx': AOSCX_EDITS,
  hostapd: HOSTAPD_EDITS,
  openwrt: OPENWRT_EDITS,
  nftables: NFTABLES_EDITS,
  fortigate: FORTIGATE_EDITS,
};
