// The one table of delivery drivers, keyed by platform id (the same ids the render
// targets use). Adding a platform: a driver module and one entry here.
import type { Driver } from '../types.js';
import { linuxDriver } from './linux.js';
import { linuxRecipes } from './recipes.js';
import { cliDriver } from './cli.js';
import { ciscoIos } from './cisco-ios.js';
import { arubaAoscx } from './aruba-aoscx.js';
import { fortigate } from './fortigate.js';

const all: readonly Driver[] = [...linuxRecipes.map(linuxDriver), ...[ciscoIos, arubaAoscx, fortigate].map(cliDriver)];

const table = new Map<string, Driver>();
for (const d of all) {
  if (table.has(d.platform)) throw new Error(`outpost: two delivery drivers for ${d.platform}`);
  table.set(d.platform, d);
}

export function driverFor(platform: string): Driver | undefined {
  return table.get(platform);
}

export function driverCatalogue(): readonly { platform: string; summary: string }[] {
  return all.map((d) => ({ platform: d.platform, summary: d.summary }));
}
