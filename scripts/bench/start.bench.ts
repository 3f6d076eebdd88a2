// Node's own start on this machine (`node -e 0`), the floor under every fresh-process
// figure: as this machine's environment has it, and without NODE_EXTRA_CA_CERTS, which
// Node 20 reads as it starts and outpost's processes are started without (see
// outpostEnv in figures.ts). Informative: no target.
import { spawnSync } from 'node:child_process';
import { outpostEnv, summary, type Figure } from './figures.js';

function starts(env: NodeJS.ProcessEnv, n: number): number[] {
  const wall: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['-e', '0'], { env });
    if (r.status !== 0) throw new Error(`node -e 0 exited ${r.status}`);
    wall.push(performance.now() - t);
  }
  return wall;
}

export default async function bench(): Promise<Figure[]> {
  const asIs = process.env.NODE_EXTRA_CA_CERTS;
  const figures: Figure[] = [{ name: 'Node start (`node -e 0`), without NODE_EXTRA_CA_CERTS, as outpost is started here', stats: summary(starts(outpostEnv(), 9)), unit: 'ms' }];
  if (asIs !== undefined) figures.push({ name: 'Node start (`node -e 0`), with this machine\'s NODE_EXTRA_CA_CERTS', stats: summary(starts(process.env, 9)), unit: 'ms', detail: `NODE_EXTRA_CA_CERTS=${asIs}` });
  return figures;
}
