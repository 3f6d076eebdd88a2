// Subscriber provisioning, pure: from the people files and the rows their kits carry to
// the changes the store needs, and those changes as one SQL transaction. The PBX side
// never sees a SIP password: rows hold HA1 digests made when the kit was issued.
import { error, fail, ok, warning, type Diagnostic, type Result } from '../diagnostics.js';
import { isExpired, type Person } from '../people/index.js';
import { compareText } from '../sorted.js';
import { parseSubscriberRow, type SubscriberRow } from './rows.js';

/** A row as the store holds it. */
export interface StoredSubscriber extends SubscriberRow {
  /** True when the row carries something in kamailio's plaintext password column. */
  readonly plaintext: boolean;
}

export type SubscriberChange =
  | { readonly op: 'add'; readonly row: SubscriberRow }
  | { readonly op: 'update'; readonly row: SubscriberRow; readonly why: string }
  | { readonly op: 'remove'; readonly row: StoredSubscriber; readonly why: string };

export interface PbxPlan {
  readonly changes: readonly SubscriberChange[];
  /** Subscribers already right. */
  readonly unchanged: number;
  /** Warnings: agents with an extension but no usable row in their kit. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface PlanInput {
  readonly people: readonly Person[];
  /** id -> the kit's row file (path and text); absent when the kit has none. */
  readonly rows: ReadonlyMap<string, { readonly file: string; readonly text: string }>;
  readonly current: readonly StoredSubscriber[];
  /** The SIP domain (digest realm) the PBX serves. */
  readonly domain: string;
  /** YYYY-MM-DD: agents whose contract ended before it lose their phone. */
  readonly today: string;
  /** Where kits are, for messages. */
  readonly kitsDir: string;
}

const key = (r: Pick<SubscriberRow, 'username' | 'domain'>) => `${r.username}@${r.domain}`;

export function planSubscribers(input: PlanInput): Result<PbxPlan> {
  const diags: Diagnostic[] = [];
  const desired = new Map<string, SubscriberRow>();
  /** Rows left as they are because the kit gives nothing better: key -> the agent. */
  const keep = new Map<string, string>();
  const byId = new Map(input.people.map((p) => [p.id, p]));
  const current = new Map(input.current.map((r) => [key(r), r]));
  for (const p of input.people) {
    if (!p.extension || isExpired(p, input.today)) continue;
    const mine = { username: p.extension, domain: input.domain };
    const src = input.rows.get(p.id);
    const where = { file: p.source.file, line: p.source.line, col: p.source.col, path: 'extension' };
    if (!src) {
      // A kit built without --enrol has no SIP password and so no row: leave a working
      // account alone rather than cut the agent's phone off.
      keep.set(key(mine), p.id);
      diags.push(warning('no-pbx-row', `${p.id} has extension ${p.extension} but no PBX row in ${input.kitsDir}/${p.id}/: issue the kit with --enrol`, where));
      continue;
    }
    const parsed = parseSubscriberRow(src.file, src.text);
    diags.push(...parsed.diagnostics);
    const row = parsed.row;
    if (!row) continue;
    if (row.agent !== p.id || row.username !== p.extension || row.domain !== input.domain) {
      keep.set(key(mine), p.id);
      diags.push(
        warning('stale-pbx-row', `${src.file} is for ${row.agent}, extension ${row.username}@${row.domain}, but ${p.id} has extension ${p.extension}@${input.domain}: re-issue the kit with --enrol`, where),
      );
      continue;
    }
    desired.set(key(row), row);
  }
  if (diags.some((d) => d.severity === 'error')) return fail(diags);

  const changes: SubscriberChange[] = [];
  let unchanged = 0;
  for (const [k, row] of desired) {
    const cur = current.get(k);
    if (!cur) changes.push({ op: 'add', row });
    else if (cur.plaintext) changes.push({ op: 'update', row, why: 'plaintext password cleared' });
    else if (cur.agent !== row.agent) changes.push({ op: 'update', row, why: `extension passes from ${cur.agent || 'nobody'} to ${row.agent}` });
    else if (cur.ha1 !== row.ha1 || cur.ha1b !== row.ha1b) changes.push({ op: 'update', row, why: 'new SIP password' });
    else unchanged++;
  }
  for (const [k, cur] of current) {
    if (desired.has(k)) continue;
    if (keep.get(k) === cur.agent && !cur.plaintext) {
      unchanged++;
      continue;
    }
    changes.push({ op: 'remove', row: cur, why: removalReason(cur, byId.get(cur.agent), input) });
  }
  changes.sort((a, b) => compareText(a.row.username, b.row.username) || compareText(a.op, b.op));
  return ok({ changes, unchanged, diagnostics: diags }, diags);
}

function removalReason(cur: StoredSubscriber, p: Person | undefined, input: PlanInput): string {
  if (!p) return cur.agent ? `${cur.agent} is no longer in the people files` : 'no agent owns this row';
  if (isExpired(p, input.today)) return `${p.id}'s contract ended ${p.endDate}`;
  if (!p.extension) return `${p.id} has no extension any more`;
  if (cur.domain !== input.domain) return `domain ${cur.domain} is not the PBX's (${input.domain})`;
  if (p.extension !== cur.username) return `${p.id} moved to extension ${p.extension}`;
  return `${p.id}'s kit row is not usable`;
}

export interface PlanCounts {
  readonly add: number;
  readonly update: number;
  readonly remove: number;
}

export function countChanges(plan: PbxPlan): PlanCounts {
  const n = (op: SubscriberChange['op']) => plan.changes.filter((c) => c.op === op).length;
  return { add: n('add'), update: n('update'), remove: n('remove') };
}

/** `+ 2001 marie.schmit`, `~ 2002 lea.klein (new SIP password)`, `- 2003 ... (why)`. */
export function describeSubscriberChange(c: SubscriberChange): string {
  const sign = c.op === 'add' ? '+' : c.op === 'update' ? '~' : '-';
  const who = `${sign} ${c.row.username}@${c.row.domain} ${c.row.agent || '(no agent)'}`;
  return c.op === 'add' ? who : `${who} (${c.why})`;
}

// kamailio's subscriber table (auth_db, version 7) plus the `agent` column outpost uses
// to know whose row it is; kamailio reads only the columns it names.
export const SCHEMA_SQL = `CREATE TABLE IF NOT EXISTS version (
    id INTEGER PRIMARY KEY NOT NULL,
    table_name VARCHAR(32) NOT NULL,
    table_version INTEGER DEFAULT 0 NOT NULL,
    CONSTRAINT version_table_name_idx UNIQUE (table_name)
);
INSERT OR IGNORE INTO version (table_name, table_version) VALUES ('version', 1), ('subscriber', 7);
CREATE TABLE IF NOT EXISTS subscriber (
    id INTEGER PRIMARY KEY NOT NULL,
    username VARCHAR(64) DEFAULT '' NOT NULL,
    domain VARCHAR(64) DEFAULT '' NOT NULL,
    password VARCHAR(64) DEFAULT '' NOT NULL,
    ha1 VARCHAR(128) DEFAULT '' NOT NULL,
    ha1b VARCHAR(128) DEFAULT '' NOT NULL,
    agent VARCHAR(64) DEFAULT '' NOT NULL,
    CONSTRAINT subscriber_account_idx UNIQUE (username, domain)
);
CREATE INDEX IF NOT EXISTS subscriber_username_idx ON subscriber (username);
CREATE INDEX IF NOT EXISTS subscriber_agent_idx ON subscriber (agent);
`;

// Every value was held to a strict pattern (digits, domain, hex, login) before it got
// here; quoting is the second lock, not the first.
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The plan as one SQLite script: schema if missing, then every change inside one
 * IMMEDIATE transaction, so kamailio sees all of it or none of it.
 */
export function subscriberSql(changes: readonly SubscriberChange[]): string {
  const out = ['.bail on', '.timeout 10000', 'PRAGMA journal_mode=WAL;', 'BEGIN IMMEDIATE;', SCHEMA_SQL.trimEnd()];
  for (const c of changes) {
    const r = c.row;
    if (c.op === 'remove') out.push(`DELETE FROM subscriber WHERE username=${q(r.username)} AND domain=${q(r.domain)};`);
    else
      out.push(
        `INSERT INTO subscriber (username, domain, password, ha1, ha1b, agent) VALUES (${q(r.username)}, ${q(r.domain)}, '', ${q(r.ha1)}, ${q(r.ha1b)}, ${q(r.agent)}) ` +
          `ON CONFLICT (username, domain) DO UPDATE SET password='', ha1=excluded.ha1, ha1b=excluded.ha1b, agent=excluded.agent;`,
      );
  }
  out.push('COMMIT;');
  return `${out.join('\n')}\n`;
}

/** A row file that cannot even be read is an error with its path. */
export function unreadableRow(file: string, message: string): Diagnostic {
  return error('unreadable-pbx-row', message, { file });
}
