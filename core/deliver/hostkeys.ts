// Host key pinning. A device's key comes from the inventory (`ssh.hostKey`) or from a
// known_hosts file; a device with no pinned key, or presenting another key, is refused:
// outpost never trusts a key on first use, because a push carries secrets.
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { globMatch } from '../glob.js';

export interface PublicKey {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`... */
  readonly type: string;
  /** The key blob as sent on the wire (base64-decoded second field). */
  readonly blob: Buffer;
}

export interface KnownHost {
  /** Host patterns of the line; `|1|salt|hash` entries keep their hash. */
  readonly patterns: readonly string[];
  readonly key: PublicKey;
  readonly marker?: 'revoked' | 'cert-authority';
  readonly line: number;
}

/** Parses `type base64 [comment]`; undefined when it is not a public key line. */
export function parsePublicKey(text: string): PublicKey | undefined {
  const [type, b64] = text.trim().split(/\s+/);
  if (!type || !b64 || !/^[A-Za-z0-9+/]+={0,3}$/.test(b64)) return undefined;
  const blob = Buffer.from(b64, 'base64');
  // The blob starts with its own type name: a key pasted under the wrong type is refused.
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (len < 0 || blob.subarray(4, 4 + len).toString('latin1') !== type) return undefined;
  return { type, blob };
}

/** `SHA256:...` as `ssh-keygen -lf` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function parseKnownHosts(text: string): KnownHost[] {
  const out: KnownHost[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    let fields = line.split(/\s+/);
    let marker: KnownHost['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0].slice(1) as KnownHost['marker'];
      fields = fields.slice(1);
    }
    const key = parsePublicKey(fields.slice(1, 3).join(' '));
    if (!fields[0] || !key) return;
    out.push({ patterns: fields[0].split(','), key, line: i + 1, ...(marker ? { marker } : {}) });
  });
  return out;
}

export function loadKnownHosts(file: string | undefined): KnownHost[] {
  if (!file || !existsSync(file)) return [];
  return parseKnownHosts(readFileSync(file, 'utf8'));
}

/** The names a device is looked up under: host and address, `[host]:port` off port 22. */
export function lookupNames(host: string, address: string, port: number): string[] {
  const names = [...new Set([host, address])];
  return port === 22 ? names : names.map((n) => `[${n}]:${port}`);
}

function hostGlob(pattern: string, name: string): boolean {
  return globMatch(pattern, name, { ignoreCase: true, question: true });
}

function hashedMatch(entry: string, name: string): boolean {
  const [, , salt, hash] = entry.split('|');
  if (!salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function entryMatches(k: KnownHost, names: readonly string[]): boolean {
  let hit = false;
  for (const p of k.patterns) {
    const negated = p.startsWith('!');
    const pat = negated ? p.slice(1) : p;
    const m = names.some((n) => (pat.startsWith('|1|') ? hashedMatch(pat, n) : hostGlob(pat, n)));
    if (m && negated) return false;
    if (m) hit = true;
  }
  return hit;
}

export interface Pins {
  readonly keys: readonly PublicKey[];
  readonly revoked: readonly PublicKey[];
  /** Where the pins came from, for messages. */
  readonly source: string;
}

/** The keys trusted for a device: the inventory pin wins over known_hosts. */
export function pinsFor(t: { hostname: string; address: string; port: number; hostKey?: string }, known: readonly KnownHost[]): Pins {
  const names = lookupNames(t.hostname, t.address, t.port);
  const matching = known.filter((k) => entryMatches(k, names));
  const revoked = matching.filter((k) => k.marker === 'revoked').map((k) => k.key);
  if (t.hostKey) {
    const key = parsePublicKey(t.hostKey);
    return { keys: key ? [key] : [], revoked, source: 'the inventory (ssh.hostKey)' };
  }
  const keys = matching.filter((k) => !k.marker).map((k) => k.key);
  return { keys, revoked, source: keys.length ? `known_hosts line ${matching.find((k) => !k.marker)!.line}` : 'nowhere' };
}

/** Host key algorithms to offer so the server presents the type we pinned, not another one. */
export function hostKeyAlgorithms(pins: Pins): string[] {
  const algs = new Set<string>();
  for (const k of pins.keys) {
    if (k.type === 'ssh-rsa') ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'].forEach((a) => algs.add(a));
    else algs.add(k.type);
  }
  return [...algs];
}

export type HostKeyVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: 'unknown' | 'changed' | 'revoked'; readonly message: string };

export function verifyHostKey(hostname: string, offered: Buffer, pins: Pins): HostKeyVerdict {
  const fp = fingerprint(offered);
  if (pins.revoked.some((k) => k.blob.equals(offered))) {
    return { ok: false, reason: 'revoked', message: `host key ${fp} of ${hostname} is marked @revoked in known_hosts` };
  }
  if (!pins.keys.length) {
    return {
      ok: false,
      reason: 'unknown',
      message: `no pinned host key for ${hostname} (device offered ${fp}); pin it in the inventory (ssh.hostKey) or a known_hosts file after checking it on the console`,
    };
  }
  if (pins.keys.some((k) => k.blob.equals(offered))) return { ok: true };
  return {
    ok: false,
    reason: 'changed',
    message: `HOST KEY CHANGED for ${hostname}: pinned ${pins.keys.map((k) => fingerprint(k.blob)).join(', ')} in ${pins.source}, device offered ${fp}; refusing to log in (a replaced device or someone in the path)`,
  };
}
