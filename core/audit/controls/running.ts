// The running state against the approved one: a hand edit on a device is a finding even
// when it breaks no other control, because nothing approved it.
import type { Control } from './types.js';

const DIFF_LINES = 12;

export const runningMatchesIntent: Control = {
  id: 'running-matches-intent',
  needs: ['running'],
  missing: (ctx) => (ctx.inputs.running ? undefined : 'needs the running configs (--against running or all)'),
  *run(ctx) {
    for (const r of ctx.inputs.running ?? []) {
      if (ctx.def.scope.sites.length && !ctx.def.scope.sites.includes(r.site)) continue;
      if (ctx.def.scope.platforms.length && !ctx.def.scope.platforms.includes(r.platform)) continue;
      const object = { kind: 'device' as const, id: r.hostname, site: r.site, device: r.hostname };
      if (r.state === 'in-sync') yield { object, against: 'running' };
      else if (r.state === 'unreachable') yield { object, against: 'running', problem: `could not read the running config: ${r.detail}` };
      else {
        const changed = r.diff.split('\n').filter((l) => /^[+-](?![+-]{2} )/.test(l));
        const shown = changed.slice(0, DIFF_LINES).join('\n');
        yield { object, against: 'running', problem: `${r.detail}:\n${shown}${changed.length > DIFF_LINES ? `\n(${changed.length - DIFF_LINES} more lines)` : ''}` };
      }
    }
  },
};
