// FortiOS: `set cfg-save revert` with `cfg-revert-timeout` makes changes provisional: if
// they are not saved (`execute cfg save`) before the timeout, the unit reverts to its
// saved config by itself (it reboots to do so). `execute cfg reload` reverts at once.
// FortiOS has no check-only mode: each line is checked as it is sent and the first
// refused line reverts the unit.
import { configLines, type Dialect } from './cli.js';

export const fortigate: Dialect = {
  platform: 'fortigate',
  summary: 'FortiGate firewall: cfg-save revert with cfg-revert-timeout, lines checked as sent, execute cfg save',
  comment: '#',
  prompt: /(?:^|\n)[\w.-]+(?: \([\w.\- ]+\))? [#$] ?$/,
  setup: ['config system console', 'set output standard', 'end'],
  errors: /Command fail|command parse error|value parse error|entry not found|Unknown action/i,
  showRunning: 'show',
  // Header lines (#config-version=..., #buildno=...) change with firmware, not config.
  cleanRunning: (t) => t.split('\n').filter((l) => !l.startsWith('#')).join('\n'),
  check: 'get system status',
  async stage() {},
  async validate() {
    return { ok: true, output: 'FortiOS has no check-only mode: lines are checked as they are applied; a refused line reverts' };
  },
  async apply(s, timeoutSeconds, content) {
    for (const c of ['config system global', 'set cfg-save revert', `set cfg-revert-timeout ${Math.max(10, Math.ceil(timeoutSeconds))}`, 'end']) await s.run(c);
    for (const line of configLines(content, '#')) await s.run(line);
  },
  async confirm(s) {
    await s.run('execute cfg save');
    for (const c of ['config system global', 'set cfg-save automatic', 'end']) await s.run(c);
  },
  async rollback(s) {
    await s.run('execute cfg reload', { prompt: /\(y\/n\)\s*$/ });
    await s.run('y');
  },
  async discard() {},
};
