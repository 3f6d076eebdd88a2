// Backups: every push first saves the device's running config under
// <state>/history/<device>/<timestamp>/, with the intended config and the diff beside it.
// Folders are 0700 and files 0600: running configs hold the device's secrets.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
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
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(entry.meta, null, 2)}\n`, { mode: 0o600 });
  return dir;
}
