// Validate + plan + render as a user runs it: a fresh `outpost render` process, wall time
// including Node's start, judged on the median.
//  - the national fleet (the example's 13 sites), 5 runs, target < 1 s;
//  - 250 generated sites (the address plan's full size, see fleet.ts), 3 runs (slow),
//    target < 3 s, with the process's peak resident memory.
// Renders are written to memory-backed storage when there is some (as the kits are): this
// machine's disk is ext4 without a journal, where creating a file soon after thousands were
// deleted makes the kernel walk every recently freed inode (perf: ext4_create ->
// recently_deleted, a third of the 250-site run), so the disk, not outpost, would set the
// figure, and more so the more the runs before it deleted. The same 250-site render written
// to the disk is reported beside it, without a target, with its CPU time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFleet } from './fleet.js';
import { freshRuns, summary, type Figure } from './figures.js';

const SITES = 250;


function render(repo: string, inventory: string, out: string, n: number): { wall: number[]; rssMB: number[]; cpuMs: number[]; artefacts: number } {
  const runs = freshRuns([join(repo, 'dist', 'outpost.js'), 'render', '--out', out, '--inventory', inventory], n, { before: () => rmSync(out, { recursive: true, force: true }) });
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { artefacts: unknown[] };
  return { ...runs, artefacts: manifest.artefacts.length };
}

export default async function bench(): Promise<Figure[]> {
  const repo = join(import.meta.dirname, '..', '..');
  const work = mkdtempSync(join(tmpdir(), 'outpost-bench-render-'));
  const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/outpost-bench-render-') : undefined;
  const outs = shm ?? work;
  const where = shm ? 'written to tmpfs' : 'written to disk';
  try {
    const national = render(repo, join(repo, 'inventory'), join(outs, 'national'), 5);
    const fleet = generateFleet(repo, join(work, 'fleet'), SITES);
    const check = spawnSync(process.execPath, [join(repo, 'dist', 'outpost.js'), 'validate', '--inventory', fleet.inventory], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`the generated ${SITES}-site inventory does not validate: ${check.stderr.slice(-400)}`);
    const big = render(repo, fleet.inventory, join(outs, 'fleet-out'), 3);
    const cpu = (ms: number[]) => `CPU time (user + system) median ${summary(ms).median.toFixed(0)} ms`;
    const figures: Figure[] = [
      { name: 'render the national fleet, 13 sites (fresh process)', stats: summary(national.wall), unit: 'ms', target: { max: 1000, text: '< 1000 ms' }, detail: `${national.artefacts} artefacts, ${where}` },
      { name: 'render the national fleet: peak memory', stats: summary(national.rssMB), unit: 'MB' },
      { name: `render ${fleet.sites} generated sites (fresh process)`, stats: summary(big.wall), unit: 'ms', target: { max: 3000, text: '< 3000 ms' }, detail: `${big.artefacts} artefacts, ${where}; ${cpu(big.cpuMs)}` },
      { name: `render ${fleet.sites} generated sites: peak memory`, stats: summary(big.rssMB), unit: 'MB' },
    ];
    if (shm) {
      const disk = render(repo, fleet.inventory, join(work, 'fleet-out'), 3);
      figures.push({ name: `render ${fleet.sites} generated sites, written to this machine's disk (fresh process)`, stats: summary(disk.wall), unit: 'ms', detail: `${disk.artefacts} artefacts; ${cpu(disk.cpuMs)}` });
    }
    return figures;
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (shm) rmSync(shm, { recursive: true, force: true });
  }
}
