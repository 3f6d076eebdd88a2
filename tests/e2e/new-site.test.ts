// A network engineer follows docs/new-site.md to the letter: every command of the guide's
// shell blocks runs here, in order, in a fresh clone-like folder, on a real lab twin
// (namespaces, nftables, sshd). The guide's site code is swapped for one of this run's
// own, so parallel runs never meet; nothing else of the commands is changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listNamespaces } from '../../core/lab/index.js';
import { exampleInventory, repoRoot } from '../support/inventory.js';

const GUIDE = join(repoRoot, 'docs', 'new-site.md');
const CODE = `vac-r${process.pid}`;
const work = mkdtempSync(join(tmpdir(), 'outpost-guide-'));
const project = join(work, 'centre');

interface Step {
  readonly command: string;
  readonly exit: number;
}

/** The guide's commands: every line of its ```sh blocks, with `# exit N` when not 0. */
function guideSteps(): Step[] {
  const text = readFileSync(GUIDE, 'utf8');
  const steps: Step[] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      if (!line.trim()) continue;
      const exit = /#\s*exit (\d+)\s*$/.exec(line);
      steps.push({ command: line.replace(/\s*#\s*exit \d+\s*$/, ''), exit: exit ? Number(exit[1]) : 0 });
    }
  }
  return steps;
}

/** What the guide says, as run here: this checkout's build for `npx outpost`, already root. */
const asRun = (command: string) =>
  command
    .replaceAll('vac-remich', CODE)
    .replace(/^sudo /, '')
    .replaceAll('npx outpost', `${process.execPath} ${join(repoRoot, 'dist', 'outpost.js')}`);

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds between the command's exit and the end of its output pipes. */
  readonly pipesHeldMs: number;
}

/** Runs a command in bash; resolves once its stdout and stderr are closed (or 20 s after it exits). */
function run(command: string): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd: project, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let exitedAt = 0;
    let code: number | null = null;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let guard: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, pipesHeldMs: Date.now() - exitedAt });
    };
    child.on('exit', (c) => {
      code = c;
      exitedAt = Date.now();
      // A daemon that kept the pipes would hold us here forever: give up after 20 s.
      guard = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, 20_000);
    });
    child.on('close', finish);
  });
}

const steps = guideSteps();
const results: Ran[] = [];
const stepOf = (pattern: RegExp, nth = 0) => {
  const i = steps.map((s, k) => (pattern.test(s.command) ? k : -1)).filter((k) => k >= 0)[nth];
  if (i === undefined) throw new Error(`the guide has no step ${pattern} (#${nth})`);
  return results[i]!;
};

beforeAll(() => {
  mkdirSync(project);
  cpSync(exampleInventory, join(project, 'inventory'), { recursive: true });
  cpSync(join(repoRoot, 'policies'), join(project, 'policies'), { recursive: true });
  const git = (...args: string[]) => spawnSync('git', ['-C', project, '-c', 'user.email=guide@example.lu', '-c', 'user.name=guide', ...args], { stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'the inventory as cloned');
});

afterAll(() => {
  // Whatever happened above, leave nothing behind.
  spawnSync(process.execPath, [join(repoRoot, 'dist', 'outpost.js'), 'lab', 'down', '--site', CODE], { cwd: project, stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
});

describe('docs/new-site.md, run as written', () => {
  it('has the journey the guide promises, in order', () => {
    const order = [/^cp /, /outpost validate/, /plan --write/, /outpost render/, /lab up/, /outpost push/, /outpost drift/, /nft insert/, /outpost drift/, /audit --against running/, /outpost push/, /outpost drift/, /lab down/];
    let at = 0;
    for (const p of order) {
      while (at < steps.length && !p.test(steps[at]!.command)) at++;
      expect(at, `step ${p} in order`).toBeLessThan(steps.length);
      at++;
    }
  });

  it('every command ends with the exit code the guide says, and holds no pipe once it is done', async () => {
    for (const step of steps) {
      const r = await run(asRun(step.command));
      results.push(r);
      expect(r.code, `${step.command}\n${r.stdout}\n${r.stderr}`).toBe(step.exit);
      expect(r.pipesHeldMs, `${step.command} left a daemon holding its output`).toBeLessThan(5_000);
      if (/lab up/.test(step.command)) {
        // The lab folder holds a private key and secrets: git must not see them.
        const status = (await run('git status --porcelain --untracked-files=all')).stdout;
        expect(status.split('\n').filter((l) => l.includes('.outpost/lab'))).toEqual([]);
        expect(existsSync(join(project, '.outpost', 'lab', CODE, 'secrets'))).toBe(true);
      }
    }
  }, 600_000);

  it('validates the new site and records only its addresses', () => {
    expect(stepOf(/outpost validate/).stdout).toContain('is valid: 14 sites');
    const diff = stepOf(/git diff --stat/).stdout;
    expect(diff).toMatch(/1 file changed, \d+ insertions\(\+\)$/m);
    expect(diff).not.toContain('deletion');
    expect(readFileSync(join(project, 'inventory', 'allocations.yaml'), 'utf8')).toContain(`  ${CODE}:\n    block: `);
  });

  it('renders the site and builds a twin whose devices answer SSH, with everything push needs in the lab folder', () => {
    expect(existsSync(join(project, 'out', CODE, `${CODE}-fw1.nft`))).toBe(true);
    const up = stepOf(/lab up/).stdout;
    expect(up).toMatch(new RegExp(`device\\(s\\) answer SSH: ${CODE}-fw1 `));
    expect(up).toContain(`outpost push --site ${CODE} --device ${CODE}-fw1`);
    expect(up).toContain(`outpost audit --against running --site ${CODE}`);
  });

  it('pushes, finds no drift, then sees the hand edit in drift and in the audit, and push puts it back', () => {
    expect(stepOf(/outpost push/, 0).stdout).toMatch(/all done/);
    expect(stepOf(/outpost drift/, 0).stdout).toMatch(/0 drifted, 0 unreachable/);
    const drifted = stepOf(/outpost drift/, 1).stdout;
    expect(drifted).toContain('+\t\ttcp dport 3389 accept comment "hand edit"');
    expect(drifted).toMatch(new RegExp(`${CODE}-fw1 +drifted +1 line differs`));
    const audit = stepOf(/audit --against running/).stdout;
    expect(audit).toMatch(/FAIL +high +running-matches-intent/);
    expect(audit).toMatch(/FAIL +critical +guest-isolated/);
    expect(stepOf(/outpost push/, 1).stdout).toMatch(new RegExp(`${CODE}-fw1 +nftables +applied`));
    expect(stepOf(/outpost drift/, 2).stdout).toMatch(/0 drifted, 0 unreachable/);
  });

  it('lab down leaves no namespace, no process and no lab file', () => {
    expect(stepOf(/lab down/).stdout).toMatch(/removed \d+ namespace\(s\)/);
    expect(stepOf(/ip netns list/).stdout.trim()).toBe('no namespace left');
    expect(listNamespaces().filter((n) => n.startsWith(`opl-${CODE}-`))).toEqual([]);
    const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
    expect(ps.split('\n').filter((l) => l.includes(project))).toEqual([]);
    expect(existsSync(join(project, '.outpost', 'lab', CODE))).toBe(false);
  });
});
