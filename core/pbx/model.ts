// What the PBX is rendered from: the SIP domain (the digest realm every agent's HA1 was
// made with) and the PBX's address from the inventory's `sip` service, plus what only the
// caller knows: the address the server listens on (the lab's namespace, the host's
// interface) and where the subscriber store lives on that host.
import { isIPv4 } from 'node:net';
import { error, fail, ok, type Diagnostic, type Result } from '../diagnostics.js';
import type { Inventory } from '../inventory/index.js';
import { matches } from '../inventory/patterns.js';

/** Where the store lives on a PBX host unless the caller says otherwise. */
export const DEFAULT_DB_FILE = '/var/lib/outpost/pbx/subscriber.db';

export interface PbxListen {
  readonly proto: 'udp' | 'tcp';
  readonly address: string;
  readonly port: number;
}

export interface PbxIntent {
  /** SIP domain and digest realm, e.g. crisis.example.lu. */
  readonly domain: string;
  /** The PBX's address in the inventory (what the softphone profiles point at). */
  readonly server: string;
  readonly listen: readonly PbxListen[];
  /** Absolute path of the SQLite subscriber store on the PBX host. */
  readonly dbFile: string;
  /** SIP worker processes per transport. */
  readonly children: number;
  readonly logLevel: number;
}

export interface PbxOptions {
  /** Address the server binds to; the inventory's PBX address when omitted. */
  readonly listen?: string;
  /** Port for both transports; the inventory's sip port (5060) when omitted. */
  readonly port?: number;
  readonly dbFile?: string;
  readonly children?: number;
}

// The store path is written into kamailio.cfg inside a quoted string: hold it to a plain
// absolute path so no value can end the string or the line.
const DB_PATH = /^\/[A-Za-z0-9._/-]{1,200}$/;

/** The PBX intent, or diagnostics naming the inventory's sip service or the bad option. */
export function pbxIntent(inv: Inventory, opts: PbxOptions = {}): Result<PbxIntent> {
  const o = inv.org;
  const diags: Diagnostic[] = [];
  const sip = o.services.find((s) => s.name === 'sip');
  const server = sip?.addresses[0]?.replace(/\/32$/, '');
  if (!sip || !server || !isIPv4(server)) {
    const where = sip ? { file: sip.source.file, line: sip.source.line, col: sip.source.col, path: 'services.sip.addresses' } : { file: o.source.file, line: o.source.line, col: o.source.col, path: 'services' };
    diags.push(error('no-sip-server', 'the PBX needs a service named sip with one host address (the address the softphones register to)', where));
  }
  if (!matches('domain', o.domain)) diags.push(error('invalid-value', `the SIP domain ${JSON.stringify(o.domain)} is not a DNS domain`, { file: o.source.file, path: 'org.domain' }));
  const listen = opts.listen ?? server;
  if (listen !== undefined && !isIPv4(listen)) diags.push(error('invalid-listen', `listen address ${JSON.stringify(listen)} is not an IPv4 address`));
  const dbFile = opts.dbFile ?? DEFAULT_DB_FILE;
  if (!DB_PATH.test(dbFile) || dbFile.split('/').includes('..')) diags.push(error('invalid-db-file', `subscriber store ${JSON.stringify(dbFile)}: expected an absolute path of letters, digits and . _ / -`));
  if (opts.port !== undefined && !(Number.isInteger(opts.port) && opts.port > 0 && opts.port < 65536)) diags.push(error('invalid-port', `port ${opts.port}: expected 1-65535`));
  const children = opts.children ?? 4;
  if (!Number.isInteger(children) || children < 1 || children > 64) diags.push(error('invalid-children', `children ${children}: expected 1-64`));
  if (diags.length || !server || !listen) return fail(diags);
  // SIP over UDP and TCP on the ports the inventory gives the sip service (5060 unless
  // it says otherwise); 5061/tcp (TLS) is not served: the lab PBX has no certificate.
  const port = (proto: 'udp' | 'tcp') => opts.port ?? sip!.ports.find((p) => p.proto === proto && p.from !== 5061)?.from ?? 5060;
  return ok({
    domain: o.domain,
    server,
    listen: [
      { proto: 'udp', address: listen, port: port('udp') },
      { proto: 'tcp', address: listen, port: port('tcp') },
    ],
    dbFile,
    children,
    logLevel: 2,
  });
}
