// `outpost onboard`: a new agent in minutes. Adds the row to the site's people file,
// creates the directory entry and role membership, sets the first password, enrols
// TOTP and writes the kit. A wizard on a terminal; flags for scripts.
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, withInventory, withJson, report } from '../context.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { refuseTrackedSecrets } from '../secrets-guard.js';
import { connection, identity, interactive, readCas, today, withCa, withDirectory, withPolicy, type DirectoryFlags, type IdentityFlags } from '../identity.js';

interface Flags extends IdentityFlags, DirectoryFlags {
  readonly id?: string;
  readonly givenName?: string;
  readonly surname?: string;
  readonly mail?: string;
  readonly site?: string;
  readonly role?: string[];
  readonly endDate?: string;
  readonly laptopTag?: string;
  readonly laptopMac?: string;
  readonly extension?: string;
  readonly out: string;
  readonly showPassword?: boolean;
  readonly vpnCa?: string;
  readonly wifiCa?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function register(program: Command): void {
  const cmd = program
    .command('onboard')
    .description('onboard an agent: people file, directory entry and roles, first password, TOTP, kit')
    .option('--id <login>', 'login, e.g. marie.schmit')
    .option('--given-name <name>', 'given name')
    .option('--surname <name>', 'surname')
    .option('--mail <address>', 'mail address (default: <id>@<org domain>)')
    .option('--site <code>', 'site code, e.g. trc-findel')
    .option('--role <role>', 'role from the access policy (repeat or comma-separate)', collect)
    .option('--end-date <date>', 'last working day of temporary staff, YYYY-MM-DD')
    .option('--laptop-tag <tag>', 'asset tag of the laptop handed out')
    .option('--laptop-mac <mac>', 'MAC address of that laptop')
    .option('--extension <n>', 'phone extension')
    .option('-o, --out <dir>', 'where kits are written (one folder per agent)', 'kits')
    .option('--show-password', 'print the first password once on stdout (it is always in the kit, 0600)')
    .addHelpText(
      'after',
      '\nOn a terminal, missing values are asked for. Without one (scripts, CI) a missing value\n' +
        'is an error (exit 2) that names the flag to pass.\n\n' +
        'Example:\n  outpost onboard --id lea.klein --given-name Lea --surname Klein --site vac-lux \\\n' +
        '    --role vaccination-staff --end-date 2027-06-30 --extension 3101 --vpn-ca ca.crt',
    );
  withJson(withCa(withDirectory(withPolicy(withInventory(cmd))))).action(async (flags: Flags) => {
    const out = outputFor(flags);
    const ctx = await identity(flags, out);
    if (!ctx) return;
    const cas = await readCas(flags);
    const answers = await ask(flags, ctx.inventory.sites.map((s) => ({ code: s.code, name: s.name })), ctx.roles, ctx.inventory.org.domain);

    const { readFileSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { parsePeople, peopleDir, personRow, appendPerson, CSV_COLUMNS } = await import('../../core/people/index.js');
    const { personDN, desiredState, syncDirectory, describeChange } = await import('../../core/directory/index.js');
    const { kitOrg, issueKits } = await import('../../core/kit/index.js');

    // Validate the new row together with every existing one (duplicate ids, extensions,
    // MACs) exactly as the next `directory apply` will read it.
    const dir = peopleDir(flags.inventory);
    const file = join(dir, `${answers.site}.csv`);
    const row = personRow(answers);
    const files = ctx.people.files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') }));
    const own = files.find((f) => f.file === file);
    const withNew = own ? files.map((f) => (f === own ? { file, text: `${f.text}${f.text.endsWith('\n') ? '' : '\n'}${row}\n` } : f)) : [...files, { file, text: `${CSV_COLUMNS.join(',')}\n${row}\n` }];
    const checked = parsePeople(withNew, { roles: new Set(ctx.roles), sites: new Set(ctx.inventory.sites.map((s) => s.code)) });
    const day = today(flags.today);
    if (!checked.ok) {
      const text = withNew.find((f) => f.file === file)!.text;
      const newLine = text.trimEnd().split('\n').length;
      process.exitCode = report(out, checked.diagnostics.map((d) => onFlags(d, file, newLine)), !!flags.json);
      return;
    }
    if (answers.endDate && answers.endDate < day) throw new UsageError(`--end-date ${answers.endDate} has already passed`);
    const person = checked.value.people.find((p) => p.id === answers.id)!;

    refuseTrackedSecrets(flags.out, '--out');
    const settings = await connection(flags, ctx);
    if (!existsSync(dir)) throw new UsageError(`no people folder at ${dir}`);
    appendPerson(dir, answers);
    out.info(`added ${person.id} to ${file}`);
    const desired = desiredState(settings.base, checked.value.people, ctx.roles, day);
    // From here the row is in the people file: on failure, say how to finish rather than
    // leave the helpdesk to re-run onboard (which would now find a duplicate id).
    const finish = `${person.id} is in ${file}; finish with \`outpost directory apply\` then \`outpost kit ${person.id} --enrol\``;
    let issued;
    try {
      const sync = await syncDirectory(settings, desired, { only: [person.id] });
      for (const c of sync.plan.changes) out.info(describeChange(c));
      if (sync.failed.length) {
        for (const f of sync.failed) out.error(f.error ?? 'failed');
        out.error(finish);
        process.exitCode = EXIT.FINDINGS;
        return;
      }
      [issued] = await issueKits({ people: [person], org: kitOrg(ctx.inventory, cas.vpn, cas.wifi, ctx.pools, cas.tlsCrypt), outDir: flags.out, issued: day, enrolIn: settings });
    } catch (e) {
      out.error(`${e instanceof Error ? e.message : String(e)}`);
      out.error(finish);
      process.exitCode = EXIT.FINDINGS;
      return;
    }
    if (!issued) return;
    if (flags.json) {
      out.json({ ok: true, id: person.id, dn: personDN(desired.layout, person.id), file, kit: issued.dir, agentKit: issued.agentDir, files: issued.files, enrolled: issued.enrolled, ...(flags.showPassword ? { password: issued.password } : {}) });
      return;
    }
    out.result(`onboarded ${person.id} (${person.roles.join(', ')}) at ${person.site}: kit in ${issued.dir}/ (${issued.files} files; hand over ${issued.agentDir}/)`);
    if (flags.showPassword) out.result(`first password (shown once): ${issued.password}`);
    else out.result(`first password: ${issued.agentDir}/credentials/initial-password.txt (0600); print ${issued.agentDir}/onboarding-sheet.html for the agent`);
  });
}

// The people file's fields and the flags that fill them in.
const FLAG_OF: Record<string, string> = {
  id: '--id',
  givenName: '--given-name',
  surname: '--surname',
  mail: '--mail',
  site: '--site',
  roles: '--role',
  endDate: '--end-date',
  'laptop.tag': '--laptop-tag',
  'laptop.mac': '--laptop-mac',
  extension: '--extension',
};

/**
 * A problem with the row onboard is about to add lies in what the user typed, not in a
 * line of the people file they never wrote: it names the flag instead (and is a usage
 * error, exit 2). Problems elsewhere keep their file:line:col.
 */
function onFlags(d: Diagnostic, file: string, newLine: number): Diagnostic {
  if (d.file !== file || d.line !== newLine) return d;
  const { file: _f, line: _l, col: _c, ...rest } = d;
  return { ...rest, path: FLAG_OF[d.path ?? ''] ?? '--id' };
}

interface Answers {
  readonly id: string;
  readonly givenName: string;
  readonly surname: string;
  readonly mail: string;
  readonly site: string;
  readonly roles: string[];
  readonly endDate?: string;
  readonly laptop?: { readonly tag: string; readonly mac?: string };
  readonly extension?: string;
}

/** Flags first; on a terminal the wizard asks for the rest; otherwise name what is missing. */
async function ask(f: Flags, sites: { code: string; name: string }[], roles: readonly string[], domain: string): Promise<Answers> {
  const required: [keyof Flags, string][] = [
    ['id', '--id'],
    ['givenName', '--given-name'],
    ['surname', '--surname'],
    ['site', '--site'],
    ['role', '--role'],
  ];
  const tty = interactive();
  if (!tty) {
    const missing = required.filter(([k]) => f[k] === undefined || (Array.isArray(f[k]) && !(f[k] as string[]).length)).map(([, flag]) => flag);
    if (missing.length) throw new UsageError(`missing ${missing.join(', ')} (no terminal to ask on: pass them as flags)`);
  }
  const p = tty ? await import('@inquirer/prompts') : undefined;
  const text = async (v: string | undefined, message: string, optional = false): Promise<string | undefined> => {
    if (v !== undefined || !p) return v;
    const a = (await p.input({ message, ...(optional ? {} : { required: true }) })).trim();
    return a === '' ? undefined : a;
  };
  const id = (await text(f.id, 'Login (e.g. marie.schmit)'))!;
  const givenName = (await text(f.givenName, 'Given name'))!;
  const surname = (await text(f.surname, 'Surname'))!;
  const mail = f.mail ?? (p ? ((await text(undefined, `Mail (empty for ${id}@${domain})`, true)) ?? `${id}@${domain}`) : `${id}@${domain}`);
  const site = f.site ?? (await p!.select({ message: 'Site', choices: sites.map((s) => ({ value: s.code, name: `${s.code}  ${s.name}` })) }));
  const chosen = f.role?.length ? f.role : await p!.checkbox({ message: 'Role(s)', choices: roles.map((r) => ({ value: r, name: r })), required: true });
  const endDate = await text(f.endDate, 'Last working day for temporary staff (YYYY-MM-DD, empty if permanent)', true);
  const tag = await text(f.laptopTag, 'Laptop asset tag (empty if none)', true);
  const mac = tag ? await text(f.laptopMac, 'Laptop MAC address (empty if unknown)', true) : f.laptopMac;
  if (mac && !tag) throw new UsageError('--laptop-mac needs --laptop-tag');
  const extension = await text(f.extension, 'Phone extension (empty if none)', true);
  return {
    id,
    givenName,
    surname,
    mail,
    site,
    roles: [...new Set(chosen)].sort(),
    ...(endDate ? { endDate } : {}),
    ...(tag ? { laptop: { tag, ...(mac ? { mac: mac.toLowerCase().replace(/-/g, ':') } : {}) } } : {}),
    ...(extension ? { extension } : {}),
  };
}
