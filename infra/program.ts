// The Pulumi program, as a function of its settings so tests can run it under mocks:
// a Site when the stack names one, the Directory when the stack asks for it.
import { resolve } from 'node:path';
import { Directory } from './directory.js';
import { Site } from './site.js';
import type { DeliverySettings, DirectorySettings } from './types.js';

export interface ProgramSettings {
  readonly inventory: string;
  readonly site?: string;
  /** Only these devices of the site (a stack may equip part of a site); all when absent. */
  readonly devices?: readonly string[];
  readonly delivery: DeliverySettings;
  readonly directory?: DirectorySettings;
  readonly providerModule: string;
}

export function outpostProgram(s: ProgramSettings): { site?: Site; directory?: Directory } {
  if (!s.site && !s.directory) throw new Error('the stack names neither outpost:site nor outpost:directory; see `outpost infra stack-config --help`');
  const inventory = resolve(s.inventory);
  return {
    ...(s.site ? { site: new Site(s.site, { inventory, site: s.site, ...(s.devices ? { devices: s.devices } : {}), delivery: s.delivery, providerModule: s.providerModule }) } : {}),
    ...(s.directory ? { directory: new Directory('directory', { inventory, directory: s.directory, providerModule: s.providerModule }) } : {}),
  };
}
