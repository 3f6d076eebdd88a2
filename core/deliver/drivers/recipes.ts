// Shell recipes of the Linux platforms: where the files live, how the device checks a
// candidate, how it activates and restores one. Snippets run under `sh` with $S (state
// folder) and $R (root prefix, empty on real devices) set; paths come quoted from Paths.
import type { Paths, Recipe } from './linux.js';

/** Reloads a daemon: its systemd unit when one is active, else SIGHUP to its pid file. */
function reload(unit: string, pidfile: (p: Paths) => string): (p: Paths) => string {
  return (p) =>
    `if [ -z "$R" ] && command -v systemctl >/dev/null 2>&1 && systemctl is-active -q ${unit} 2>/dev/null; then systemctl reload-or-restart ${unit}; ` +
    `elif [ -s ${pidfile(p)} ] && kill -0 "$(cat ${pidfile(p)})" 2>/dev/null; then kill -HUP "$(cat ${pidfile(p)})"; fi`;
}

/** Healthy when the daemon is not expected (no pid file) or still runs after the reload. */
function alive(pidfile: (p: Paths) => string, name: string): (p: Paths) => string {
  return (p) =>
    `if [ -s ${pidfile(p)} ]; then sleep 0.3; kill -0 "$(cat ${pidfile(p)})" 2>/dev/null || { echo '${name} is no longer running after the reload' >&2; exit 1; }; fi; echo ok`;
}

/**
 * nftables: the running config is the kernel's ruleset. A candidate is checked with
 * `nft -c -f` and loaded with `nft -f` (one transaction); the persistent file is written
 * only on confirm, so a reboot before confirm boots the old rules. The intended ruleset
 * is normalised by loading it into an empty throwaway network namespace on the device
 * (`unshare -n`) and listing it, so it compares line for line with the live one.
 */
export const nftables: Recipe = {
  platform: 'nftables',
  summary: 'nftables firewall: nft -c -f to check, nft -f to apply atomically, /etc/nftables.conf on confirm',
  files: [{ suffix: '.nft', path: '/etc/nftables.conf' }],
  installOn: 'confirm',
  running: () => 'nft -s list ruleset',
  normalize: (p, i) => `if command -v unshare >/dev/null 2>&1; then unshare -n sh -c 'nft -f "$0" && nft -s list ruleset' ${p.candidate(i)}; else cat ${p.candidate(i)}; fi`,
  // The snapshot must load back, or there would be nothing safe to roll back to.
  snapshot: () => `{ echo 'flush ruleset'; nft -s list ruleset; } > "$S/rollback/ruleset.nft" && nft -c -f "$S/rollback/ruleset.nft"`,
  restore: () => 'nft -f "$S/rollback/ruleset.nft"',
  // A listing only adds; restoring a saved one starts from an empty ruleset.
  fromRunning: (content) => `flush ruleset\n${content}`,
  validate: (p) => `nft -c -f ${p.candidate(0)}`,
  activate: (p) => `nft -f ${p.candidate(0)}`,
  check: () => 'nft list tables >/dev/null && echo ok',
};

const hostapdPid = (p: Paths) => `"$R"/run/hostapd.pid`;

/**
 * hostapd: /etc/hostapd/hostapd.conf. hostapd has no check-only mode, so the device
 * runs it on a copy whose interfaces cannot exist (it reads and checks the whole file,
 * then stops at the driver) and looks for parse errors. Reload is SIGHUP.
 */
export const hostapd: Recipe = {
  platform: 'hostapd',
  summary: 'hostapd AP: parsed by hostapd on the device, installed as /etc/hostapd/hostapd.conf, SIGHUP',
  files: [{ suffix: '.hostapd.conf', path: '/etc/hostapd/hostapd.conf' }],
  validate: (p) =>
    [
      `sed -e 's/^\\(interface\\|bss\\)=/\\1=opdchk-/' -e "s#^ctrl_interface=.*#ctrl_interface=$S/chk#" ${p.candidate(0)} > "$S/check.conf"`,
      `out=$(timeout 10 hostapd -dd "$S/check.conf" 2>&1); rm -rf "$S/check.conf" "$S/chk"`,
      `printf '%s\\n' "$out" | grep -E '^Line [0-9]+: |errors? found in configuration' >&2 && exit 1`,
      `printf '%s\\n' "$out" | grep -q 'Configuration file:' || { printf '%s\\n' "$out" | tail -5 >&2; exit 1; }`,
    ].join('\n'),
  activate: reload('hostapd', hostapdPid),
  check: alive(hostapdPid, 'hostapd'),
};

const openvpnPid = (p: Paths) => `"$R"/run/openvpn-server/outpost.pid`;

const GATEWAY = '/etc/openvpn/outpost';

/**
 * openvpn gateway: the folder outpost renders (out/central/<gateway>/), in
 * /etc/openvpn/outpost beside the PKI files. openvpn parses the whole config before a
 * standalone option such as --show-digests, which then exits: unknown options and wrong
 * arguments are caught on the device; the role rules are checked by `nft -c` and loaded
 * in one transaction; the health check catches a daemon that died on reload. The role
 * rules are snapshotted like a firewall's, so the timer restores them too.
 */
export const openvpn: Recipe = {
  platform: 'openvpn',
  summary: 'openvpn gateway: openvpn.conf parsed by openvpn, role rules checked by nft -c, gatekeeper.json; /etc/openvpn/outpost, nft -f, reload',
  files: [
    { suffix: '/openvpn.conf', path: `${GATEWAY}/openvpn.conf` },
    { suffix: '/gatekeeper.json', path: `${GATEWAY}/gatekeeper.json` },
    { suffix: '/ruleset.nft', path: `${GATEWAY}/ruleset.nft` },
  ],
  snapshot: () => `{ echo 'flush ruleset'; nft -s list ruleset; } > "$S/rollback/ruleset.nft" && nft -c -f "$S/rollback/ruleset.nft"`,
  restore: (p) => `nft -f "$S/rollback/ruleset.nft"; ${reload('openvpn-server@outpost', openvpnPid)(p)}`,
  validate: (p) =>
    [
      `cd "$R"${GATEWAY} 2>/dev/null || cd /; out=$(openvpn --config ${p.candidate(0)} --show-digests 2>&1) || { printf '%s\\n' "$out" | grep -v '^Use --help' >&2; exit 1; }`,
      `grep -q '"pools"' ${p.candidate(1)} || { echo 'gatekeeper.json names no role pools' >&2; exit 1; }`,
      `nft -c -f ${p.candidate(2)}`,
    ].join('\n'),
  activate: (p) => `nft -f ${p.file(2)} && { ${reload('openvpn-server@outpost', openvpnPid)(p)}; }`,
  check: (p) => `nft list table inet outpost >/dev/null && ${alive(openvpnPid, 'openvpn')(p)}`,
};

const uciFiles = ['wireless', 'network', 'system', 'dropbear'] as const;

/**
 * OpenWrt: UCI files under /etc/config, checked by `uci` reading them from a scratch
 * config folder, activated with `reload_config` (procd restarts what changed).
 */
export const openwrt: Recipe = {
  platform: 'openwrt',
  summary: 'OpenWrt AP: UCI files checked by uci on the device, /etc/config/*, reload_config',
  files: uciFiles.map((f) => ({ suffix: `/${f}`, path: `/etc/config/${f}` })),
  validate: (p) =>
    [`rm -rf "$S/uci" && mkdir "$S/uci"`, ...uciFiles.map((f, i) => `cp ${p.candidate(i)} "$S/uci/${f}" && uci -q -c "$S/uci" show ${f} >/dev/null || { echo 'uci rejects ${f}' >&2; exit 1; }`)].join(
      '\n',
    ),
  activate: () => 'if [ -z "$R" ] && command -v reload_config >/dev/null 2>&1; then reload_config; fi',
  check: () => 'if [ -z "$R" ] && command -v ubus >/dev/null 2>&1; then ubus call system board >/dev/null; fi; echo ok',
};

export const linuxRecipes: readonly Recipe[] = [nftables, hostapd, openvpn, openwrt];
