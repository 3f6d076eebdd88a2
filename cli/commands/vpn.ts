// `outpost vpn gatekeeper`: runs on the VPN gateway beside OpenVPN, as the client of its
// management interface, and decides every agent's login and address.
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.js';

interface GatekeeperFlags {
  readonly config: string;
}

export function register(program: Command): void {
  const vpn = program.command('vpn').description('the VPN gateway side of outpost (runs on the gateway)');
  vpn
    .command('gatekeeper')
    .description("decide every agent's login (password + TOTP code, checked by the directory), lease an address from the role's pool, end the sessions of offboarded agents")
    .requiredOption('-c, --config <file>', 'gatekeeper.json, as `outpost render` wrote it beside openvpn.conf')
    .addHelpText(
      'after',
      '\nRuns until stopped; one log line per decision on stdout (never a password).\n' +
        'Relative paths in the file (management socket, directory password file) are relative to its folder.\n\n' +
        'Example (on the gateway, in /etc/openvpn/outpost/vpn-gw1):\n  openvpn --cd . --config openvpn.conf &\n  outpost vpn gatekeeper --config gatekeeper.json',
    )
    .action(async (flags: GatekeeperFlags) => {
      const { loadGatekeeperConfig } = await import('../../core/vpn/settings.js');
      const { startGatekeeper } = await import('../../core/vpn/index.js');
      const loaded = loadGatekeeperConfig(flags.config);
      if (!loaded.ok) throw new UsageError(loaded.message);
      const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
      const gk = startGatekeeper(loaded.config, log);
      const stop = () => {
        gk.stop();
        process.exit(0);
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      try {
        await gk.ready;
      } catch (e) {
        log(`gatekeeper failed: ${(e as Error).message}`);
        gk.stop();
        process.exitCode = 2;
        return;
      }
      // Runs until a signal or until OpenVPN goes away; a supervisor (systemd Restart=always)
      // starts it again with the gateway.
      await gk.closed;
      gk.stop();
      process.exitCode = 1;
    });
}
