// Cisco IOS / IOS-XE: the candidate goes to flash: by scp, IOS computes its differences
// (which parses it), `configure replace ... revert trigger error timer M` swaps the whole
// config with an automatic revert after M minutes (IOS counts in minutes), `configure
// confirm` keeps it and `write memory` makes it the startup config.
// Device prerequisites: privilege-15 login, `ip scp server enable`, `archive path flash:`.
import { scpUpload } from './scp.js';
import type { Dialect } from './cli.js';

const FILE = 'flash:outpost-candidate.cfg';

export const ciscoIos: Dialect = {
  platform: 'cisco-ios',
  summary: 'Cisco IOS switch: scp to flash:, configure replace with revert timer (whole minutes), configure confirm, write memory',
  comment: '!',
  prompt: /(?:^|\n)[\w.-]+(?:\([\w-]+\))?# ?$/,
  setup: ['terminal length 0', 'terminal width 0'],
  errors: /^\s*%\s*(Invalid|Incomplete|Ambiguous|Unknown|Error|Failed|Rollback not successful|Bad|Not)/i,
  showRunning: 'show running-config',
  // Drop "Building configuration..." and "Current configuration : N bytes".
  cleanRunning: (t) => t.replace(/^[\s\S]*?Current configuration : \d+ bytes\n/, '').replace(/^\n+/, ''),
  check: 'show clock',
  async stage(s, content) {
    await scpUpload(s.conn, FILE, content, 'outpost-candidate.cfg');
  },
  async validate(s) {
    const out = await s.run(`show archive config differences ${FILE} system:running-config`, { allowErrors: true });
    const bad = out.split('\n').filter((l) => s.dialect.errors.test(l) || /^\s*Error/i.test(l));
    return { ok: bad.length === 0, output: bad.length ? bad.join('\n') : out };
  },
  async apply(s, timeoutSeconds) {
    const minutes = Math.max(1, Math.ceil(timeoutSeconds / 60));
    const out = await s.run(`configure replace ${FILE} force revert trigger error timer ${minutes}`);
    if (!/Rollback Done/i.test(out)) throw new Error(`configure replace did not complete: ${out.trim().split('\n').slice(-3).join(' | ')}`);
  },
  async confirm(s) {
    await s.run('configure confirm');
    const saved = await s.run('write memory');
    if (!/\[OK\]/.test(saved)) throw new Error(`write memory did not answer [OK]: ${saved.trim()}`);
  },
  async rollback(s) {
    await s.run('configure revert now');
  },
  async discard(s) {
    await s.run(`delete /force ${FILE}`, { allowErrors: true });
  },
};
