// `outpost pki init | issue | revoke | crl | status`: the CA of the VPN gateways and the
// RADIUS server, so the kit's CA and the servers' certificates always match.
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, withInventory, withJson, type CommonFlags } from '../context.js';

interface PkiFlags extends CommonFlags {
  readonly pki: string;
  readonly dns?: string;
  readonly days?: string;
}

const withPki = (cmd: Command) =>
  withJson(withInventory(cmd)).option('--pki <dir>', 'the PKI folder (keys inside are 0600; keep it out of git)', process.env.OUTPOST_PKI ?? 'pki');

async function run<T>(fn: () => T): Promise<T> {
  const { PkiError } = await import('../../core/pki/index.js');
  try {
    return fn();
  } catch (e) {
    if (e instanceof PkiError) throw new UsageError(e.message);
    throw e;
  }
}

function days(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d{1,5}$/.test(v) || Number(v) < 1) throw new UsageError(`--days ${v} is not a number of days`);
  return Number(v);
}

async function inventory(dir: string) {
  const { loadInventory } = await import('../../core/inventory/index.js');
  const { platformCatalogue } = await import('../../core/render/index.js');
  return loadInventory(dir, { platforms: platformCatalogue() });
}

export function register(program: Command): void {
  const pki = program
    .command('pki')
    .description('the certificate authority of the VPN gateways and the RADIUS server: CA, server certificates, CRL, tls-crypt key')
    .addHelpText('after', '\nA first set-up:\n  outpost pki init\n  outpost pki issue              # every VPN gateway of org.yaml\n  outpost pki issue radius --dns radius.crisis.example.lu\n  outpost kit --site vac-esch    # the kits carry pki/ca.crt and the tls-crypt key');

  withPki(pki.command('init'))
    .description('create the CA, an empty CRL and the tls-crypt key (refuses a folder that already holds a CA)')
    .option('--days <n>', 'CA validity in days', '3650')
    .action(async (flags: PkiFlags) => {
      const out = outputFor(flags);
      const inv = await inventory(flags.inventory);
      const name = inv.ok ? `${inv.value.org.name.replace(/[^A-Za-z0-9 .,()'-]/g, '').slice(0, 50).trim()} VPN CA` : 'outpost VPN CA';
      const { initPki, pkiPaths } = await import('../../core/pki/index.js');
      const r = await run(() => initPki(pkiPaths(flags.pki), { caName: name, days: days(flags.days, 3650) }));
      if (flags.json) out.json({ ok: true, ca: r.caCert, fingerprint: r.fingerprint });
      out.result(`CA "${name}" created in ${flags.pki}/ (sha256 ${r.fingerprint}); private keys are in ${flags.pki}/private (0600)`);
    });

  withPki(pki.command('issue'))
    .description('sign a server certificate (a new key each time); with no name, one for every VPN gateway of org.yaml')
    .argument('[name]', 'host name, e.g. radius (default: every gateway)')
    .option('--dns <names>', 'comma-separated DNS names the certificate is valid for (default for gateways: their public name)')
    .option('--days <n>', 'validity in days', '825')
    .action(async (name: string | undefined, flags: PkiFlags) => {
      const out = outputFor(flags);
      const { issueServer, pkiPaths } = await import('../../core/pki/index.js');
      const p = pkiPaths(flags.pki);
      let wanted: { name: string; dns: string[] }[];
      if (name) {
        if (!flags.dns) {
          const inv = await inventory(flags.inventory);
          const gw = inv.ok ? inv.value.org.vpnGateways.find((g) => g.hostname === name) : undefined;
          if (!gw) throw new UsageError(`${name} is not a VPN gateway of org.yaml: pass --dns NAME[,NAME] for its certificate`);
          wanted = [{ name, dns: [gw.public] }];
        } else wanted = [{ name, dns: flags.dns.split(',').map((s) => s.trim()).filter(Boolean) }];
      } else {
        const inv = await inventory(flags.inventory);
        if (!inv.ok) throw new UsageError(`the inventory in ${flags.inventory} does not load: run outpost validate`);
        wanted = inv.value.org.vpnGateways.map((g) => ({ name: g.hostname, dns: [g.public] }));
      }
      const issued = await run(() => wanted.map((w) => issueServer(p, w.name, w.dns, days(flags.days, 825))));
      if (flags.json) out.json({ ok: true, issued });
      for (const c of issued) out.result(`issued ${c.name}: ${c.dns.join(', ')}, serial ${c.serial}, valid until ${c.notAfter.slice(0, 10)} (${c.cert}; key 0600)`);
    });

  withPki(pki.command('revoke'))
    .description('revoke the current certificate of a host and write a new CRL')
    .argument('<name>', 'host name, as issued')
    .action(async (name: string, flags: PkiFlags) => {
      const out = outputFor(flags);
      const { revoke, pkiPaths } = await import('../../core/pki/index.js');
      const r = await run(() => revoke(pkiPaths(flags.pki), name));
      if (flags.json) out.json({ ok: true, name, serial: r.serial });
      out.result(`revoked ${name} (serial ${r.serial}); push the new ${flags.pki}/crl.pem to the gateways`);
    });

  withPki(pki.command('crl'))
    .description('write a fresh CRL (gateways refuse everything once it is past its next update)')
    .option('--days <n>', 'days until the next update', '30')
    .action(async (flags: PkiFlags) => {
      const out = outputFor(flags);
      const { writeCrl, pkiPaths } = await import('../../core/pki/index.js');
      const file = await run(() => writeCrl(pkiPaths(flags.pki), days(flags.days, 30)));
      if (flags.json) out.json({ ok: true, crl: file });
      out.result(`CRL written to ${file}`);
    });

  withPki(pki.command('status'))
    .description('the CA and every certificate it signed, revoked or not')
    .action(async (flags: PkiFlags) => {
      const out = outputFor(flags);
      const { pkiStatus, pkiPaths } = await import('../../core/pki/index.js');
      const s = await run(() => pkiStatus(pkiPaths(flags.pki)));
      if (flags.json) out.json({ ok: true, ...s });
      out.result(`CA ${s.ca.subject} (sha256 ${s.ca.fingerprint}), valid until ${s.ca.notAfter}`);
      for (const c of s.certificates) out.result(`  ${c.revoked ? 'revoked' : 'valid  '}  ${c.serial}  ${c.subject}  until ${c.notAfter}`);
      process.exitCode = EXIT.OK;
    });
}
