// Runs a rendered RADIUS folder (core/radius) with Debian's freeradius, inside a network
// namespace: detached from the caller's terminal and pipes (its own session, output to a
// log file), ready when it says so in that log, stopped by its pid.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { RadiusFile } from '../radius/index.js';
import { processAlive } from './netns.js';

export interface RadiusOptions {
  /** Network namespace to run in; the host's network when omitted. */
  readonly ns?: string;
  /** The rendered config folder (radiusd.conf, clients.conf, certs/...). */
  readonly dir: string;
  /** Where the server's log goes (created 0600, appended to). */
  readonly logFile: string;
  /** How long to wait for "Ready to process requests"; 20 s by default. */
  readonly readyTimeoutMs?: number;
}

export interface RadiusServer {
  readonly pid: number;
  readonly logFile: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits until it is gone. */
  stop(): Promise<void>;
}

const READY = /Ready to process requests/;

/**
 * Writes a rendered folder (renderRadius) under `dir`: files holding secrets 0600, the
 * others 0644, folders 0755. The PKI's files go in beside it (RADIUS_TLS_FILES).
 */
export function writeRadiusConfig(dir: string, files: readonly RadiusFile[]): void {
  for (const f of files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    writeFileSync(path, f.content, { mode: f.secret ? 0o600 : 0o644 });
  }
}

/** Debian installs the server as `freeradius`; upstream builds call it `radiusd`. */
export function radiusBinary(): string {
  for (const dir of ['/usr/sbin', '/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(':')]) {
    for (const name of ['freeradius', 'radiusd']) if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  throw new Error('freeradius is not installed (Debian package freeradius; scripts/setup-system.sh installs it)');
}

/** The last lines this run wrote to the log (an older run's lines are left out). */
const tail = (file: string, from: number) => (existsSync(file) ? readFileSync(file).subarray(from).toString('utf8').split('\n').slice(-15).join('\n') : '');

export async function startRadius(options: RadiusOptions): Promise<RadiusServer> {
  const dir = resolve(options.dir);
  const logFile = resolve(options.logFile);
  const bin = radiusBinary();
  const argv = [bin, '-d', dir, '-f', '-l', 'stdout'];
  const fd = openSync(logFile, 'a', 0o600);
  const start = existsSync(logFile) ? readFileSync(logFile).length : 0;
  const child = spawn(options.ns ? 'ip' : argv[0]!, options.ns ? ['netns', 'exec', options.ns, ...argv] : argv.slice(1), {
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  const exited = new Promise<void>((res) => {
    child.once('exit', () => res());
    child.once('error', () => res());
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${bin}`);

  const stop = async () => {
    if (!processAlive(pid)) return;
    process.kill(pid, 'SIGTERM');
    const killer = setTimeout(() => processAlive(pid) && process.kill(pid, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };

  // Woken by every write to the log (inotify), not by polling.
  await new Promise<void>((res, rej) => {
    const since = () => readFileSync(logFile).subarray(start).toString('utf8');
    const done = (e?: Error) => {
      watcher.close();
      clearTimeout(timer);
      if (e) rej(e);
      else res();
    };
    const check = () => {
      if (READY.test(since())) done();
    };
    const watcher = watch(logFile, check);
    const timer = setTimeout(() => {
      void stop().then(() => done(new Error(`freeradius (${dir}) was not ready within ${(options.readyTimeoutMs ?? 20_000) / 1000} s:\n${tail(logFile, start)}`)));
    }, options.readyTimeoutMs ?? 20_000);
    void exited.then(() => done(new Error(`freeradius (${dir}) stopped while starting:\n${tail(logFile, start)}`)));
    check();
  });
  return { pid, logFile, stop };
}
