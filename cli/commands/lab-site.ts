// `outpost lab up | test | down`: the twin of a site, proven with packets.
import { Option, type Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, report, withInventory, withJson, type CommonFlags } from '../context.js';
import { labCommand } from './lab.js';

interface LabFlags extends CommonFlags {
  readonly site?: string;
  readonly policy?: string;
  readonly today?: string;
  /** The old name of --today, kept hidden so scripts keep working. */
  readonly date?: string;
  readonly stateDir: string;
  readonly all?: boolean;
  readonly pki?: string;
  /** Names the twin's namespaces (default: the site code); tests give each run its own. */
  readonly labTag?: string;
}

async function load(flags: LabFlags) {
  if (process.getuid?.() !== 0) throw new UsageError('the lab builds network namespaces: run it as root');
  if (!flags.site) throw new UsageError('which site? pass --site CODE (e.g. vac-esch)');
  const { loadInventory } = await import('../../core/inventory/index.js');
  const policy = await import('../../core/policy/index.js');
  const { platformCatalogue } = await import('../../core/render/index.js');
  const inv = loadInventory(flags.inventory, { platforms: platformCatalogue() });
  if (!inv.ok) return { diagnostics: inv.diagnostics };
  const loaded = policy.loadPolicy(flags.policy ?? policy.policyFileFor(flags.inventory), inv.value);
  if (!loaded.ok) return { diagnostics: [...inv.diagnostics, ...loaded.diagnostics] };
  if (!inv.value.sites.some((s) => s.code === flags.site)) throw new UsageError(`no site ${flags.site} in ${flags.inventory}`);
  return { diagnostics: loaded.diagnostics, inv: inv.value, policy: loaded.value, date: flags.today ?? flags.date ?? policy.today(), site: flags.site };
}

/** The PKI (outpost pki init) and the lab directory (outpost lab directory up), when both exist. */
async function serverInputs(flags: LabFlags) {
  const { existsSync } = await import('node:fs');
  const { pkiPaths } = await import('../../core/pki/index.js');
  const { directoryLabStatus } = await import('../../core/lab/directory.js');
  const { LAB_DIRECTORY_STATE } = await import('../identity.js');
  const pki = pkiPaths(flags.pki ?? process.env.OUTPOST_PKI ?? 'pki');
  if (!existsSync(pki.caCert)) return { why: `no PKI in ${pki.dir} (run outpost pki init)` };
  const directory = directoryLabStatus(LAB_DIRECTORY_STATE);
  if (!directory) return { why: 'no lab directory running (run outpost lab directory up)' };
  return { inputs: { pki, directory, outpost: [process.execPath, process.argv[1]!] } };
}

const common = (cmd: Command) =>
  withJson(withInventory(cmd))
    .option('-s, --site <code>', 'the site')
    .option('-p, --policy <file>', 'access policy (default: policies/access.yaml beside the inventory)')
    .option('--today <YYYY-MM-DD>', 'evaluate rule expiry as of this day (default: today)')
    .addOption(new Option('--date <YYYY-MM-DD>').hideHelp())
    .option('--state-dir <dir>', 'where the lab keeps its state', '.outpost')
    .option('--pki <dir>', 'the PKI whose CA the lab gateway and RADIUS server use (default: pki, or OUTPOST_PKI)');

/** What the engineer can practise on, with the command lines to paste. */
function practiceText(p: import('../../core/lab/index.js').PracticeGround): string {
  if (!p.devices.length) return 'no Linux device (nftables, hostapd) to practise push on at this site';
  return [
    `${p.devices.length} device(s) answer SSH: ${p.devices.map((d) => `${d.hostname} ${d.address}`).join(', ')}`,
    'practise with:',
    `  ${p.commands.push}`,
    `  ${p.commands.drift}`,
    `  ${p.commands.audit}`,
  ].join('\n');
}

export function register(program: Command): void {
  const lab = labCommand(program);
  common(lab.command('up'))
    .addOption(new Option('--lab-tag <tag>').hideHelp())
    .description("build the site's twin: its firewall running the rendered nftables ruleset, a host per zone, the state network with every service, and the VPN gateway running its compiled ruleset in front of one agent per role (root)")
    .addHelpText(
      'after',
      '\nThe nftables firewall and the hostapd APs of the twin answer SSH: lab up writes endpoints.yaml, known_hosts,\n' +
        'an SSH key, a secrets folder and a flags file into <state-dir>/lab/<site>/ and prints the push, drift and\n' +
        'audit --against running lines to practise with (docs/new-site.md). Daemons log to that folder.\n\n' +
        'Examples:\n  sudo outpost lab up --site vac-esch && sudo outpost lab test --site vac-esch && sudo outpost lab down --site vac-esch\n' +
        '  sudo outpost push $(cat .outpost/lab/vac-esch/flags)',
    )
    .action(async (flags: LabFlags) => {
      const out = outputFor(flags);
      const ctx = await load(flags);
      if (!ctx.inv) return void (process.exitCode = report(out, ctx.diagnostics, !!flags.json));
      const { practiceUp } = await import('../../core/lab/index.js');
      const servers = await serverInputs(flags);
      out.info(`building the twin of ${ctx.site}${servers.inputs ? ' with the VPN gateway, RADIUS server and PBX' : ''}...`);
      if (!servers.inputs) out.info(`state servers not started: ${servers.why}`);
      const { twin, probes, practice, servers: running } = await practiceUp(ctx.inv, ctx.policy, ctx.site, ctx.date, flags.stateDir, flags.inventory, flags.labTag ?? ctx.site, servers.inputs);
      if (flags.json) out.json({ ok: true, site: ctx.site, namespaces: [twin.firewall, twin.upstream, ...[...twin.zones.values()].map((z) => z.ns), ...(running?.namespaces ?? [])], probes, practice, servers: running ? { gateway: `${running.gateway.address}:${running.gateway.port}`, observed: running.observed } : null });
      out.result(`lab ${ctx.site} is up: firewall ${twin.firewall}, ${twin.zones.size} zone hosts, state network ${twin.upstream}; ${probes} probes ready (outpost lab test --site ${ctx.site})`);
      out.result(practiceText(practice));
      if (running) out.result(`VPN gateway at ${running.gateway.address}:${running.gateway.port} (agents connect with their kit: openvpn --config <kit>/agent/vpn/<id>.ovpn --remote ${running.gateway.address} ${running.gateway.port} udp4); RADIUS and PBX on their service addresses (subscribers: outpost pbx apply --db ${flags.stateDir}/lab/${ctx.site}/servers/pbx/subscribers.db)`);
    });
  common(lab.command('test'))
    .description('prove the compiled policy with real packets in the twin: every policy test of the site and every zone to every service; exit 1 on any mismatch')
    .addHelpText('after', '\nLoads the policy as compiled now into the running twin, so an edited policy is proven without a new lab up.\n\nExamples:\n  sudo outpost lab test --site vac-esch\n  sudo outpost lab test --site vac-esch --policy /tmp/access-proposed.yaml --json')
    .action(async (flags: LabFlags) => {
      const out = outputFor(flags);
      const ctx = await load(flags);
      if (!ctx.inv) return void (process.exitCode = report(out, ctx.diagnostics, !!flags.json));
      const { labTest } = await import('../../core/lab/index.js');
      let r;
      try {
        r = await labTest(ctx.inv, ctx.policy, ctx.site, ctx.date, flags.stateDir);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const bad = r.results.filter((x) => !x.ok);
      for (const x of r.results) {
        const expected = x.expect === undefined ? (x.analysis ? 'allow' : 'deny') : x.expect ? 'allow' : 'deny';
        out.result(`${x.ok ? 'ok  ' : 'FAIL'}  ${x.name}  expected ${expected} (analysis: ${x.analysis ? 'allow' : 'deny'} by ${x.rule}), observed ${x.observed ? 'allow' : 'deny'}`);
      }
      out.result(`${r.results.length - bad.length} passed, ${bad.length} failed`);
      if (flags.json) out.json({ ok: r.ok, site: r.site, passed: r.results.length - bad.length, failed: bad.length, probes: r.results });
      process.exitCode = r.ok ? EXIT.OK : EXIT.FINDINGS;
    });
  withJson(lab.command('down'))
    .description('remove the twin of a site (or every lab twin with --all), also after a crash')
    .option('-s, --site <code>', 'the site')
    .option('--all', 'every namespace outpost lab made')
    .option('--state-dir <dir>', 'where the lab keeps its state', '.outpost')
    .addHelpText('after', '\nRemoves every namespace, process, link and lab file of the twin, found by name, even after a crash.\n\nExamples:\n  sudo outpost lab down --site vac-esch\n  sudo outpost lab down --all')
    .action(async (flags: LabFlags) => {
      if (process.getuid?.() !== 0) throw new UsageError('the lab builds network namespaces: run it as root');
      const out = outputFor(flags);
      const lab = await import('../../core/lab/index.js');
      if (!flags.site && !flags.all) throw new UsageError('pass --site CODE or --all');
      const removed = flags.site ? lab.labDown(flags.stateDir, flags.site) : lab.removeAllTwins();
      if (flags.json) out.json({ ok: true, removed });
      out.result(`removed ${removed.length} namespace(s)`);
    });
}
