// A real OpenSSH server for tests and benchmarks: fresh host key, one authorized client
// key, root login by key only, run in the foreground inside a network namespace or on a
// loopback port. `stop()` kills it and removes its folder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  readonly privateKeyPath: string;
  readonly privateKey: Buffer;
  /** `ssh-ed25519 AAAA... comment` */
  readonly publicKey: string;
}

/** An ed25519 key pair made by ssh-keygen, without passphrase. */
export function makeKeyPair(dir: string, name: string): KeyPair {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
  return { privateKeyPath: path, privateKey: readFileSync(path), publicKey: readFileSync(`${path}.pub`, 'utf8').trim() };
}

export interface TestSshd {
  readonly address: string;
  readonly port: number;
  /** `ssh-ed25519 AAAA...` without comment, as the inventory pins it. */
  readonly hostKey: string;
  readonly hostKeyPath: string;
  readonly dir: string;
  readonly ns?: string;
  readonly process: ChildProcess;
  /** Replaces the host key and restarts (a replaced device, or someone in the path). */
  rotateHostKey(): Promise<string>;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Temp folder prefix, e.g. `opd-sshd-`. */
  readonly prefix: string;
  readonly authorizedKeys: readonly string[];
  readonly address?: string;
  readonly port?: number;
  /** Run inside this network namespace. */
  readonly ns?: string;
}

function config(dir: string, address: string, port: number): string {
  return [
    `Port ${port}`,
    `ListenAddress ${address}`,
    `HostKey ${dir}/host_ed25519`,
    `PidFile ${dir}/sshd.pid`,
    `AuthorizedKeysFile ${dir}/authorized_keys`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    // Benchmarks open many sessions at once.
    'MaxStartups 200:30:400',
    'MaxSessions 64',
    'LogLevel ERROR',
    '',
  ].join('\n');
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startSshd(opts: SshdOptions): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), opts.prefix));
  const address = opts.address ?? '127.0.0.1';
  const port = opts.port ?? 22;
  mkdirSync('/run/sshd', { recursive: true }); // privilege separation folder sshd insists on
  writeFileSync(join(dir, 'authorized_keys'), `${opts.authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'sshd_config'), config(dir, address, port));
  let hostKey = '';
  const newHostKey = () => {
    const k = makeKeyPair(dir, 'host_ed25519');
    hostKey = k.publicKey.split(' ').slice(0, 2).join(' ');
  };
  newHostKey();

  let proc: ChildProcess;
  const launch = async () => {
    rmSync(join(dir, 'sshd.pid'), { force: true });
    // A device's root has no dotfiles of this machine: hide root's ~/.bashrc (bash reads it
    // for every SSH command) in a private mount namespace of this sshd only.
    const sshd = `exec /usr/sbin/sshd -D -e -f ${join(dir, 'sshd_config')}`;
    const script = existsSync('/root/.bashrc') ? `mount --bind ${join(dir, 'empty')} /root/.bashrc && ${sshd}` : sshd;
    writeFileSync(join(dir, 'empty'), '');
    const argv = ['unshare', '-m', '--propagation', 'private', 'sh', '-c', script];
    proc = opts.ns ? spawn('ip', ['netns', 'exec', opts.ns, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] }) : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = () => proc.exitCode !== null || proc.signalCode !== null;
    // sshd writes its pid file once it listens.
    await waitFor(() => existsSync(join(dir, 'sshd.pid')) || exited(), 10_000, `sshd on ${address}:${port}`);
    if (exited()) throw new Error(`sshd on ${address}:${port} exited: ${stderr}`);
  };
  const kill = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
  };
  await launch();

  return {
    address,
    port,
    get hostKey() {
      return hostKey;
    },
    hostKeyPath: join(dir, 'host_ed25519'),
    dir,
    ...(opts.ns ? { ns: opts.ns } : {}),
    get process() {
      return proc;
    },
    async rotateHostKey() {
      await kill();
      newHostKey();
      await launch();
      return hostKey;
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
