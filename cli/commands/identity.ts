// The identity command families (issue: directory accounts, second factor, agent kits),
// registered together so the command index needs one line for them.
import type { Command } from 'commander';
import { register as directory } from './directory.js';
import { register as onboard } from './onboard.js';
import { register as offboard } from './offboard.js';
import { register as kit } from './kit.js';
import { register as labDirectory } from './lab-directory.js';
import { register as pbx } from './pbx.js';

export function register(program: Command): void {
  for (const r of [directory, onboard, offboard, kit, labDirectory, pbx]) r(program);
}
