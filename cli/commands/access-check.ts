// `outpost access check`: may this source reach that destination, and which rule decides
// at each enforcement point on the way? Sources and destinations are policy names
// (role:, zone:, service:, net:, any) or plain addresses; a destination may carry its
// port (`10.20.1.10:443/tcp`). Unknown names are usage errors (exit 2).
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { outputFor, report, withInventory, withJson } from '../context.js';
import { error, type Diagnostic } from '../../core/diagnostics.js';
import { unknownName } from '../../core/names.js';
import type { PortRange } from '../../core/inventory/index.js';
import type { AccessPolicy, Endpoint, Enforcement } from '../../core/policy/index.js';
import type { PolicyFlags } from './policy-analysis.js';

interface CheckFlags extends PolicyFlags {
  readonly from: string;
  readonly to: string;
  readonly port?: string;
  readonly site?: string;
}

type Context = (flags: PolicyFlags) => Promise<{ diagnostics: readonly Diagnostic[]; policy?: AccessPolicy; enf?: Enforcement; lib?: typeof import('../../core/policy/index.js') }>;

const IP = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const NAMED = /^(any|(role|zone|service):[a-z][a-z0-9-]{0,30}|net:\d{1,3}(\.\d{1,3}){3}\/\d{1,2})$/;
const PORT = /^(\d{1,5})\/(tcp|udp)$|^icmp$/;

type Side = { readonly ip: string } | { readonly endpoint: Endpoint };

function validIp(s: string): boolean {
  const m = IP.exec(s);
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

function parsePort(s: string, flag: string): PortRange | 'icmp' {
  const m = PORT.exec(s);
  if (!m) throw new UsageError(`${flag} takes a port such as 443/tcp, 53/udp or icmp, not ${s}`);
  if (s === 'icmp') return 'icmp';
  const n = Number(m[1]);
  if (n < 1 || n > 65535) throw new UsageError(`${flag}: ports run from 1 to 65535, not ${n}`);
  return { proto: m[2] as 'tcp' | 'udp', from: n, to: n };
}

/** `--from`/`--to` value: an address, or a policy name that must exist. */
/** A name on the command line that does not exist: a usage error, reported as a diagnostic. */
class UnknownName extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

function parseSide(value: string, flag: string, enf: Enforcement, lib: typeof import('../../core/policy/index.js')): Side {
  if (validIp(value)) return { ip: value };
  if (!NAMED.test(value)) throw new UsageError(`${flag} takes an address (10.64.16.7), net:<cidr>, role:<name>, zone:<name>, service:<name> or any, not ${value}`);
  const e = lib.parseEndpoint(value);
  if (e.kind === 'net' && (!validIp(e.cidr.split('/')[0]!) || Number(e.cidr.split('/')[1]) > 32)) throw new UsageError(`${flag}: ${e.cidr} is not a network`);
  if (e.kind === 'role' || e.kind === 'zone' || e.kind === 'service') {
    const names = e.kind === 'role' ? [...enf.pools.keys()] : e.kind === 'zone' ? enf.inventory.org.zones.map((z) => z.name) : enf.inventory.org.services.map((s) => s.name);
    if (!names.includes(e.name)) throw new UnknownName(error(`unknown-${e.kind}`, unknownName(e.kind, e.name, names), { path: flag }));
  }
  return { endpoint: e };
}

export function registerCheck(access: Command, context: Context, withPolicy: (c: Command) => Command): void {
  withJson(withInventory(withPolicy(access.command('check'))))
    .description('is a flow allowed, and which policy rule (file:line) decides it at each firewall on its path')
    .requiredOption('--from <source>', 'an address, net:<cidr>, role:<name>, zone:<name> or any')
    .requiredOption('--to <destination>', 'an address (optionally ADDRESS:PORT/PROTO), net:<cidr>, service:<name>, zone:<name> or any')
    .option('--port <port>', "e.g. 443/tcp or icmp (default: the service's first port, else 443/tcp)")
    .option('-s, --site <code>', 'the site, when a zone is named')
    .addHelpText(
      'after',
      '\nEach address is located (zone of a site, role pool, VPN range, beyond every site) and the flow is decided at every\n' +
        'firewall on its path: the VPN gateway, the firewall of the site it leaves, of the site it enters.\n' +
        'Exit 0 when allowed, 1 when denied, 2 on bad usage (an unknown role, zone or service).\n\nExamples:\n' +
        '  outpost access check --from role:tracing-agent --to service:tracing-app\n' +
        '  outpost access check --from zone:guest --to zone:staff --port 445/tcp --site vac-esch\n' +
        '  outpost access check --from 10.64.16.7 --to 10.20.1.10:443/tcp',
    )
    .action(async (flags: CheckFlags) => {
      const out = outputFor(flags);
      const ctx = await context(flags);
      if (!ctx.enf || !ctx.lib) return void (process.exitCode = report(out, ctx.diagnostics, !!flags.json));
      const { enf, lib } = ctx;
      // A destination address may carry its port: 10.20.1.10:443/tcp.
      const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(.+)$/.exec(flags.to);
      const toValue = m ? m[1]! : flags.to;
      if (m && flags.port) throw new UsageError('give the port either in --to ADDRESS:PORT/PROTO or with --port, not both');
      const portText = m ? m[2]! : flags.port;
      const unknown: Diagnostic[] = [];
      const side = (value: string, flag: string): Side | undefined => {
        try {
          return parseSide(value, flag, enf, lib);
        } catch (e) {
          if (!(e instanceof UnknownName)) throw e;
          unknown.push(e.diagnostic);
          return undefined;
        }
      };
      const fromSide = side(flags.from, '--from');
      const toSide = side(toValue, '--to');
      if (unknown.length || !fromSide || !toSide) {
        report(out, unknown, !!flags.json);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const from = fromSide;
      const to = toSide;
      const zoned = [from, to].some((x) => 'endpoint' in x && x.endpoint.kind === 'zone');
      if (zoned && !flags.site) throw new UsageError('a zone lives at a site: pass --site CODE');
      const site = flags.site ? enf.sites.find((s) => s.code === flags.site) : undefined;
      if (flags.site && !site) throw new UsageError(`unknown site ${flags.site} (known: ${enf.sites.map((s) => s.code).join(', ')})`);
      const ip = (x: Side) => ('ip' in x ? x.ip : lib.address(x.endpoint, enf, site).ip);
      const port = portText ? parsePort(portText, m ? '--to' : '--port') : ('endpoint' in to ? lib.defaultPort(to.endpoint, enf.inventory) : undefined) ?? { proto: 'tcp' as const, from: 443, to: 443 };
      const answer = lib.checkAddresses(enf, ip(from), ip(to), port);
      const hops = answer.hops.map((h) => ({
        at: h.at,
        allowed: h.allowed,
        rule: h.rule ? { id: h.rule.id, policy: h.rule.origin ? `${h.rule.origin.file}:${h.rule.origin.line}` : null, comment: h.rule.comment } : null,
        decidedBy: h.rule ? `rule ${h.rule.origin?.rule ?? h.rule.id}` : 'no rule: default deny',
      }));
      const p = answer.packet;
      const flow = `${p.proto}${p.port ? `/${p.port}` : ''}`;
      if (flags.json) {
        out.json({ allowed: answer.allowed, from: flags.from, to: flags.to, packet: p, source: answer.from, destination: answer.to, hops });
      }
      out.result(`${answer.allowed ? 'ALLOWED' : 'DENIED'}: ${flags.from} -> ${flags.to} ${flow} (${p.src} -> ${p.dst})`);
      out.result(`  source ${p.src}: ${lib.whereText(answer.from!)}`);
      out.result(`  destination ${p.dst}: ${lib.whereText(answer.to!)}`);
      for (const h of hops) out.result(`  ${h.at}: ${h.rule ? `${h.allowed ? 'accept' : 'drop'} by rule ${h.rule.id} (${h.rule.policy}) "${h.rule.comment}"` : 'drop, no rule: default deny'}`);
      if (!hops.length) out.result('  no firewall of this inventory lies on this path: nothing here allows it');
      process.exitCode = answer.allowed ? EXIT.OK : EXIT.FINDINGS;
    });
}
