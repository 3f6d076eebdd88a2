// Aruba AOS-CX: a named checkpoint of the running config is the restore point, then
// `checkpoint auto M` opens configuration with an automatic rollback after M minutes
// unless `checkpoint auto confirm` comes first. AOS-CX has no check-only mode: each line
// is checked as it is sent, and the first refused line rolls the switch back. Lines are
// merged into the running config (not a whole-config replace).
import { configLines, type Dialect } from './cli.js';

const CHECKPOINT = 'outpost-pre';

export const arubaAoscx: Dialect = {
  platform: 'aruba-aoscx',
  summary: 'Aruba AOS-CX switch: checkpoint, checkpoint auto M (whole minutes), lines checked as sent, checkpoint auto confirm, write memory',
  comment: '!',
  prompt: /(?:^|\n)[\w.-]+(?:\([\w/.-]+\))?# ?$/,
  setup: ['no page'],
  errors: /Invalid input|% Command incomplete|Unknown command|^\s*Error/i,
  showRunning: 'show running-config',
  cleanRunning: (t) => t.replace(/^[\s\S]*?Current configuration:\n/, '').replace(/^!\s*\n(!Version.*\n)?(!export-password.*\n)?/, ''),
  check: 'show version',
  async stage(s) {
    await s.run(`copy running-config checkpoint ${CHECKPOINT}`);
  },
  async validate() {
    return { ok: true, output: 'AOS-CX has no check-only mode: lines are checked as they are applied; a refused line rolls back' };
  },
  async apply(s, timeoutSeconds, content) {
    const minutes = Math.max(1, Math.ceil(timeoutSeconds / 60));
    await s.run(`checkpoint auto ${minutes}`);
    for (const line of configLines(content, '!')) await s.run(line);
    await s.run('end');
  },
  async confirm(s) {
    await s.run('checkpoint auto confirm');
    await s.run('write memory');
  },
  async rollback(s) {
    await s.run('end', { allowErrors: true });
    await s.run(`checkpoint rollback ${CHECKPOINT}`);
  },
  async discard() {},
};
