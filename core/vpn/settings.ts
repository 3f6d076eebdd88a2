// gatekeeper.json, read on the gateway: checked like any input (it may have been edited
// there), relative paths resolved against the file's folder.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { GatekeeperConfig } from './gatekeeper.js';

const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/);
const ip = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/);
const schema = z.strictObject({
  gateway: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/),
  management: z.string().min(1).max(200),
  directory: z.strictObject({
    url: z.string().regex(/^ldap(s|i)?:\/\/\S+$/),
    base: z.string().min(3).max(400),
    bindDn: z.string().min(3).max(400),
    passwordFile: z.string().min(1).max(400),
    caFile: z.string().min(1).max(400).optional(),
  }),
  pools: z.array(z.strictObject({ role: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/), cidr })).min(1),
  netmask: ip,
  reserved: z.array(ip).default([]),
  sweepSeconds: z.number().min(0.5).max(3600),
});

export function loadGatekeeperConfig(file: string): { ok: true; config: GatekeeperConfig } | { ok: false; message: string } {
  if (!existsSync(file) || !statSync(file).isFile()) return { ok: false, message: `${file}: no such file` };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { ok: false, message: `${file}: not JSON (${(e as Error).message})` };
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return { ok: false, message: `${file}: ${i.path.join('.') || '(top)'}: ${i.message}` };
  }
  const here = (p: string) => (isAbsolute(p) ? p : join(dirname(file), p));
  const c = r.data;
  const directory = { ...c.directory, passwordFile: here(c.directory.passwordFile), ...(c.directory.caFile ? { caFile: here(c.directory.caFile) } : {}) };
  return { ok: true, config: { ...c, management: here(c.management), directory } };
}
