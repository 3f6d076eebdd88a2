// The built command starts from the V8 code cache the build trained, and a cache that does
// not fit (another build, another Node, a damaged file) or none at all changes nothing a user
// sees: the same output, the same exit code.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleScript, WRAPPER } from '../cli/code-cache.js';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const work = mkdtempSync(join(tmpdir(), 'outpost-code-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of dist/ whose cache the test may spoil. */
function distCopy(name: string): string {
  const dir = join(work, name);
  cpSync(dist, dir, { recursive: true });
  return dir;
}

const run = (outpost: string, args: string[]) => {
  const r = spawnSync(process.execPath, [outpost, ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('the command starts from the code cache the build made', () => {
  it('the build leaves a cache that V8 accepts for the bundle beside it', () => {
    expect(statSync(join(dist, 'cli.cache')).size).toBeGreaterThan(100_000);
    expect(bundleScript(dist).script.cachedDataRejected).toBe(false);
  });

  it('the bundle is written as the function the launcher compiles, so it is compiled from the file as read, and still runs when it is not', () => {
    const text = readFileSync(join(dist, 'cli.cjs'), 'latin1');
    expect(text.startsWith(WRAPPER)).toBe(true);
    expect(text.trimEnd().endsWith('})')).toBe(true);
    const right = run(join(dist, 'outpost.js'), ['validate', '--inventory', 'inventory', '--json']);
    expect(right.status).toBe(0);
    // A bundle without the wrapper (an older build) is wrapped at start, as before.
    const dir = distCopy('unwrapped');
    writeFileSync(join(dir, 'cli.cjs'), text.slice(WRAPPER.length, text.lastIndexOf('\n})')), 'latin1');
    expect(run(join(dir, 'outpost.js'), ['validate', '--inventory', 'inventory', '--json'])).toEqual(right);
  });

  it('a cache made for other code is refused by V8, and the command answers exactly as with the right one', () => {
    const right = run(join(dist, 'outpost.js'), ['validate', '--inventory', 'inventory', '--json']);
    const dir = distCopy('spoiled');
    // The cache of the bundle before it changed: what a bundle rebuilt without its cache would meet.
    writeFileSync(join(dir, 'cli.cjs'), `${readFileSync(join(dir, 'cli.cjs'), 'utf8')}\n// another build\n`);
    expect(bundleScript(dir).script.cachedDataRejected).toBe(true);
    const spoiled = run(join(dir, 'outpost.js'), ['validate', '--inventory', 'inventory', '--json']);
    expect(spoiled).toEqual(right);
    expect(right.status).toBe(0);
  });

  it('a damaged cache file or none at all: same output, same exit code, for a refused input too', () => {
    const args = ['render', '--site', 'nowhere', '--inventory', 'inventory', '--out', join(work, 'out')];
    const right = run(join(dist, 'outpost.js'), args);
    expect(right.status).toBe(2);
    const damaged = distCopy('damaged');
    writeFileSync(join(damaged, 'cli.cache'), Buffer.from('not a code cache at all'));
    expect(run(join(damaged, 'outpost.js'), args)).toEqual(right);
    const none = distCopy('none');
    rmSync(join(none, 'cli.cache'));
    expect(run(join(none, 'outpost.js'), args)).toEqual(right);
  });
});
