// Putting a device back to what it ran before outpost: the oldest backup in its history,
// pushed through the same transactional engine (backup, validate, apply with rollback
// timer, health check, confirm) as any config.
import { createHash } from 'node:crypto';
import { driverFor } from './drivers/index.js';
import type { Work } from './engine.js';
import { firstBackup } from './history.js';

/** The work that restores the device's baseline, or undefined when none was recorded. */
export function baselineWork(stateDir: string, w: Work): (Work & { readonly from: string }) | undefined {
  const saved = firstBackup(stateDir, w.target.hostname);
  if (!saved) return undefined;
  const driver = driverFor(w.target.platform);
  const intended = driver?.fromRunning ? driver.fromRunning(saved.config) : saved.config;
  const sha256 = createHash('sha256').update(intended.map((f) => `${f.name}\n${f.content}`).join('\n')).digest('hex');
  return { target: w.target, intended, sha256, from: saved.dir };
}
