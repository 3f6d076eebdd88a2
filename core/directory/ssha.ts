// The password hash outpost writes, in a file of its own: the lab directory hashes its
// admin password with it, and the commands that start one should not load the TOTP
// library enrolment needs (enrol.ts) to do so.
import { createHash, randomBytes } from 'node:crypto';

/** {SSHA}, which every LDAP server verifies; the cleartext never reaches the directory. */
export function sshaHash(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}
