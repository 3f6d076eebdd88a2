// `outpost kit <id...>`: build the agents' kits (VPN, laptop and phone profiles, sheet,
// manifest). With --enrol, new credentials are set in the directory and put in the kit.
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, withInventory, withJson } from '../context.js';
import { closest, unknownName } from '../../core/names.js';
import { refuseTrackedSecrets } from '../secrets-guard.js';
import { connection, identity, readCas, today, withCa, withDirectory, withPolicy, type DirectoryFlags, type IdentityFlags } from '../identity.js';

interface Flags extends IdentityFlags, DirectoryFlags {
  readonly out: string;
  readonly site?: string;
  readonly enrol?: boolean;
  readonly vpnCa?: string;
  readonly wifiCa?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('kit')
    .description("build agents' kits: .ovpn, NetworkManager, Windows and Apple profiles, softphone profiles, onboarding sheet, sha256 manifest")
    .argument('[id...]', 'logins of the agents')
    .option('-o, --out <dir>', 'output folder (one sub-folder per agent)', 'kits')
    .option('-s, --site <code>', 'every agent of this site')
    .option('--enrol', 'set a new first password and TOTP secret in the directory and put them in the kit')
    .addHelpText(
      'after',
      '\nWithout --enrol the kit holds no secret: profiles ask for the password when used.\n' +
        'Each kit has agent/ (hand it to the agent) and admin/ (the PBX subscriber row, for `outpost pbx apply`).\n' +
        'Files holding secrets are written 0600, the rest 0644; manifest.json lists the sha256 of each.\n\n' +
        'Examples:\n  outpost kit marie.schmit --vpn-ca ca.crt\n  outpost kit --site trc-findel --out /srv/kits --vpn-ca ca.crt',
    );
  withJson(withCa(withDirectory(withPolicy(withInventory(cmd))))).action(async (ids: string[], flags: Flags) => {
    const out = outputFor(flags);
    if (!ids.length && !flags.site) throw new UsageError('name the agents (outpost kit <id...>) or a site (--site CODE)');
    const ctx = await identity(flags, out);
    if (!ctx) return;
    const byId = new Map(ctx.people.people.map((p) => [p.id, p]));
    const unknown = ids.filter((i) => !byId.has(i));
    // Names typed on the command line that do not exist are usage errors (exit 2), checked before anything else.
    if (unknown.length) throw new UsageError(`not in the people files: ${unknown.map((i) => closest(i, byId.keys()) ? `${i} (did you mean ${closest(i, byId.keys())}?)` : i).join(', ')}`);
    const sites = ctx.inventory.sites.map((s) => s.code);
    if (flags.site && !sites.includes(flags.site)) throw new UsageError(`--site: ${unknownName('site', flags.site, sites)}`);
    const cas = await readCas(flags);
    const day = today(flags.today);
    const wanted = [...new Set([...ids.map((i) => byId.get(i)!), ...ctx.people.people.filter((p) => p.site === flags.site)])];
    // An agent whose contract has ended has a locked account: a kit for them opens nothing
    // and hands out profiles nobody should hold.
    const { isExpired } = await import('../../core/people/index.js');
    // Agents named on the command line are what the helpdesk asked for: an ended one is
    // refused below with the others untouched; a site's ended agents are skipped.
    const named = new Set(ids);
    const ended = wanted.filter((p) => !named.has(p.id) && isExpired(p, day));
    const people = wanted.filter((p) => named.has(p.id) || !isExpired(p, day));
    for (const p of ended) out.warn(`${p.id}: contract ended on ${p.endDate}; no kit (extend end_date in the people file to issue one)`);
    const { kitOrg, issueKits, IssueFailure } = await import('../../core/kit/index.js');
    // Only an enrolling kit holds secrets (the first password and the TOTP seed).
    if (flags.enrol) refuseTrackedSecrets(flags.out, '--out');
    const settings = flags.enrol ? await connection(flags, ctx) : undefined;
    const started = performance.now();
    let issued;
    try {
      issued = await issueKits({ people, org: kitOrg(ctx.inventory, cas.vpn, cas.wifi, ctx.pools, cas.tlsCrypt), outDir: flags.out, issued: day, ...(settings ? { enrolIn: settings } : {}) });
    } catch (e) {
      if (!(e instanceof IssueFailure)) throw e;
      // Say per agent what was done and what was not, so the helpdesk knows where it stands.
      if (flags.json) out.json({ ok: false, out: flags.out, kits: e.done.map(({ password, ...k }) => k), failed: e.failed, nothingChanged: e.nothingChanged });
      else {
        for (const k of e.done) out.result(`${k.id}: done, ${k.dir}/ (${k.files} files${k.enrolled ? ', enrolled' : ''})`);
        for (const f of e.failed) out.error(`${f.id}: not done: ${f.error}`);
        if (e.nothingChanged) out.error(`nothing was changed for any of the ${people.length} agent(s): fix the above and run kit again`);
      }
      process.exitCode = EXIT.FINDINGS;
      return;
    }
    const ms = Math.round(performance.now() - started);
    if (flags.json) out.json({ ok: true, out: flags.out, kits: issued.map(({ password, ...k }) => k), skipped: ended.map((p) => ({ id: p.id, endDate: p.endDate })), ms });
    else {
      if (issued.length <= 20) for (const k of issued) out.info(`${k.id}: ${k.dir}/ (${k.files} files${k.enrolled ? ', enrolled' : ''}; hand over ${k.agentDir}/)`);
      out.result(`wrote ${issued.length} kit(s) to ${flags.out}/ in ${ms} ms${ended.length ? ` (${ended.length} agent(s) past their end date skipped)` : ''}`);
    }
  });
}
