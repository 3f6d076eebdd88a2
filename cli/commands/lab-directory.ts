// `outpost lab directory up|down|status`: a real OpenLDAP server on loopback, configured
// for outpost (memberOf role groups, password policy, TOTP via the otp overlay).
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, withJson } from '../context.js';
import { LAB_DIRECTORY_STATE } from '../identity.js';
import { labCommand } from './lab.js';

interface UpFlags {
  readonly inventory: string;
  readonly port?: string;
  readonly baseDn?: string;
  readonly state: string;
  readonly json?: boolean;
}

export function register(program: Command): void {
  const dir = labCommand(program).command('directory').description('a local OpenLDAP directory configured for outpost (the default directory for trying outpost)');

  withJson(
    dir
      .command('up')
      .description('start slapd on 127.0.0.1 and print the shell exports that point outpost at it')
      .option('-i, --inventory <dir>', 'inventory whose domain names the base DN', 'inventory')
      .option('--base-dn <dn>', 'base DN (default: from the inventory domain, e.g. dc=crisis,dc=example,dc=lu)')
      .option('--port <port>', 'TCP port on 127.0.0.1 (default: a free one)')
      .option('--state <dir>', 'where the server keeps config, data and the admin password', LAB_DIRECTORY_STATE)
      .addHelpText('after', '\nExample:\n  eval "$(outpost lab directory up)"\n  outpost directory apply'),
  ).action(async (flags: UpFlags) => {
    const out = outputFor(flags);
    const { startDirectoryLab, shellExports, suffixFromDomain, directoryLabStatus } = await import('../../core/lab/directory.js');
    let base = flags.baseDn;
    if (!base) {
      const { loadInventory } = await import('../../core/inventory/index.js');
      const inv = loadInventory(flags.inventory);
      if (!inv.ok) throw new UsageError(`cannot read the inventory in ${flags.inventory} for the base DN: pass --base-dn or --inventory`);
      base = suffixFromDomain(inv.value.org.domain);
    }
    const port = flags.port === undefined ? undefined : Number(flags.port);
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new UsageError(`--port ${flags.port}: expected a TCP port`);
    const was = directoryLabStatus(flags.state);
    let lab;
    try {
      lab = await startDirectoryLab({ stateDir: flags.state, suffix: base, ...(port ? { port } : {}) });
    } catch (e) {
      throw new UsageError(`${(e as Error).message} (is slapd installed? run scripts/setup-system.sh)`);
    }
    out.info(was ? `directory already running (pid ${lab.pid}) at ${lab.url}` : `directory up at ${lab.url} (pid ${lab.pid}), base ${lab.suffix}`);
    if (flags.json) out.json({ ok: true, url: lab.url, bindDN: lab.bindDN, passwordFile: lab.passwordFile, baseDN: lab.suffix, pid: lab.pid });
    else out.result(shellExports(lab));
  });

  withJson(
    dir
      .command('down')
      .description('stop the lab directory and remove its data')
      .option('--keep', 'keep the data (start again with the same people)')
      .option('--state <dir>', 'state folder of the lab directory', LAB_DIRECTORY_STATE)
      .addHelpText('after', '\nExamples:\n  outpost lab directory down\n  outpost lab directory down --keep   # start again later with the same people'),
  ).action(async (flags: { keep?: boolean; state: string; json?: boolean }) => {
    const out = outputFor(flags);
    const { stopDirectoryLab } = await import('../../core/lab/directory.js');
    const was = await stopDirectoryLab(flags.state, { wipe: !flags.keep });
    if (flags.json) out.json({ ok: true, stopped: was });
    else out.result(was ? 'directory stopped' : 'no lab directory was running');
    process.exitCode = EXIT.OK;
  });

  withJson(
    dir
      .command('status')
      .description('is the lab directory running, and where')
      .option('--state <dir>', 'state folder of the lab directory', LAB_DIRECTORY_STATE)
      .addHelpText('after', '\nPrints the shell exports of a running lab directory, as `up` does.\n\nExamples:\n  outpost lab directory status\n  eval "$(outpost lab directory status | tail -n +2)"'),
  ).action(async (flags: { state: string; json?: boolean }) => {
    const out = outputFor(flags);
    const { directoryLabStatus, shellExports } = await import('../../core/lab/directory.js');
    const lab = directoryLabStatus(flags.state);
    if (flags.json) out.json({ ok: true, running: !!lab, ...(lab ?? {}) });
    else out.result(lab ? `running (pid ${lab.pid})\n${shellExports(lab)}` : 'not running');
  });
}
