// The subscriber store: an SQLite file kamailio's db_sqlite reads (read-only, WAL) and
// outpost writes with the sqlite3 command-line shell, one process and one transaction
// per apply. Also reads the rows the kits carry. This is the PBX stage's I/O.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { PBX_ROW_FILE } from '../kit/build.js';
import type { Person } from '../people/index.js';
import { subscriberSql, unreadableRow, type StoredSubscriber, type SubscriberChange } from './provision.js';

/** The store cannot be read or written: a missing sqlite3, a foreign file, a full disk. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

function sqlite(args: readonly string[], input: string): string {
  const r = spawnSync('sqlite3', args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) {
    const e = r.error as NodeJS.ErrnoException;
    throw new StoreError(e.code === 'ENOENT' ? 'sqlite3 is not installed (Debian package sqlite3)' : `sqlite3: ${e.message}`);
  }
  if (r.status !== 0) throw new StoreError(`sqlite3 ${args[args.length - 1]}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

interface RawRow {
  username: string;
  domain: string;
  ha1: string;
  ha1b: string;
  agent: string;
  plaintext: number;
}

/** Every subscriber in the store; none when the store does not exist yet. */
export function readSubscribers(dbFile: string): StoredSubscriber[] {
  if (!existsSync(dbFile)) return [];
  const tables = sqlite(['-readonly', dbFile], ".timeout 10000\nSELECT name FROM sqlite_master WHERE type='table' AND name='subscriber';\n");
  if (!tables.trim()) return [];
  let out: string;
  try {
    out = sqlite(['-readonly', '-json', dbFile], ".timeout 10000\nSELECT username, domain, ha1, ha1b, agent, password <> '' AS plaintext FROM subscriber ORDER BY username, domain;\n");
  } catch (e) {
    if (e instanceof StoreError && /no such column: agent/.test(e.message)) throw new StoreError(`${dbFile}: its subscriber table has no agent column: not a store outpost made`);
    throw e;
  }
  const rows = out.trim() ? (JSON.parse(out) as RawRow[]) : [];
  return rows.map((r) => ({ agent: r.agent, username: r.username, domain: r.domain, ha1: r.ha1, ha1b: r.ha1b, plaintext: r.plaintext === 1 }));
}

/** Applies the changes in one transaction (creating the store and its schema if needed). */
export function applySubscribers(dbFile: string, changes: readonly SubscriberChange[]): void {
  mkdirSync(dirname(dbFile), { recursive: true, mode: 0o700 });
  // HA1 digests are password-equivalent for the realm: the store and its WAL files 0600.
  const umask = process.umask(0o077);
  try {
    sqlite([dbFile], subscriberSql(changes));
  } finally {
    process.umask(umask);
  }
}

/** Creates an empty store with kamailio's schema when there is none. */
export function ensureStore(dbFile: string): void {
  applySubscribers(dbFile, []);
}

/** The row file of each person's kit that has one; unreadable files are diagnostics. */
export function readKitRows(kitsDir: string, people: readonly Pick<Person, 'id' | 'extension'>[]): { rows: Map<string, { file: string; text: string }>; diagnostics: Diagnostic[] } {
  const rows = new Map<string, { file: string; text: string }>();
  const diagnostics: Diagnostic[] = [];
  for (const p of people) {
    if (!p.extension) continue;
    const file = join(kitsDir, p.id, PBX_ROW_FILE);
    try {
      rows.set(p.id, { file, text: readFileSync(file, 'utf8') });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR') diagnostics.push(unreadableRow(file, `cannot read: ${err.message}`));
    }
  }
  return { rows, diagnostics };
}
