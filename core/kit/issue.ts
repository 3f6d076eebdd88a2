// Issuing kits: optionally enrol each agent in the directory first (new password, new
// TOTP secret, new SIP password), then build and write the kit. The secrets exist only
// in memory, in the directory (hashed or as the token) and in the agent's 0600 files.
import { layoutFor } from '../directory/layout.js';
import { closeQuietly, connect } from '../directory/client.js';
import { enrolPerson, enrolProblem, generatePassword, newTotpSecret, otpauthUri } from '../directory/enrol.js';
import type { ConnectionSettings } from '../directory/settings.js';
import type { Person } from '../people/model.js';
import { join } from 'node:path';
import { AGENT_DIR, buildKit, kitDestinationProblem, writeKit, type Kit } from './build.js';
import type { KitCredentials, KitOrg } from './model.js';

export interface IssueOptions {
  readonly people: readonly Person[];
  readonly org: KitOrg;
  readonly outDir: string;
  readonly issued: string;
  /** Enrol in this directory (password + TOTP) and put the credentials in the kit. */
  readonly enrolIn?: ConnectionSettings;
}

export interface Issued {
  readonly id: string;
  /** The kit's folder: agent/ (hand over), admin/ (PBX row), manifest.json. */
  readonly dir: string;
  /** The folder to hand to the agent. */
  readonly agentDir: string;
  readonly files: number;
  readonly enrolled: boolean;
  /** Only for the caller to show once (onboarding --show-password); never logged. */
  readonly password?: string;
}

/**
 * Some agents could not be given a kit. `done` is every kit that was issued (enrolled or
 * not) before or despite the failures, so the caller can say exactly where things stand.
 */
export class IssueFailure extends Error {
  constructor(
    readonly done: readonly Issued[],
    readonly failed: readonly { readonly id: string; readonly error: string }[],
    /** True when a check refused before anything was changed. */
    readonly nothingChanged: boolean,
  ) {
    super(failed.map((f) => f.error).join('; '));
    this.name = 'IssueFailure';
  }
}

export async function issueKits(o: IssueOptions): Promise<Issued[]> {
  const client = o.enrolIn ? await connect(o.enrolIn) : undefined;
  try {
    // Every agent is checked before any is enrolled: one disabled agent in a list must
    // not leave the others half done.
    const refused: { id: string; error: string }[] = [];
    for (const person of o.people) {
      const problem = kitDestinationProblem(o.outDir, person.id) ?? (client && o.enrolIn ? await enrolProblem(client, layoutFor(o.enrolIn.base), person.id) : undefined);
      if (problem) refused.push({ id: person.id, error: problem });
    }
    if (refused.length) throw new IssueFailure([], refused, true);
    const out: Issued[] = [];
    const failed: { id: string; error: string }[] = [];
    for (const person of o.people) {
      try {
        let credentials: KitCredentials | undefined;
        if (client && o.enrolIn) {
          const password = generatePassword();
          const totpSecret = newTotpSecret();
          await enrolPerson(client, layoutFor(o.enrolIn.base), person.id, { password, totpSecret });
          credentials = { password, otpauthUri: otpauthUri(totpSecret, o.org.domain, person.id), sipPassword: generatePassword(24) };
        }
        const kit: Kit = buildKit({ person, org: o.org, issued: o.issued, ...(credentials ? { credentials } : {}), ...(o.enrolIn ? { directoryBase: o.enrolIn.base } : {}) });
        const dir = writeKit(o.outDir, kit);
        out.push({ id: person.id, dir, agentDir: join(dir, AGENT_DIR), files: kit.files.length, enrolled: !!credentials, ...(credentials ? { password: credentials.password } : {}) });
      } catch (e) {
        failed.push({ id: person.id, error: e instanceof Error ? e.message : String(e) });
      }
    }
    if (failed.length) throw new IssueFailure(out, failed, false);
    return out;
  } finally {
    await closeQuietly(client);
  }
}
