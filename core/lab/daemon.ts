// Daemons the lab starts (openvpn, the gatekeeper, agents' clients) never hold the
// caller's terminal or pipes: their output goes to a log file, they run in their own
// process group, and the caller waits on the log for a line that says they are ready.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { processAlive } from './netns.js';

export interface Daemon {
  readonly pid: number;
  readonly log: string;
  stop(): void;
}

/** Starts argv inside namespace `ns` (the host's when undefined), detached, stdout and stderr appended to `log`. */
export function startDaemon(ns: string | undefined, argv: readonly string[], log: string, env: NodeJS.ProcessEnv = process.env): Daemon {
  const fd = openSync(log, 'a', 0o600);
  try {
    const [cmd, args] = ns ? ['ip', ['netns', 'exec', ns, ...argv]] : [argv[0]!, argv.slice(1)];
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], detached: true, env });
    child.unref();
    const pid = child.pid!;
    return {
      pid,
      log,
      stop() {
        try {
          process.kill(-pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      },
    };
  } finally {
    closeSync(fd);
  }
}

/** Waits until `log` matches `ready` (true), matches `failed` or the process ends (false), or time runs out. */
export async function waitForLog(d: Daemon, ready: RegExp, failed: RegExp | undefined, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = existsSync(d.log) ? readFileSync(d.log, 'utf8') : '';
    if (ready.test(text)) return true;
    if ((failed && failed.test(text)) || !processAlive(d.pid) || Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
