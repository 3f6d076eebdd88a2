// `outpost infra preview --site vac-esch` as a user runs it: a fresh outpost process that
// plans the site, starts the Pulumi engine (the one scripts/setup-pulumi.sh caches),
// which diffs the program against a file backend. The first run creates the stack and is
// not counted; the figure is the median of the next runs (every device a create each time,
// as nothing is ever applied).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outpostEnv, runs, type Figure } from './figures.js';
import { projectFile } from '../../tests/support/pulumi.js';

const RUNS = 3;

export default async function bench(): Promise<Figure[]> {
  const repo = join(import.meta.dirname, '..', '..');
  const root = mkdtempSync(join(tmpdir(), 'outpost-bench-infra-'));
  try {
    const project = join(root, 'infra');
    mkdirSync(project);
    projectFile(project);
    const env = outpostEnv({ PULUMI_HOME: join(root, 'home'), PULUMI_CONFIG_PASSPHRASE: 'bench', NO_COLOR: '1' });
    const outpost = (args: string[]) => {
      const t = performance.now();
      const r = spawnSync(process.execPath, [join(repo, 'dist', 'outpost.js'), ...args], { cwd: repo, env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`outpost ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-400)}`);
      return { ms: performance.now() - t, stdout: r.stdout };
    };
    outpost(['infra', 'stack-config', '--site', 'vac-esch', '--project', project]);
    const preview = ['infra', 'preview', '--site', 'vac-esch', '--project', project, '--backend', `file://${join(root, 'state')}`, '--json'];
    const first = outpost(preview);
    const devices = (JSON.parse(first.stdout) as { steps: { op: string }[] }).steps.filter((s) => s.op === 'create').length - 2;
    const stats = await runs(RUNS, () => outpost(preview));
    return [
      {
        name: 'outpost infra preview --site vac-esch, fresh process (Pulumi engine)',
        stats,
        unit: 'ms',
        target: { max: 30_000, text: '< 30 s' },
        detail: `${devices} device configs; first run (stack created) ${Math.round(first.ms)} ms`,
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
