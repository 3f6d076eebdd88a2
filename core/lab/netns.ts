// Small building blocks for labs made of Linux network namespaces: create and delete
// namespaces, bridges and veth pairs, run commands inside a namespace, and clean up
// everything that carries a prefix, even what a crashed run left behind.
//
// Every name a caller passes carries its own prefix (e.g. `opd-<pid>-fw1`), so labs built
// side by side never collide and `removeByPrefix` finds all of a lab's pieces from the
// names alone: no state file is needed to clean up. Needs root and iproute2.
//
//   createBridge('opl123br', { address: '198.18.7.1/24' });          // host side
//   createNamespace('opl-123-fw1');
//   createVeth({ name: 'mgmt0', ns: 'opl-123-fw1', address: '198.18.7.10/24' },
//              { name: 'opl123v0', bridge: 'opl123br' });            // fw1 on the bridge
//   nsRun('opl-123-fw1', ['nft', '-f', '-'], { input: ruleset });
//   const sshd = nsSpawn('opl-123-fw1', ['/usr/sbin/sshd', '-D', ...]);
//   ...
//   removeByPrefix('opl-123'); removeByPrefix('opl123');             // everything, even after a crash
//
// tests/support/netns.ts builds a whole site of sshd devices on top of these.
import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** Linux limits interface names to 15 bytes (IFNAMSIZ - 1). */
export const IFNAME_MAX = 15;

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function ip(args: readonly string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function checkIfname(name: string): void {
  if (name.length > IFNAME_MAX || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new Error(`netns: interface name ${JSON.stringify(name)} must be 1-${IFNAME_MAX} characters of [A-Za-z0-9_.-]`);
  }
}

/** True when this process may build namespaces (root with iproute2). */
export function canUseNamespaces(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0;
}

/** Runs argv inside namespace `ns` (the host when ns is undefined) and waits for it. */
export function nsExec(ns: string | undefined, argv: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): ExecResult {
  const [cmd, args] = ns ? ['ip', ['netns', 'exec', ns, ...argv]] : [argv[0]!, argv.slice(1)];
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: opts.input ?? '', timeout: opts.timeoutMs ?? 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Like nsExec but throws with the command's stderr when it fails. */
export function nsRun(ns: string | undefined, argv: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): string {
  const r = nsExec(ns, argv, opts);
  if (r.code !== 0) throw new Error(`netns: ${ns ? `[${ns}] ` : ''}${argv.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Starts a long-running process inside namespace `ns`; the caller owns it. */
export function nsSpawn(ns: string, argv: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: 'ignore', ...opts });
}

/** Creates namespace `name` with its loopback up. Replaces a stale one of the same name. */
export function createNamespace(name: string): void {
  if (listNamespaces().includes(name)) deleteNamespace(name);
  ip(['netns', 'add', name]);
  ip(['-n', name, 'link', 'set', 'lo', 'up']);
}

/** Kills every process still running in namespace `name`, then deletes it (its veths go with it). */
export function deleteNamespace(name: string): void {
  const pids = nsExec(undefined, ['ip', 'netns', 'pids', name]).stdout.split(/\s+/).filter(Boolean);
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  nsExec(undefined, ['ip', 'netns', 'del', name]);
}

export function listNamespaces(): string[] {
  return nsExec(undefined, ['ip', 'netns', 'list'])
    .stdout.split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);
}

/** Host interfaces (bridges, veth ends) whose name starts with `prefix`. */
export function listLinks(prefix: string): string[] {
  return nsExec(undefined, ['ip', '-o', 'link', 'show'])
    .stdout.split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => !!n && n.startsWith(prefix));
}

/** Creates a bridge on the host (or in namespace `ns`), up, optionally with an address (CIDR). */
export function createBridge(name: string, opts: { ns?: string; address?: string } = {}): void {
  checkIfname(name);
  const n = opts.ns ? ['-n', opts.ns] : [];
  nsExec(undefined, ['ip', ...n, 'link', 'del', name]);
  ip([...n, 'link', 'add', name, 'type', 'bridge']);
  if (opts.address) ip([...n, 'addr', 'add', opts.address, 'dev', name]);
  ip([...n, 'link', 'set', name, 'up']);
}

export function deleteLink(name: string, ns?: string): void {
  nsExec(undefined, ['ip', ...(ns ? ['-n', ns] : []), 'link', 'del', name]);
}

export interface VethEnd {
  /** Interface name at this end. */
  readonly name: string;
  /** Namespace holding this end; the host when omitted. */
  readonly ns?: string;
  /** Address in CIDR form. */
  readonly address?: string;
  /** Attach this end to a bridge (in the same namespace as the end). */
  readonly bridge?: string;
}

/**
 * Creates a veth pair between two ends, each in a namespace or on the host, with
 * addresses and bridge attachment, both ends up. The pair is created on the host with
 * the `a` end's name and moved; names must be unique on the host while that happens.
 */
export function createVeth(a: VethEnd, b: VethEnd): void {
  checkIfname(a.name);
  checkIfname(b.name);
  // Create with temporary host-unique names when an end lands in a namespace, so that
  // the same inner name (eth0, lan) can be used in many namespaces.
  const tmpA = a.ns ? tmpName() : a.name;
  const tmpB = b.ns ? tmpName() : b.name;
  ip(['link', 'add', tmpA, 'type', 'veth', 'peer', 'name', tmpB]);
  for (const [end, tmp] of [
    [a, tmpA],
    [b, tmpB],
  ] as const) {
    const n = end.ns ? ['-n', end.ns] : [];
    if (end.ns) ip(['link', 'set', tmp, 'netns', end.ns, 'name', end.name]);
    if (end.bridge) ip([...n, 'link', 'set', end.name, 'master', end.bridge]);
    if (end.address) ip([...n, 'addr', 'add', end.address, 'dev', end.name]);
    ip([...n, 'link', 'set', end.name, 'up']);
  }
}

let tmpCounter = 0;
/** A host-unique name that lives only between `ip link add` and the move into a namespace. */
function tmpName(): string {
  tmpCounter += 1;
  return `vtmp${process.pid}-${tmpCounter}`.slice(0, IFNAME_MAX);
}

/** Adds an address (CIDR) to an interface of a namespace. */
export function addAddress(ns: string | undefined, ifname: string, address: string): void {
  ip([...(ns ? ['-n', ns] : []), 'addr', 'add', address, 'dev', ifname]);
}

/** Adds a route inside a namespace, e.g. addRoute(ns, 'default', '10.0.0.1'). */
export function addRoute(ns: string, destination: string, via: string): void {
  ip(['-n', ns, 'route', 'add', destination, 'via', via]);
}

/** Turns IPv4 forwarding on inside a namespace (it is per namespace). */
export function enableForwarding(ns: string): void {
  nsRun(ns, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
}

/** Deletes every namespace and host interface whose name starts with `prefix`. */
export function removeByPrefix(prefix: string): { namespaces: string[]; links: string[] } {
  if (prefix.length < 3) throw new Error('netns: refusing to remove by a prefix shorter than 3 characters');
  const namespaces = listNamespaces().filter((n) => n.startsWith(prefix));
  for (const n of namespaces) deleteNamespace(n);
  const links = listLinks(prefix);
  for (const l of links) deleteLink(l);
  return { namespaces, links };
}

/** True while the process exists (signal 0 checks without touching it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes what crashed runs of an area left: names `<area>-<pid>-...` (namespaces) or
 * `<area><pid>...` (interfaces) whose pid is no longer alive.
 */
export function removeStale(area: string): string[] {
  const removed: string[] = [];
  const re = new RegExp(`^${area}-?(\\d+)`);
  for (const n of listNamespaces()) {
    const m = re.exec(n);
    if (m && !processAlive(Number(m[1]))) {
      deleteNamespace(n);
      removed.push(n);
    }
  }
  for (const l of listLinks(area)) {
    const m = re.exec(l);
    if (m && !processAlive(Number(m[1]))) {
      deleteLink(l);
      removed.push(l);
    }
  }
  return removed;
}
