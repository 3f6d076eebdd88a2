// The onboarding sheet as the helpdesk prints it: a real browser prints it to exactly one
// A4 page, and the QR code on the rendered page scans to the agent's otpauth URI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { loadInventory } from '../core/inventory/index.js';
import { buildKit, kitOrg, parseCa } from '../core/kit/index.js';
import { newTotpSecret, otpauthUri } from '../core/directory/index.js';
import type { Person } from '../core/people/index.js';
import { makeTestCa, type TestCa } from './support/test-ca.js';

// The longest sheet there is: every optional field, two roles, a long name.
const agent: Person = {
  id: 'maria-joao.albuquerque',
  givenName: 'Maria João',
  surname: "d'Albuquerque-Gonçalves dos Santos",
  mail: 'maria-joao.albuquerque@crisis.example.lu',
  site: 'cc-lux',
  roles: ['crisis-cell', 'helpdesk'],
  endDate: '2027-12-31',
  laptop: { tag: 'LT-20417', mac: '3c:52:82:1a:2b:3c' },
  extension: '4417',
  source: { file: 'inventory/people/cc-lux.csv', line: 9, col: 1 },
};

const chromium = (...args: string[]) =>
  execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-pdf-header-footer', ...args], { stdio: 'pipe', timeout: 60_000 });

describe('printable onboarding sheet', () => {
  let ca: TestCa;
  let dir: string;
  let sheet: string;
  let uri: string;

  beforeAll(() => {
    ca = makeTestCa('sheet');
    dir = mkdtempSync(join(tmpdir(), 'opi-sheet-'));
    const inv = loadInventory('inventory');
    if (!inv.ok) throw new Error('inventory');
    const org = kitOrg(inv.value, parseCa(ca.caPem));
    uri = otpauthUri(newTotpSecret(), org.domain, agent.id);
    const kit = buildKit({ person: agent, org, issued: '2026-11-24', credentials: { password: 'Xk7mPq2rTz9wLb4n', otpauthUri: uri, sipPassword: 's' } });
    sheet = join(dir, 'sheet.html');
    writeFileSync(sheet, kit.files.find((f) => f.path === 'agent/onboarding-sheet.html')!.content);
  });
  afterAll(() => {
    ca?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints to exactly one A4 page', () => {
    const pdf = join(dir, 'sheet.pdf');
    chromium(`--print-to-pdf=${pdf}`, `file://${sheet}`);
    const text = readFileSync(pdf).toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count (\d+)|\/Count (\d+)[^>]*?\/Type\s*\/Pages\b/g)].map((m) => Number(m[1] ?? m[2]));
    expect(counts).toEqual([1]);
    // A4 is 595 x 842 points.
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(text);
    expect([Math.round(Number(box?.[1])), Math.round(Number(box?.[2]))]).toEqual([595, 842]);
  });

  it('shows a QR code that scans to the otpauth URI once rendered', () => {
    const png = join(dir, 'sheet.png');
    chromium(`--screenshot=${png}`, '--window-size=1240,1754', '--force-device-scale-factor=1', `file://${sheet}`);
    const img = PNG.sync.read(readFileSync(png));
    const code = jsQR(new Uint8ClampedArray(img.data), img.width, img.height);
    expect(code?.data).toBe(uri);
  });
});
