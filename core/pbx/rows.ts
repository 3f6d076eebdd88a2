// The PBX account row a kit carries for the administrators: one subscriber of kamailio's
// table, HA1 digests only. The kit makes it when it generates the SIP password (the only
// moment the password exists); `pbx apply` reads it back. Read strictly: the row goes
// into SQL and its digests decide who may phone, so every field has a pattern.
import { error, type Diagnostic } from '../diagnostics.js';
import { matches } from '../inventory/patterns.js';
import { isValid } from '../people/index.js';

export interface SubscriberRow {
  /** Login of the agent the row belongs to. */
  readonly agent: string;
  /** The extension: SIP user and digest username. */
  readonly username: string;
  /** SIP domain, also the digest realm. */
  readonly domain: string;
  /** MD5(username:realm:password). */
  readonly ha1: string;
  /** MD5(username@domain:realm:password), for phones that send user@domain as username. */
  readonly ha1b: string;
}

const FIELDS = ['agent', 'username', 'domain', 'ha1', 'ha1b'] as const;
const HEX32 = /^[0-9a-f]{32}$/;

const check: Record<(typeof FIELDS)[number], (v: string) => boolean> = {
  agent: (v) => isValid('id', v),
  username: (v) => isValid('extension', v),
  domain: (v) => matches('domain', v),
  ha1: (v) => HEX32.test(v),
  ha1b: (v) => HEX32.test(v),
};

const says: Record<(typeof FIELDS)[number], string> = {
  agent: 'a login',
  username: 'an extension (3-6 digits)',
  domain: 'a DNS domain',
  ha1: '32 lower-case hex digits',
  ha1b: '32 lower-case hex digits',
};

export function subscriberRowJson(row: SubscriberRow): string {
  return `${JSON.stringify({ agent: row.agent, username: row.username, domain: row.domain, ha1: row.ha1, ha1b: row.ha1b }, null, 2)}\n`;
}

/** Line and column (1-based) of `"key":` in a JSON text, for diagnostics. */
function locate(text: string, key: string): { line: number; col: number } {
  const i = text.indexOf(`"${key}"`);
  if (i < 0) return { line: 1, col: 1 };
  const before = text.slice(0, i).split('\n');
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}

/** Parses a row file; a bad file is diagnostics naming file:line:col and the field. */
export function parseSubscriberRow(file: string, text: string): { row?: SubscriberRow; diagnostics: Diagnostic[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { diagnostics: [error('invalid-pbx-row', `not JSON: ${(e as Error).message}`, { file, line: 1, col: 1 })] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { diagnostics: [error('invalid-pbx-row', 'expected one JSON object', { file, line: 1, col: 1 })] };
  const obj = raw as Record<string, unknown>;
  const diagnostics: Diagnostic[] = [];
  for (const k of Object.keys(obj)) {
    // A plaintext password has no place in an admin-facing row.
    if (!(FIELDS as readonly string[]).includes(k)) diagnostics.push(error('invalid-pbx-row', `unknown field ${JSON.stringify(k)}`, { file, ...locate(text, k), path: k }));
  }
  for (const k of FIELDS) {
    const v = obj[k];
    if (typeof v !== 'string' || !check[k](v)) diagnostics.push(error('invalid-pbx-row', `${v === undefined ? 'missing' : `invalid value ${JSON.stringify(v)}`}: expected ${says[k]}`, { file, ...locate(text, k), path: k }));
  }
  if (diagnostics.length) return { diagnostics };
  return { row: Object.fromEntries(FIELDS.map((k) => [k, obj[k]])) as unknown as SubscriberRow, diagnostics };
}
