// A site of Linux devices for delivery tests: one network namespace per device, each
// running a real sshd, all on one management bridge the test process reaches from the
// host. Names carry `<area>-<pid>` (namespaces) / `<area><pid>` (interfaces) so parallel
// files never collide and `destroy()` (or a later run's removeStale) finds everything.
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBridge, createNamespace, createVeth, nsExec, processAlive, removeByPrefix, removeStale } from '../../core/lab/netns.js';
import { makeKeyPair, startSshd, type KeyPair, type TestSshd } from './sshd.js';

export interface LabDevice {
  readonly hostname: string;
  readonly platform: string;
  readonly ns: string;
  /** Management address (on the bridge). */
  readonly address: string;
  /** Folder standing for the device's own filesystem (its files live under it). */
  readonly root: string;
  readonly sshd: TestSshd;
}

export interface LabSite {
  readonly area: string;
  /** `<area>-<pid>-<tag>`: prefix of every namespace of this site. */
  readonly prefix: string;
  readonly bridge: string;
  /** /24 of the management bridge, e.g. 198.18.42 (append .N). */
  readonly net: string;
  readonly hostAddress: string;
  readonly dir: string;
  readonly clientKey: KeyPair;
  readonly devices: readonly LabDevice[];
  device(hostname: string): LabDevice;
  /** Adds a namespace (not a device) on the management bridge at host part `n`. */
  addHost(name: string, n: number): string;
  destroy(): Promise<void>;
}

/**
 * Picks a free 198.18.N.0/24 (the benchmarking range, RFC 2544) for a management bridge,
 * holding /tmp/<area>-net-N.lock so parallel test files never pick the same one.
 */
function allocateNet(area: string): { n: number; release: () => void } {
  const used = nsExec(undefined, ['ip', '-o', '-4', 'addr']).stdout;
  for (let k = 0; k < 200; k++) {
    const n = 20 + ((process.pid + k) % 200);
    if (used.includes(` 198.18.${n}.`)) continue;
    const lock = join(tmpdir(), `${area}-net-${n}.lock`);
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
    } catch {
      const owner = Number(readFileSync(lock, 'utf8') || 0);
      if (owner && processAlive(owner)) continue;
      rmSync(lock, { force: true });
      k--;
      continue;
    }
    return { n, release: () => rmSync(lock, { force: true }) };
  }
  throw new Error('no free 198.18.N.0/24 for a lab bridge');
}

export interface LabSiteOptions {
  /** Area prefix, e.g. `opd`. */
  readonly area: string;
  /** Short tag telling this site apart within the process, e.g. `a`. */
  readonly tag: string;
  readonly devices: readonly { readonly hostname: string; readonly platform: string }[];
}

export async function startLabSite(opts: LabSiteOptions): Promise<LabSite> {
  removeStale(opts.area);
  const prefix = `${opts.area}-${process.pid}-${opts.tag}`;
  const ifPrefix = `${opts.area}${process.pid}${opts.tag}`;
  const bridge = `${ifPrefix}br`;
  const { n, release } = allocateNet(opts.area);
  const net = `198.18.${n}`;
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const clientKey = makeKeyPair(dir, 'client_ed25519');
  const devices: LabDevice[] = [];
  const destroy = async () => {
    await Promise.all(devices.map((d) => d.sshd.stop()));
    removeByPrefix(prefix);
    removeByPrefix(ifPrefix);
    release();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    createBridge(bridge, { address: `${net}.1/24` });
    const starts = opts.devices.map(async (d, i) => {
      const ns = `${prefix}-${d.hostname}`;
      const address = `${net}.${10 + i}`;
      createNamespace(ns);
      createVeth({ name: 'mgmt0', ns, address: `${address}/24` }, { name: `${ifPrefix}v${i}`, bridge });
      const root = join(dir, d.hostname);
      mkdirSync(root, { recursive: true });
      // Listens on every address of its namespace, as a device's sshd does.
      const sshd = await startSshd({ prefix: `${prefix}-sshd-`, authorizedKeys: [clientKey.publicKey], address: '0.0.0.0', port: 22, ns });
      devices[i] = { hostname: d.hostname, platform: d.platform, ns, address, root, sshd };
    });
    await Promise.all(starts);
  } catch (e) {
    await destroy();
    throw e;
  }
  return {
    area: opts.area,
    prefix,
    bridge,
    net,
    hostAddress: `${net}.1`,
    dir,
    clientKey,
    devices,
    device(hostname) {
      const d = devices.find((x) => x.hostname === hostname);
      if (!d) throw new Error(`no lab device ${hostname}`);
      return d;
    },
    addHost(name, hostPart) {
      const ns = `${prefix}-${name}`;
      createNamespace(ns);
      createVeth({ name: 'mgmt0', ns, address: `${net}.${hostPart}/24` }, { name: `${ifPrefix}h${hostPart}`, bridge });
      return ns;
    },
    destroy,
  };
}
