// Backups: every push first saves the device's running config under
// <state>/history/<device>/<timestamp>/, with the intended config and the diff beside it.
// Folders are 0700 and files 0600: running configs hold the device's secrets.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceConfig } from './types.js';

const fileName = (name: string) => name.replace(/^[./]+/, '').replace(/\//g, '_') || 'config';

/** A timestamp usable as a folder name and sorting in time order. */
export const stamp = (d = new Date()): string => d.toISOString().replace(/:/g, '-');

export function saveBackup(
  stateDir: string,
  device: string,
  entry: { running: DeviceConfig; intended: DeviceConfig; diff: string; meta: Record<string, unknown> },
): string {
  const base = join(stateDir, 'history', device);
  mkdirSync(base, { recursive: true, mode: 0o700 });
  let dir = join(base, stamp());
  for (let n = 1; readdirSync(base).includes(dir.slice(base.length + 1)); n++) dir = join(base, `${stamp()}-${n}`);
  mkdirSync(dir, { mode: 0o700 });
  for (const f of entry.running) writeFileSync(join(dir, `running-${fileName(f.name)}`), f.content, { mode: 0o600 });
  for (const f of entry.intended) writeFileSync(join(dir, `intended-${fileName(f.name)}`), f.content, { mode: 0o600 });
  writeFileSync(join(dir, 'diff.patch'), entry.diff, { mode: 0o600 });
  writeFileSync(join(dir, 'running.json'), `${JSON.stringify({ files: entry.running.map((f) => f.name) })}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(entry.meta, null, 2)}\n`, { mode: 0o600 });
  return dir;
}

/** Saves the running config as the device printed it right after a confirmed push. */
export function saveApplied(dir: string, running: DeviceConfig): void {
  for (const f of running) writeFileSync(join(dir, `applied-${fileName(f.name)}`), f.content, { mode: 0o600 });
  writeFileSync(join(dir, 'applied.json'), `${JSON.stringify({ files: running.map((f) => f.name) })}\n`, { mode: 0o600 });
}

/** The running config saved after the newest confirmed push of this exact intended config. */
export function lastApplied(stateDir: string, device: string, sha256: string): { config: DeviceConfig; dir: string } | undefined {
  const base = join(stateDir, 'history', device);
  if (!existsSync(base)) return undefined;
  for (const entry of readdirSync(base).sort().reverse()) {
    const dir = join(base, entry);
    if (!existsSync(join(dir, 'applied.json'))) continue;
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { sha256?: string };
    if (meta.sha256 !== sha256) continue;
    const { files } = JSON.parse(readFileSync(join(dir, 'applied.json'), 'utf8')) as { files: string[] };
    return { config: files.map((name) => ({ name, content: readFileSync(join(dir, `applied-${fileName(name)}`), 'utf8') })), dir };
  }
  return undefined;
}

/**
 * What the device ran before outpost first pushed to it: the running config saved by the
 * oldest backup in its history, or undefined when outpost never backed it up.
 */
export function firstBackup(stateDir: string, device: string): { config: DeviceConfig; dir: string } | undefined {
  const base = join(stateDir, 'history', device);
  if (!existsSync(base)) return undefined;
  for (const entry of readdirSync(base).sort()) {
    const dir = join(base, entry);
    if (!existsSync(join(dir, 'running.json'))) continue;
    const { files } = JSON.parse(readFileSync(join(dir, 'running.json'), 'utf8')) as { files: string[] };
    return { config: files.map((name) => ({ name, content: readFileSync(join(dir, `running-${fileName(name)}`), 'utf8') })), dir };
  }
  return undefined;
}
