// Delivery at the scale of a rush: push an nftables ruleset to 50 devices, 20 at a time,
// each a network namespace with its own real sshd and kernel ruleset, through every
// phase (backup, diff, stage, validate with nft -c, apply with the rollback timer armed,
// health check over a fresh SSH session, confirm). Needs root, like the e2e tests.
import { join } from 'node:path';
import { once, runs, summary, type Figure } from './figures.js';
import { canUseNamespaces } from '../../core/lab/netns.js';
import { pushSite, type Work } from '../../core/deliver/engine.js';
import { startLabSite } from '../../tests/support/netns.js';
import { rulesetAllowing } from '../../tests/support/deliver-fixtures.js';

const DEVICES = 50;
const CONCURRENCY = 20;

export default async function bench(): Promise<Figure[]> {
  if (!canUseNamespaces()) throw new Error('the delivery benchmark needs root and iproute2 (network namespaces)');
  const t0 = performance.now();
  const lab = await startLabSite({
    area: 'opd',
    tag: 'b',
    devices: Array.from({ length: DEVICES }, (_, i) => ({ hostname: `bench-fw${String(i + 1).padStart(2, '0')}`, platform: 'nftables' })),
  });
  const setupMs = performance.now() - t0;
  try {
    const ssh = { user: 'root', privateKey: lab.clientKey.privateKey, knownHosts: [], readyTimeoutMs: 20_000, commandTimeoutMs: 30_000 };
    const per: number[] = [];
    // Slow (50 sshd sessions per run): 3 runs, each a different ruleset so every device changes.
    const stats = await runs(3, async (run) => {
      const work: Work[] = lab.devices.map((d, i) => ({
        target: { hostname: d.hostname, site: 'bench', platform: 'nftables', address: d.address, port: 22, hostKey: d.sshd.hostKey, root: d.root },
        intended: [{ name: '.nft', content: rulesetAllowing(8000 + run * 100 + i) }],
        sha256: `bench-${run}-${i}`,
      }));
      const report = await pushSite('bench', work, { stateDir: join(lab.dir, 'state'), ssh, secrets: new Map(), concurrency: CONCURRENCY, confirmTimeoutSeconds: 60 });
      const applied = report.results.filter((r) => r.outcome === 'applied').length;
      if (applied !== DEVICES) {
        const bad = report.results.find((r) => r.outcome !== 'applied')!;
        throw new Error(`${DEVICES - applied} device(s) not applied, e.g. ${bad.device}: ${bad.outcome} ${bad.detail}`);
      }
      per.push(...report.results.map((r) => r.ms));
    });
    return [
      {
        name: `push nftables to ${DEVICES} devices, concurrency ${CONCURRENCY} (all phases)`,
        stats,
        unit: 'ms',
        target: { max: 15_000, text: '< 15 s' },
      },
      { name: 'push: one device, all phases (over every run)', stats: summary(per), unit: 'ms' },
      { name: `push: setting up the ${DEVICES}-device lab (not counted)`, stats: once(setupMs), unit: 'ms' },
    ];
  } finally {
    await lab.destroy();
  }
}
