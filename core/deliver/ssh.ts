// One SSH connection to one device: pinned host key, key or agent auth, commands with
// stdin and a timeout, and interactive shells for CLI dialogues. Nothing here logs.
import { Client, type ClientChannel, type ServerHostKeyAlgorithm } from 'ssh2';
import { hostKeyAlgorithms, pinsFor, verifyHostKey, type HostKeyVerdict } from './hostkeys.js';
import type { SshSettings, Target } from './types.js';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The device was reached but its host key is not the pinned one (or none is pinned). */
export class HostKeyError extends Error {
  constructor(readonly reason: 'unknown' | 'changed' | 'revoked', message: string) {
    super(message);
    this.name = 'HostKeyError';
  }
}

/** No SSH session: refused, timed out, no route, auth failed. */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreachableError';
  }
}

export interface SshConnection {
  exec(command: string, opts?: { stdin?: string; timeoutMs?: number }): Promise<ExecResult>;
  /** A raw command channel, for protocols spoken over stdin/stdout (scp). */
  channel(command: string): Promise<ClientChannel>;
  /** An interactive shell with a pty (for CLI dialogues); paging is the driver's job. */
  shell(): Promise<ClientChannel>;
  /** True once the connection has closed, for whatever reason. */
  readonly closed: boolean;
  close(): void;
}

export async function connectSsh(target: Target, ssh: SshSettings): Promise<SshConnection> {
  const pins = pinsFor(target, ssh.knownHosts);
  let verdict: HostKeyVerdict | undefined;
  const client = new Client();
  let closed = false;
  // Commands in flight fail at once when the connection drops, instead of waiting out their timeout.
  const inFlight = new Set<(e: Error) => void>();
  client.on('close', () => {
    closed = true;
    for (const f of inFlight) f(new Error(`connection to ${target.hostname} closed`));
    inFlight.clear();
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      client.removeAllListeners('ready');
      if (verdict && !verdict.ok) reject(new HostKeyError(verdict.reason, verdict.message));
      else reject(new UnreachableError(`${target.hostname} (${target.address}:${target.port}): ${err.message}`));
    };
    // A peer that drops the connection before the handshake ends emits no error: without
    // this, connecting to a device whose link was just cut would wait forever.
    const early = () => fail(new Error('the connection closed before SSH was ready'));
    client.once('close', early);
    client.once('ready', () => {
      client.removeListener('error', fail);
      client.removeListener('close', early);
      // Later transport errors end up as command failures; keep the process alive.
      client.on('error', () => undefined);
      resolve();
    });
    client.once('error', fail);
    const algs = hostKeyAlgorithms(pins);
    client.connect({
      host: target.address,
      port: target.port,
      username: target.user ?? ssh.user,
      ...(ssh.privateKey ? { privateKey: ssh.privateKey } : {}),
      ...(ssh.passphrase ? { passphrase: ssh.passphrase } : {}),
      ...(ssh.agent ? { agent: ssh.agent } : {}),
      readyTimeout: ssh.readyTimeoutMs,
      // A cut link is noticed within ~6 s instead of the TCP timeout.
      keepaliveInterval: 2000,
      keepaliveCountMax: 3,
      ...(algs.length ? { algorithms: { serverHostKey: algs as ServerHostKeyAlgorithm[] } } : {}),
      hostVerifier: (key: Buffer) => {
        verdict = verifyHostKey(target.hostname, key, pins);
        return verdict.ok;
      },
    });
    // Each phase is a short request/response; Nagle's delay would add ~40 ms to every one.
    client.setNoDelay(true);
  });

  return {
    get closed() {
      return closed;
    },
    exec(command, opts = {}) {
      return new Promise<ExecResult>((resolveExec, rejectExec) => {
        const done = () => inFlight.delete(reject);
        const resolve = (r: ExecResult) => (done(), resolveExec(r));
        const reject = (e: Error) => (done(), rejectExec(e));
        inFlight.add(reject);
        if (closed) return reject(new Error(`connection to ${target.hostname} is closed`));
        const timeoutMs = opts.timeoutMs ?? ssh.commandTimeoutMs;
        client.exec(command, (err, stream) => {
          if (err) return reject(new Error(`${target.hostname}: cannot run a command: ${err.message}`));
          const out: Buffer[] = [];
          const errOut: Buffer[] = [];
          const timer = setTimeout(() => {
            stream.close();
            reject(new Error(`${target.hostname}: command timed out after ${timeoutMs} ms`));
          }, timeoutMs);
          stream.on('data', (d: Buffer) => out.push(d));
          stream.stderr.on('data', (d: Buffer) => errOut.push(d));
          stream.on('close', (code: number | null) => {
            clearTimeout(timer);
            resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errOut).toString('utf8') });
          });
          stream.end(opts.stdin ?? '');
        });
      });
    },
    channel(command) {
      return new Promise<ClientChannel>((resolve, reject) => {
        client.exec(command, (err, ch) => (err ? reject(err) : resolve(ch)));
      });
    },
    shell() {
      return new Promise<ClientChannel>((resolve, reject) => {
        client.shell({ term: 'vt100', cols: 512, rows: 200 }, (err, ch) => (err ? reject(err) : resolve(ch)));
      });
    },
    close() {
      client.end();
    },
  };
}

/** Quotes a string for a POSIX shell. */
export const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
