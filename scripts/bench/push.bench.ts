// `outpost push` at the scale of a rush, as the engineer runs it: a copy of the example
// whose vac-esch holds its firewall and 49 APs (the rendered 229-line nftables ruleset and
// real hostapd configs, secrets filled in), 50 lab devices (a namespace with its own sshd
// each, the firewall enforcing its ruleset in the kernel), and the CLI run from a NOC
// namespace at the default concurrency through every phase. Before each run the devices
// are reset to empty (not counted), so every run changes all 50. Needs root.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAddress, canUseNamespaces, nsExec } from '../../core/lab/netns.js';
import { writeSecrets } from '../../tests/support/deliver-fixtures.js';
import { startLabSite } from '../../tests/support/netns.js';
import { outpostEnv, summary, type Figure } from './figures.js';

const APS = 49;
const RUNS = 3; // slow: 50 devices, a dozen SSH sessions each
const NOC = '10.127.0.5';
const NOC_FW = '10.127.0.6'; // the rendered ruleset lets SSH in from the management network only
const PHASES = ['connect', 'backup', 'diff', 'stage', 'validate', 'apply', 'health', 'confirm'] as const;

/** The example with vac-esch's APs grown to `aps` (cloned from ap1, spread over its access switches). */
function fleetInventory(repo: string, dir: string, aps: number): string {
  cpSync(join(repo, 'inventory'), join(dir, 'inventory'), { recursive: true });
  cpSync(join(repo, 'policies'), join(dir, 'policies'), { recursive: true });
  const file = join(dir, 'inventory', 'sites', 'vac-esch.yaml');
  const text = readFileSync(file, 'utf8');
  const have = (text.match(/hostname: vac-esch-ap\d+/g) ?? []).length;
  const more = Array.from({ length: aps - have }, (_, k) => have + k + 1)
    .map((i) => `  - hostname: vac-esch-ap${i}\n    role: ap\n    platform: hostapd\n    model: U6-PRO\n    uplink: vac-esch-asw${((i - 1) % 5) + 1}\n    ssids: [CENTRE-STAFF, CENTRE-MEDICAL, CENTRE-GUEST]\n`)
    .join('');
  const devicesEnd = /^devices:\n(?:(?: {2}|\n).*\n?)*/m.exec(text)!;
  const end = devicesEnd.index + devicesEnd[0].length;
  writeFileSync(file, `${text.slice(0, end).replace(/\n+$/, '\n')}${more}${text.slice(end)}`);
  return join(dir, 'inventory');
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

interface JournalEvent { type: string; at: string; device?: string; phase?: string; status?: string }

/** Time per phase per device, from the run journal's start/ok events. */
function phaseTimes(journal: string): Map<string, number[]> {
  const open = new Map<string, number>();
  const out = new Map<string, number[]>();
  for (const line of readFileSync(journal, 'utf8').split('\n').filter(Boolean)) {
    const e = JSON.parse(line) as JournalEvent;
    if (e.type !== 'event' || !e.device || !e.phase) continue;
    const key = `${e.device} ${e.phase}`;
    if (e.status === 'start') open.set(key, Date.parse(e.at));
    else if (open.has(key)) {
      out.set(e.phase, [...(out.get(e.phase) ?? []), Date.parse(e.at) - open.get(key)!]);
      open.delete(key);
    }
  }
  return out;
}

export default async function bench(): Promise<Figure[]> {
  if (!canUseNamespaces()) throw new Error('the push benchmark needs root and iproute2 (network namespaces)');
  const repo = join(import.meta.dirname, '..', '..');
  const work = mkdtempSync(join(tmpdir(), 'obp-bench-'));
  const inventory = fleetInventory(repo, work, APS);
  const aps = Array.from({ length: APS }, (_, i) => `vac-esch-ap${i + 1}`);
  const fw = 'vac-esch-fw1';
  const lab = await startLabSite({ area: 'obp', tag: 'p', devices: [...aps.map((hostname) => ({ hostname, platform: 'hostapd' })), { hostname: fw, platform: 'nftables' }] });
  try {
    const noc = lab.addHost('noc', 5);
    addAddress(noc, 'mgmt0', `${NOC}/24`);
    addAddress(lab.device(fw).ns, 'mgmt0', `${NOC_FW}/24`);
    const secrets = writeSecrets(lab.dir);
    const endpoints = join(lab.dir, 'endpoints.yaml');
    writeFileSync(endpoints, `endpoints:\n${lab.devices.map((d) => `  ${d.hostname}: { address: ${d.hostname === fw ? NOC_FW : d.address}, port: 22, hostKey: "${d.sshd.hostKey}", root: ${d.root} }\n`).join('')}`);
    const state = join(lab.dir, 'state');
    const wall: number[] = [];
    const perDevice: number[] = [];
    const phases = new Map<string, number[]>();
    let fwLines = 0;
    for (let run = 0; run < RUNS; run++) {
      // Back to empty devices, so every run pushes all 50 (not counted).
      nsExec(lab.device(fw).ns, ['nft', 'flush', 'ruleset']);
      for (const h of aps) rmSync(join(lab.device(h).root, 'etc'), { recursive: true, force: true });
      const args = [process.execPath, join(repo, 'dist', 'outpost.js'), 'push', '--site', 'vac-esch', ...[...aps, fw].flatMap((d) => ['--device', d]),
        '--inventory', inventory, '--endpoints', endpoints, '--identity', lab.clientKey.privateKeyPath, '--secrets', secrets, '--state-dir', state, '--json'];
      const t = performance.now();
      const r = spawnSync('ip', ['netns', 'exec', noc, ...args], { encoding: 'utf8', env: outpostEnv({ NO_COLOR: '1', SSH_AUTH_SOCK: '' }), maxBuffer: 1 << 26, timeout: 300_000 });
      wall.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`outpost push exited ${r.status}: ${(r.stdout + r.stderr).slice(-600)}`);
      const doc = JSON.parse(r.stdout) as { journal: string; results: { device: string; outcome: string; ms: number }[] };
      const applied = doc.results.filter((x) => x.outcome === 'applied').length;
      if (applied !== APS + 1) throw new Error(`${APS + 1 - applied} device(s) not applied: ${JSON.stringify(doc.results.find((x) => x.outcome !== 'applied'))}`);
      perDevice.push(...doc.results.map((x) => x.ms));
      for (const [p, xs] of phaseTimes(doc.journal)) phases.set(p, [...(phases.get(p) ?? []), ...xs]);
      fwLines = nsExec(lab.device(fw).ns, ['nft', 'list', 'ruleset']).stdout.split('\n').length;
      if (fwLines < 50) throw new Error(`the firewall holds ${fwLines} ruleset lines after the push`);
    }
    return [
      { name: `outpost push vac-esch: firewall + ${APS} APs, 50 devices, default concurrency (CLI)`, stats: summary(wall), unit: 'ms', target: { max: 10_000, text: '< 10 s' }, detail: `firewall enforces ${fwLines} ruleset lines; lab set-up and reset not counted` },
      { name: 'outpost push: per device, all phases', stats: summary(perDevice), unit: 'ms', detail: `p50 ${pct(perDevice, 50)} ms, p95 ${pct(perDevice, 95)} ms over ${perDevice.length} device pushes` },
      ...[...PHASES, ...[...phases.keys()].filter((p) => !(PHASES as readonly string[]).includes(p))]
        .filter((p) => phases.has(p))
        .map((p): Figure => ({ name: `outpost push, phase ${p}: per device`, stats: summary(phases.get(p)!), unit: 'ms', detail: `p95 ${pct(phases.get(p)!, 95)} ms` })),
    ];
  } finally {
    await lab.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}
