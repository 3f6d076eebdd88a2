// `outpost drift --remediate` for Cisco IOS, held against hier_config, the remediation
// library golden-config users run: on 50 running configs of the 13 sites' IOS switches,
// each edited by hand in one to three ways (an interface block removed, a VLAN changed,
// 802.1X dropped, telnet opened, NTP removed, an ACL entry added, an unused port opened),
// outpost's commands and hier_config's, each applied to the running config (by
// hier_config's future()), give the rendered config as ciscoconfparse2 reads it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { planInventory } from '../core/plan/index.js';
import { compilePolicy, today } from '../core/policy/index.js';
import { renderSites } from '../core/render/index.js';
import { remediate } from '../templates/switch/cisco-ios/remediate.js';
import { IOS_EDITS } from './support/config-edits.js';
import { repoRoot } from './support/inventory.js';
import { loadExample } from './support/example.js';

const CASES = 50;
const { inv, policy } = loadExample();
const plan = planInventory(inv, { rules: compilePolicy(inv, policy, today()).compiler });
const rendered = renderSites(plan.sites).artefacts.filter((a) => a.platform === 'cisco-ios');

/** 50 hand-edited running configs, drawn once with a fixed seed so every run checks the same ones. */
const cases = fc
  .sample(
    fc.record({
      device: fc.constantFrom(...rendered.map((a) => a.device)),
      edits: fc.array(fc.record({ kind: fc.nat({ max: IOS_EDITS.length - 1 }), pick: fc.nat({ max: 10_000 }), value: fc.integer({ min: 2, max: 4000 }) }), { minLength: 1, maxLength: 3 }),
    }),
    { numRuns: CASES * 3, seed: 14 },
  )
  .map(({ device, edits }) => {
    const text = rendered.find((a) => a.device === device)!.content;
    const running = edits.reduce((t, e) => IOS_EDITS[e.kind]!.apply(t, e) ?? t, text);
    return { device, kinds: edits.map((e) => IOS_EDITS[e.kind]!.kind), rendered: text, running };
  })
  .filter((c) => c.running !== c.rendered)
  .slice(0, CASES);

interface Verdict { hier: string[]; runningConverges: boolean; oursConverges: boolean; hierConverges: boolean; oursDiff: unknown; hierDiff: unknown }
let verdicts: Verdict[];

beforeAll(() => {
  const setup = spawnSync(join(repoRoot, 'scripts', 'setup-oracles.sh'), { encoding: 'utf8', timeout: 600_000 });
  if (setup.status !== 0) throw new Error(`scripts/setup-oracles.sh failed: ${setup.stderr}`);
  const input = cases.map((c) => ({ running: c.running, rendered: c.rendered, ours: remediate(c.running, c.rendered) }));
  const run = spawnSync(setup.stdout.trim(), [join(repoRoot, 'tests', 'oracles', 'remediate.py')], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000 });
  if (run.status !== 0) throw new Error(`hier_config failed: ${run.stderr}`);
  verdicts = JSON.parse(run.stdout);
}, 900_000);

describe('IOS remediation converges, as hier_config\'s does', () => {
  it(`there are ${CASES} edited running configs, none of which already reads as the rendered one`, () => {
    expect(cases).toHaveLength(CASES);
    expect(verdicts.filter((v) => v.runningConverges)).toEqual([]);
  });

  it('outpost\'s commands applied to each running config give the rendered config', () => {
    expect(verdicts.flatMap((v, i) => (v.oursConverges ? [] : [{ device: cases[i]!.device, edits: cases[i]!.kinds, diff: v.oursDiff, commands: remediate(cases[i]!.running, cases[i]!.rendered) }]))).toEqual([]);
  });

  it('hier_config\'s remediation of the same configs converges too', () => {
    expect(verdicts.flatMap((v, i) => (v.hierConverges ? [] : [{ device: cases[i]!.device, edits: cases[i]!.kinds, diff: v.hierDiff, commands: v.hier }]))).toEqual([]);
  });

  it('an untouched config needs no command, and a removed interface is rebuilt with its section', () => {
    const c = rendered[0]!;
    expect(remediate(c.content, c.content)).toEqual([]);
    const port = c.content.match(/^interface GigabitEthernet\S+\n(?: .*\n)*/m)![0];
    const commands = remediate(c.content.replace(port, ''), c.content);
    expect(commands).toEqual([...port.trimEnd().split('\n'), 'exit']);
  });

  it('telnet opened and an ACL entry added: the vty transport is negated then set, and the ACL edited in place by sequence number', () => {
    const c = rendered[0]!.content;
    const edited = c.replace(' transport input ssh\n', ' transport input telnet ssh\n').replace('ip access-list standard OUTPOST-MGMT\n', 'ip access-list standard OUTPOST-MGMT\n permit any\n');
    const commands = remediate(edited, c);
    const acl = c.match(/^ip access-list standard OUTPOST-MGMT\n((?: .*\n)*)/m)![1]!.trimEnd().split('\n').map((l, i) => ` ${(i + 1) * 10} ${l.trim()}`);
    // Running: 10 permit any, then the rendered entries one place down; all of them go, the rendered ones come back at their numbers.
    expect(commands.slice(commands.indexOf('ip access-list standard OUTPOST-MGMT'))).toEqual(
      expect.arrayContaining([' no 10 permit any', ...acl]),
    );
    expect(commands).not.toContain('no ip access-list standard OUTPOST-MGMT');
    expect(commands.indexOf(' no transport input telnet ssh')).toBe(commands.indexOf(' transport input ssh') - 1);
  });
});
