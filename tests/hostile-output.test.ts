// An engineer points `render --out` somewhere unwise, or the output folder was tampered
// with, or a render is killed half-way. outpost writes only inside the folder it owns,
// never trusts a path read back from its manifest, and leaves the old or the new render
// whole at every instant.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleInventory, repoRoot } from './support/inventory.js';
import { run, snapshot, STACK } from './support/hostile.js';
import { makeTestCa } from './support/test-ca.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), `hostile-out-${process.pid}-`));
  roots.push(root);
  cpSync(exampleInventory, join(root, 'inventory'), { recursive: true });
  cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
  return root;
}

interface ManifestDoc {
  artefacts: { path: string; sha256: string; site: string }[];
}

/** The render in `out` is whole: every file its manifest lists is there with its hash. */
function expectWhole(out: string): ManifestDoc {
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ManifestDoc;
  expect(m.artefacts.length).toBeGreaterThan(0);
  for (const e of m.artefacts) expect(createHash('sha256').update(readFileSync(join(out, e.path))).digest('hex'), e.path).toBe(e.sha256);
  return m;
}

describe('render writes only inside the folder it owns (case 11)', () => {
  for (const target of ['.', 'inventory', 'policies']) {
    it(`render --out ${target} is refused and every file of the working folder is left as it was`, () => {
      const root = workspace();
      writeFileSync(join(root, 'notes.txt'), 'the engineer’s own notes\n');
      const before = snapshot(root);
      const r = run(['render', '--out', target], { cwd: root });
      expect(r.stderr).not.toMatch(STACK);
      expect(r.stderr).toMatch(/--out .* would replace/);
      expect(r.code).toBe(2);
      expect(snapshot(root)).toEqual(before);
    });
  }

  it('an --out folder holding files outpost did not write is refused and kept', () => {
    const root = workspace();
    mkdirSync(join(root, 'configs'));
    writeFileSync(join(root, 'configs', 'core-router.cfg'), 'hostname core\n');
    const before = snapshot(root);
    const r = run(['render', '--out', 'configs'], { cwd: root });
    expect(r.stderr).toMatch(/holds files outpost did not write \(core-router\.cfg\)/);
    expect(r.code).toBe(2);
    expect(snapshot(root)).toEqual(before);
  });

  it('an empty folder, then its own output, are accepted', () => {
    const root = workspace();
    mkdirSync(join(root, 'out'));
    expect(run(['render', '--out', 'out'], { cwd: root }).code).toBe(0);
    expectWhole(join(root, 'out'));
    expect(run(['render', '--out', 'out'], { cwd: root }).code).toBe(0);
    expectWhole(join(root, 'out'));
  });
});

describe('paths read back from a manifest are not trusted (case 10)', () => {
  it('a manifest entry pointing at ../victim/blob.bin never makes render touch that file', () => {
    const root = workspace();
    expect(run(['render', '--out', 'out'], { cwd: root }).code).toBe(0);
    mkdirSync(join(root, 'victim'));
    const blob = Buffer.from([0, 159, 146, 150, 255, 1, 2]);
    writeFileSync(join(root, 'victim', 'blob.bin'), blob);
    const manifest = realpathSync(join(root, 'out', 'manifest.json'));
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as ManifestDoc;
    const other = m.artefacts.find((e) => e.site !== 'vac-esch')!;
    other.path = '../victim/blob.bin';
    writeFileSync(manifest, JSON.stringify(m));
    const r = run(['render', '--site', 'vac-esch', '--out', 'out'], { cwd: root });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toMatch(/out\/manifest\.json:1:1: error: .*outside its site's folder|out\/manifest\.json:1:1: error: .*must match pattern/);
    expect(r.code).toBe(1);
    expect(readFileSync(join(root, 'victim', 'blob.bin'))).toEqual(blob);
  });

  it('a garbage manifest is a diagnostic, and a full render replaces it', () => {
    const root = workspace();
    expect(run(['render', '--out', 'out'], { cwd: root }).code).toBe(0);
    writeFileSync(realpathSync(join(root, 'out', 'manifest.json')), '{"generator": "outpost", "artefacts": [ {"path": 7');
    const r = run(['render', '--site', 'vac-esch', '--out', 'out'], { cwd: root });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toMatch(/manifest\.json:1:1: error: manifest\.json is not JSON .*\[bad-manifest\]/);
    expect(r.code).toBe(1);
    expect(run(['render', '--out', 'out'], { cwd: root }).code).toBe(0);
    expect(new Set(expectWhole(join(root, 'out')).artefacts.filter((e) => e.site !== 'central').map((e) => e.site)).size).toBe(13);
  });
});

describe('the old or the new render is whole at every instant (case 14)', () => {
  it('renders killed at any moment leave a whole render, and the next run removes their leftovers', async () => {
    const root = workspace();
    expect(run(['render', '--out', 'out'], { cwd: root }).code).toBe(0);
    // What a render killed by an older outpost (or this one) leaves: dead pids' folders.
    mkdirSync(join(root, 'out.partial-999999', 'vac-esch'), { recursive: true });
    mkdirSync(join(root, 'out.gen-999998-abc'));
    for (const delay of [300, 900, 1500, 2100, 2700]) {
      const child = spawn(process.execPath, [join(repoRoot, 'dist', 'outpost.js'), 'render', '--site', 'vac-esch', '--out', 'out'], { cwd: root, stdio: 'ignore' });
      // Listening first: a quick render may end before the kill.
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      expectWhole(join(root, 'out'));
    }
    expect(run(['render', '--out', 'out'], { cwd: root }).code).toBe(0);
    expect(lstatSync(join(root, 'out')).isSymbolicLink()).toBe(true);
    const leftovers = readdirSync(root).filter((n) => n.startsWith('out.'));
    expect(leftovers).toHaveLength(1);
    expect(realpathSync(join(root, 'out'))).toBe(join(realpathSync(root), leftovers[0]!));
    expectWhole(join(root, 'out'));
  }, 180_000);

  it('a reader polling out/ during a re-render never finds it missing or half written', async () => {
    const root = workspace();
    expect(run(['render', '--out', 'out'], { cwd: root }).code).toBe(0);
    const child = spawn(process.execPath, [join(repoRoot, 'dist', 'outpost.js'), 'render', '--out', 'out'], { cwd: root, stdio: 'ignore' });
    let done = false;
    child.once('exit', () => (done = true));
    let reads = 0;
    const failures: string[] = [];
    while (!done) {
      try {
        const m = JSON.parse(readFileSync(join(root, 'out', 'manifest.json'), 'utf8')) as ManifestDoc;
        if (!existsSync(join(root, 'out', m.artefacts.at(-1)!.path))) failures.push('a listed file is missing');
        reads++;
      } catch (e) {
        failures.push(String(e));
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(20);
    expectWhole(join(root, 'out'));
  }, 60_000);
});

describe('kit writes only kits it owns', () => {
  it('kit <agent> --out <folder> refuses to replace a folder of that name holding other files', () => {
    const root = workspace();
    const id = readFileSync(join(root, 'inventory', 'people', 'trc-findel.csv'), 'utf8')
      .split('\n')
      .find((l) => l && !l.startsWith('#') && !l.startsWith('id,'))!
      .split(',')[0]!;
    mkdirSync(join(root, 'shared', id), { recursive: true });
    writeFileSync(join(root, 'shared', id, 'contract.pdf'), 'the agent’s contract\n');
    const ca = makeTestCa('hstk');
    try {
      const before = snapshot(root);
      const r = run(['kit', id, '--out', 'shared', '--vpn-ca', ca.caFile], { cwd: root });
      expect(r.stderr).not.toMatch(STACK);
      expect(r.stderr).toContain(`${id}: not done: shared/${id} holds no kit manifest`);
      expect(r.code).toBe(1);
      expect(snapshot(root)).toEqual(before);
      // Its own kit it replaces.
      expect(run(['kit', id, '--out', 'kits', '--vpn-ca', ca.caFile], { cwd: root }).code).toBe(0);
      expect(run(['kit', id, '--out', 'kits', '--vpn-ca', ca.caFile], { cwd: root }).code).toBe(0);
    } finally {
      ca.remove();
    }
  });
});
