// Delivery at the scale of a rush: push an nftables ruleset to 50 devices, 20 at a time,
// each a network namespace with its own real sshd and kernel ruleset, through every
// phase (backup, diff, stage, validate with nft -c, apply with the rollback timer armed,
// health check over a fresh SSH session, confirm). Needs root, like the e2e tests.
import { join } from 'node:path';
import type { Figure } from './index.js';
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
    const work: Work[] = lab.devices.map((d, i) => ({
      target: { hostname: d.hostname, site: 'bench', platform: 'nftables', address: d.address, port: 22, hostKey: d.sshd.hostKey, root: d.root },
      intended: [{ name: '.nft', content: rulesetAllowing(8000 + i) }],
      sha256: `bench-${i}`,
    }));
    const ssh = { user: 'root', privateKey: lab.clientKey.privateKey, knownHosts: [], readyTimeoutMs: 20_000, commandTimeoutMs: 30_000 };
    const start = performance.now();
    const report = await pushSite('bench', work, { stateDir: join(lab.dir, 'state'), ssh, secrets: new Map(), concurrency: CONCURRENCY, confirmTimeoutSeconds: 60 });
    const pushMs = performance.now() - start;
    const applied = report.results.filter((r) => r.outcome === 'applied').length;
    if (applied !== DEVICES) {
      const bad = report.results.find((r) => r.outcome !== 'applied')!;
      throw new Error(`${DEVICES - applied} device(s) not applied, e.g. ${bad.device}: ${bad.outcome} ${bad.detail}`);
    }
    const per = report.results.map((r) => r.ms).sort((a, b) => a - b);
    return [
      {
        name: `push nftables to ${DEVICES} devices, concurrency ${CONCURRENCY} (all phases)`,
        value: pushMs,
        unit: 'ms',
        target: { max: 15_000, text: '< 15 s' },
        detail: `per device median ${per[per.length >> 1]} ms, max ${per[per.length - 1]} ms; lab set-up ${Math.round(setupMs)} ms (not counted)`,
      },
    ];
  } finally {
    await lab.destroy();
  }
}
