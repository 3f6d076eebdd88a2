// Credentials for a new agent: an initial password and a TOTP second factor that the
// directory enforces itself (slapd's otp overlay: bind with password + current code).
import { randomBytes, randomInt } from 'node:crypto';
import { Change, type Client } from 'ldapts';
import { Secret, TOTP } from 'otpauth';
import { isLdapResult } from './client.js';
import { DISABLED, personDN, type Layout } from './layout.js';
import { attr } from './wire.js';

/** No 0/O, 1/l/I: the password is read off a printed sheet. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

export function generatePassword(length = 16): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

import { sshaHash } from './ssha.js';

export { sshaHash };

export const TOTP_PARAMS = { digits: 6, period: 30, algorithm: 'SHA1', window: 3 } as const;
/** hmacWithSHA1 (RFC 8018), the algorithm every authenticator app supports. */
const HMAC_SHA1_OID = '1.2.840.113549.2.7';

export function newTotpSecret(): Buffer {
  return randomBytes(20);
}

function totp(secret: Buffer, issuer: string, account: string): TOTP {
  return new TOTP({
    issuer,
    label: account,
    algorithm: TOTP_PARAMS.algorithm,
    digits: TOTP_PARAMS.digits,
    period: TOTP_PARAMS.period,
    secret: new Secret({ buffer: new Uint8Array(secret).buffer }),
  });
}

/** otpauth://totp/... for authenticator apps (and the QR code on the onboarding sheet). */
export function otpauthUri(secret: Buffer, issuer: string, account: string): string {
  return totp(secret, issuer, account).toString();
}

/** The code an authenticator shows at `time` (ms). */
export function totpCode(secret: Buffer, time = Date.now()): string {
  return totp(secret, 'outpost', 'x').generate({ timestamp: time });
}

async function addIfMissing(client: Client, dn: string, attrs: Record<string, string[]>): Promise<void> {
  try {
    await client.add(dn, attrs);
  } catch (e) {
    if (!(isLdapResult(e) && e.code === 68)) throw e;
  }
}

/** The parameters entry every TOTP token points at (digits, algorithm, step, window). */
export async function ensureTotpParams(client: Client, l: Layout): Promise<void> {
  await addIfMissing(client, l.policies, { objectClass: ['organizationalUnit'], ou: ['policies'] });
  await addIfMissing(client, l.totpParams, {
    objectClass: ['organizationalRole', 'oathTOTPParams'],
    cn: ['outpost-totp'],
    oathOTPLength: [String(TOTP_PARAMS.digits)],
    oathHMACAlgorithm: [HMAC_SHA1_OID],
    oathTOTPTimeStepPeriod: [String(TOTP_PARAMS.period)],
    oathTOTPTimeStepWindow: [String(TOTP_PARAMS.window)],
  });
}

export interface Credentials {
  readonly password: string;
  readonly totpSecret: Buffer;
}

/**
 * Sets the initial password and (re-)enrols TOTP on an existing person entry. The entry
 * becomes its own token (oathTOTPUser + oathTOTPToken); re-enrolling replaces the secret
 * and forgets the last used step.
 */
async function enrolEntry(client: Client, l: Layout, id: string) {
  const dn = personDN(l, id);
  let found;
  try {
    found = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['objectClass', 'oathTOTPLastTimeStep', 'pwdAccountLockedTime'] });
  } catch (e) {
    if (isLdapResult(e) && e.code === 32) return { problem: `no directory entry for ${id}: apply the people files first` };
    throw e;
  }
  const entry = found.searchEntries[0];
  if (!entry) return { problem: `no directory entry for ${id}: apply the people files first` };
  // A password reset clears the password policy's lock, so enrolling a disabled account
  // would quietly re-enable it: refuse instead.
  if ([entry.pwdAccountLockedTime ?? []].flat().map(String).includes(DISABLED)) {
    return { problem: `${id} is disabled (left, or the contract ended): update the people file and apply before enrolling` };
  }
  return { entry, dn };
}

/** Why `id` cannot be enrolled now, or undefined: checked for every agent before any is changed. */
export async function enrolProblem(client: Client, l: Layout, id: string): Promise<string | undefined> {
  return (await enrolEntry(client, l, id)).problem;
}

export async function enrolPerson(client: Client, l: Layout, id: string, cred: Credentials): Promise<void> {
  await ensureTotpParams(client, l);
  const found = await enrolEntry(client, l, id);
  if (!found.entry) throw new Error(found.problem);
  const { entry, dn } = found;
  const classes = new Set((Array.isArray(entry.objectClass) ? entry.objectClass : [entry.objectClass]).map((c) => String(c).toLowerCase()));
  const changes: Change[] = [];
  const missing = ['oathTOTPUser', 'oathTOTPToken'].filter((c) => !classes.has(c.toLowerCase()));
  if (missing.length) changes.push(new Change({ operation: 'add', modification: attr('objectClass', missing) }));
  changes.push(
    new Change({ operation: 'replace', modification: attr('oathTOTPToken', [dn]) }),
    new Change({ operation: 'replace', modification: attr('oathTOTPParams', [l.totpParams]) }),
    new Change({ operation: 'replace', modification: attr('oathSecret', [cred.totpSecret]) }),
    new Change({ operation: 'replace', modification: attr('userPassword', [sshaHash(cred.password)]) }),
  );
  if ([entry.oathTOTPLastTimeStep ?? []].flat().length) {
    changes.push(new Change({ operation: 'delete', modification: attr('oathTOTPLastTimeStep', []) }));
  }
  await client.modify(dn, changes);
}
