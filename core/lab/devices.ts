// The engineer's practice ground: the twin's Linux devices (the nftables firewall and the
// hostapd APs) run a real sshd, so `outpost push`, `drift` and `audit --against running`
// work on the twin exactly as on a site. Everything push needs is written into the lab
// folder: endpoints, known_hosts, an SSH key, a secrets folder, one root folder per device.
//
// Where the engineer stands: on the site's management zone, where the firewall's ruleset
// lets SSH in (the mgmt-ssh-only control). A veth joins this machine to the management
// zone's namespace, which answers ARP (proxy ARP) between this machine, the firewall and
// the APs, each AP a namespace of its own with its own sshd, host key and root folder.
import { createHash, randomBytes } from 'node:crypto';
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { net } from '../inventory/index.js';
import type { DeviceIntent, SitePlan } from '../plan/index.js';
import { renderDevice } from '../render/index.js';
import { secretNames } from '../deliver/secrets.js';
import { addRoute, createNamespace, createVeth, deleteLink, nsRun } from './netns.js';
import type { Twin } from './twin.js';

/** Platforms outpost pushes to over SSH as a Linux box, and which the twin can run. */
const PRACTICE_PLATFORMS: Readonly<Record<string, DeviceIntent['kind']>> = { nftables: 'firewall', hostapd: 'ap' };

export interface PracticeDevice {
  readonly hostname: string;
  readonly platform: string;
  readonly address: string;
  readonly hostKey: string;
  /** The folder standing for the device's filesystem (its configs land under it). */
  readonly root: string;
}

export interface PracticeGround {
  readonly devices: readonly PracticeDevice[];
  /** A file holding the delivery flags of the commands below, for `$(cat ...)`. */
  readonly flags: string;
  readonly endpoints: string;
  readonly knownHosts: string;
  readonly identity: string;
  readonly secrets: string;
  /** The command lines to practise with, ready to paste. */
  readonly commands: { readonly push: string; readonly drift: string; readonly audit: string };
}

/** Host-side interface name of a twin's management link: short, and the same for a tag every time. */
export const practiceLink = (tag: string): string => `opl${createHash('sha256').update(tag).digest('hex').slice(0, 8)}m`;

/** The devices of a site the practice ground runs. */
export function practiceDevices(site: SitePlan): DeviceIntent[] {
  return site.devices.filter((d) => PRACTICE_PLATFORMS[d.platform] === d.kind);
}

const SSHD_CONFIG = (dir: string, address: string) =>
  [
    'Port 22',
    `ListenAddress ${address}`,
    `HostKey ${dir}/host_ed25519`,
    `PidFile ${dir}/sshd.pid`,
    `AuthorizedKeysFile ${dir}/authorized_keys`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    'LogLevel INFO',
    '',
  ].join('\n');

const keygen = (file: string, comment: string) => {
  rmSync(file, { force: true });
  rmSync(`${file}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
};

async function waitFor(file: string, ms: number, what: string, log: string): Promise<void> {
  const end = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > end) throw new Error(`${what} did not start: ${existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' / ') : 'no log'}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts sshd for one device in namespace `ns`, logging to <dir>/sshd.log: the daemon
 * holds no stdio of the caller and outlives it (it dies with its namespace at `lab down`).
 */
async function startSshd(ns: string, dir: string, address: string, clientKey: string): Promise<void> {
  mkdirSync('/run/sshd', { recursive: true }); // privilege separation folder sshd insists on
  writeFileSync(join(dir, 'authorized_keys'), `${clientKey}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'sshd_config'), SSHD_CONFIG(dir, address));
  rmSync(join(dir, 'sshd.pid'), { force: true });
  // A device's root has no dotfiles of this machine: hide root's ~/.bashrc (bash reads it
  // for every SSH command) in a private mount namespace of this sshd only.
  writeFileSync(join(dir, 'empty'), '');
  const sshd = `exec /usr/sbin/sshd -D -E ${join(dir, 'sshd.log')} -f ${join(dir, 'sshd_config')}`;
  const script = existsSync('/root/.bashrc') ? `mount --bind ${join(dir, 'empty')} /root/.bashrc && ${sshd}` : sshd;
  const log = openSync(join(dir, 'sshd.log'), 'a');
  const child = spawn('ip', ['netns', 'exec', ns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  child.unref();
  // sshd writes its pid file once it listens.
  await waitFor(join(dir, 'sshd.pid'), 10_000, `sshd of ${dir}`, join(dir, 'sshd.log'));
}

const q = (s: string) => (/^[A-Za-z0-9_./:=@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * Starts the practice ground in a built twin: sshd on the firewall and on every AP,
 * this machine on the management zone, and the files push needs in `labDir`.
 */
export async function startPracticeGround(twin: Twin, site: SitePlan, tag: string, labDir: string, inventoryDir: string): Promise<PracticeGround> {
  const dir = resolve(labDir);
  mkdirSync(dir, { recursive: true });
  const devices = practiceDevices(site);
  const mgmtZone = site.zones.find((z) => devices.some((d) => net.containsIp(net.parseCidr(z.subnet), net.ipToInt(d.mgmt.address))));
  const mgmtNs = mgmtZone ? twin.zones.get(mgmtZone.name)?.ns : undefined;
  if (!devices.length || !mgmtZone || !mgmtNs) return writeFiles(dir, site, inventoryDir, []);

  // This machine's address on the management zone: the zone's last usable address.
  const b = net.parseCidr(mgmtZone.subnet);
  const station = net.intToIp(net.last(b) - 1);
  const link = practiceLink(tag);
  deleteLink(link);
  createVeth({ name: link }, { name: 'noc0', ns: mgmtNs });
  nsRun(undefined, ['ip', 'addr', 'add', `${station}/32`, 'dev', link]);
  nsRun(mgmtNs, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.proxy_arp=1']);
  nsRun(mgmtNs, ['ip', 'route', 'add', `${station}/32`, 'dev', 'noc0']);

  const identity = join(dir, 'id_ed25519');
  const clientKey = keygen(identity, `outpost-lab-${site.code}`);
  const started: PracticeDevice[] = [];
  for (const d of devices) {
    const address = d.mgmt.address;
    const ddir = join(dir, 'devices', d.hostname);
    const root = join(ddir, 'root');
    mkdirSync(root, { recursive: true });
    const hostKey = keygen(join(ddir, 'host_ed25519'), d.hostname);
    // The firewall is the twin's own; an AP gets a namespace on the management zone,
    // which answers ARP on its behalf (proxy ARP) as a switch port would carry it.
    let ns = twin.firewall;
    if (d.kind !== 'firewall') {
      ns = `${twin.prefix}d-${d.hostname}`;
      createNamespace(ns);
      const port = `d${started.length}`;
      createVeth({ name: port, ns: mgmtNs }, { name: 'eth0', ns, address: `${address}/${mgmtZone.prefix}` });
      nsRun(mgmtNs, ['ip', 'route', 'add', `${address}/32`, 'dev', port]);
      addRoute(ns, 'default', mgmtZone.gateway);
    }
    await startSshd(ns, ddir, address, clientKey);
    nsRun(undefined, ['ip', 'route', 'replace', `${address}/32`, 'dev', link, 'src', station]);
    started.push({ hostname: d.hostname, platform: d.platform, address, hostKey, root });
  }
  return writeFiles(dir, site, inventoryDir, started);
}

function writeFiles(dir: string, site: SitePlan, inventoryDir: string, devices: readonly PracticeDevice[]): PracticeGround {
  // The folder holds a private key and secrets: it ignores itself, so no `git add -A` in a
  // project that does not ignore .outpost/ can commit them.
  writeFileSync(join(dir, '.gitignore'), '# Written by outpost lab up: keys and secrets of the twin, never committed.\n*\n');
  const endpoints = join(dir, 'endpoints.yaml');
  const knownHosts = join(dir, 'known_hosts');
  const secrets = join(dir, 'secrets');
  const identity = join(dir, 'id_ed25519');
  const lines = devices.map((d) => `  ${d.hostname}: { address: ${d.address}, port: 22, hostKey: "${d.hostKey}", user: root, root: ${JSON.stringify(d.root)} }`);
  writeFileSync(endpoints, `# Where the lab twin's devices answer (written by outpost lab up).\nendpoints:\n${lines.join('\n')}\n`);
  writeFileSync(knownHosts, devices.map((d) => `${d.address} ${d.hostKey}\n`).join(''));
  // Fresh random values for the secrets the site's configs name: the twin's own, never a site's.
  mkdirSync(secrets, { recursive: true, mode: 0o700 });
  const names = new Set(site.devices.flatMap((d) => renderDevice(d).artefacts.flatMap((a) => secretNames(a.content, '#'))));
  for (const name of names) {
    const file = join(secrets, name);
    if (!existsSync(file)) writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const inv = inventoryDir === 'inventory' ? '' : ` --inventory ${q(inventoryDir)}`;
  // Only the devices that answer: the site's switches have no twin to push to.
  const only = devices.map((d) => ` --device ${d.hostname}`).join('');
  const flags = `--site ${site.code}${inv}${only} --endpoints ${q(endpoints)} --known-hosts ${q(knownHosts)} --identity ${q(identity)} --secrets ${q(secrets)}`;
  // The same flags in one file, for `outpost push $(cat <lab>/flags)` (paths hold no spaces then).
  writeFileSync(join(dir, 'flags'), `${flags}\n`);
  return {
    devices,
    flags: join(dir, 'flags'),
    endpoints,
    knownHosts,
    identity,
    secrets,
    commands: { push: `outpost push ${flags}`, drift: `outpost drift ${flags}`, audit: `outpost audit --against running ${flags}` },
  };
}

/** Removes this machine's link into the twin (it also goes with the twin's namespaces). */
export function stopPracticeGround(tag: string): void {
  deleteLink(practiceLink(tag));
}

