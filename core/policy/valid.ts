// The access policy's rules checked by hand before the schema runs. At ACL scale a policy
// holds thousands of rules, and zod builds a parse context and a result per field of each
// one: most of the policy's validation time, for rules that are nearly always valid. This
// is the schema's own test (same patterns, same defaults, same limits, the same value out)
// for a file where everything is valid; on anything else it answers undefined and the
// schema runs, so every message a user sees is still the schema's.
import { matches } from '../inventory/index.js';
import { isCalendarDate } from '../people/fields.js';

/** `any`, `role:<name>`, `zone:<name>`, `service:<name>`, `net:<cidr>`. */
export const ENDPOINT = /^(any|(role|zone|service):[a-z][a-z0-9-]{0,30}|net:\d{1,3}(\.\d{1,3}){3}\/\d{1,2})$/;
/** `443/tcp`, `10000-20000/udp`, `icmp`. */
export const PORT = /^(\d{1,5})(-(\d{1,5}))?\/(tcp|udp)$|^icmp$/;

/** A rule as the schema outputs it. */
export interface RuleInput {
  id: string;
  action: 'allow' | 'deny';
  from: string[];
  to: string[];
  ports: string[];
  at: string[];
  owner: string;
  reason: string;
  expires?: string;
}

const RULE_KEYS = new Set(['id', 'action', 'from', 'to', 'ports', 'at', 'owner', 'reason', 'expires']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A fresh array of the strings when every one matches and there are at least `min`. */
function strings(v: unknown, test: (s: string) => boolean, min: number): string[] | undefined {
  if (!Array.isArray(v) || v.length < min) return undefined;
  // Indexed loops: a fresh process runs this once per rule before it is optimised, when a
  // for-of allocates an iterator and a result per step.
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i];
    if (typeof s !== 'string' || !test(s)) return undefined;
  }
  return v.slice();
}

const endpoint = (s: string) => ENDPOINT.test(s);
const port = (s: string) => PORT.test(s);
const name = (s: string) => matches('name', s);
const text = (v: unknown): v is string => typeof v === 'string' && matches('text', v);

/** The rule the schema would output, or undefined: then the schema says what is wrong. */
export function validRule(raw: unknown): RuleInput | undefined {
  if (!isObject(raw)) return undefined;
  const keys = Object.keys(raw);
  for (let i = 0; i < keys.length; i++) if (!RULE_KEYS.has(keys[i]!) || raw[keys[i]!] === undefined) return undefined;
  const { id, action, owner, reason, expires } = raw;
  if (typeof id !== 'string' || !name(id) || (action !== 'allow' && action !== 'deny') || !text(owner) || !text(reason)) return undefined;
  const from = strings(raw.from, endpoint, 1);
  const to = strings(raw.to, endpoint, 1);
  // The schema's defaults: no ports, everywhere.
  const ports = raw.ports === undefined ? [] : strings(raw.ports, port, 0);
  const at = raw.at === undefined ? [] : strings(raw.at, name, 0);
  if (!from || !to || !ports || !at) return undefined;
  if (expires !== undefined && !(typeof expires === 'string' && isCalendarDate(expires))) return undefined;
  const rule: RuleInput = { id, action, from, to, ports, at, owner, reason };
  if (expires !== undefined) rule.expires = expires;
  return rule;
}

/** Every rule of the list as the schema would output it, or undefined when one is not valid. */
export function validRules(raw: unknown, max: number): RuleInput[] | undefined {
  if (!Array.isArray(raw) || raw.length > max) return undefined;
  const out: RuleInput[] = [];
  for (let i = 0; i < raw.length; i++) {
    const r = validRule(raw[i]);
    if (!r) return undefined;
    out.push(r);
  }
  return out;
}
