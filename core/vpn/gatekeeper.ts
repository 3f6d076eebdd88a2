// The gatekeeper: the one client of the gateway's management interface. It decides
// every login (core/vpn/decide.ts), gives the agent an address from its role's pool,
// frees it at disconnect, and every few seconds ends the live sessions whose account
// was locked, expired or emptied of roles since (offboarding reaches the tunnel).
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { decide, newClient, rolesOf, refusal, ACCOUNT_ATTRS } from './decide.js';
import { Leases } from './leases.js';
import { ManagementParser, quoteArg, type ClientEvent } from './management.js';
import { layoutFor } from '../directory/layout.js';
import { eqFilter } from '../directory/escape.js';
import { net } from '../inventory/index.js';
import type { GatewayDirectory, RolePool } from './model.js';

export interface GatekeeperConfig {
  readonly gateway: string;
  /** The management interface's Unix socket (absolute, or relative to the config file's folder). */
  readonly management: string;
  readonly directory: GatewayDirectory;
  readonly pools: readonly RolePool[];
  readonly netmask: string;
  readonly reserved: readonly string[];
  readonly sweepSeconds: number;
}

export interface Gatekeeper {
  /** Resolves when the management connection is up and live sessions are adopted. */
  readonly ready: Promise<void>;
  /** Resolves when the management interface goes away (OpenVPN stopped). */
  readonly closed: Promise<void>;
  stop(): void;
  readonly leases: Leases;
}

type Log = (line: string) => void;

/** Connects to the management socket, retrying while the gateway is still starting. */
function connectSocket(path: string, signal: { stopped: boolean }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const attempt = () => {
      const s = connect(path);
      s.once('connect', () => resolve(s));
      s.once('error', (e) => {
        s.destroy();
        if (signal.stopped) return reject(new Error('stopped'));
        if (Date.now() - started > 30_000) return reject(new Error(`no management interface at ${path}: ${e.message}`));
        setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function servicePassword(d: GatewayDirectory): string {
  return readFileSync(d.passwordFile, 'utf8').split(/\r?\n/)[0] ?? '';
}

export function startGatekeeper(cfg: GatekeeperConfig, log: Log): Gatekeeper {
  const leases = new Leases(cfg.pools, cfg.reserved);
  const poolOrder = cfg.pools.map((p) => p.role);
  const live = new Map<string, string>(); // cid -> login
  const signal = { stopped: false };
  const parser = new ManagementParser();
  let socket: Socket | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let statusWaiter: ((lines: string[]) => void) | undefined;
  let statusLines: string[] = [];

  const send = (text: string) => socket?.write(text.endsWith('\n') ? text : `${text}\n`);

  async function onConnect(e: Extract<ClientEvent, { type: 'CONNECT' | 'REAUTH' }>): Promise<void> {
    const user = e.env.get('username') ?? e.env.get('common_name') ?? '';
    if (e.type === 'REAUTH' && e.env.get('session_state') === 'Authenticated') {
      // A renegotiation carrying a valid auth-gen-token: no second code is asked for.
      send(`client-auth-nt ${e.cid} ${e.kid}`);
      return;
    }
    const d = await decide(cfg.directory, poolOrder, leases, e.cid, user, e.env.get('password') ?? '');
    if (d.allow) {
      send(`client-auth ${e.cid} ${e.kid}\nifconfig-push ${d.address} ${cfg.netmask}\nEND`);
      log(`allow ${user} role ${d.role} address ${d.address} (cid ${e.cid})`);
    } else {
      send(`client-deny ${e.cid} ${e.kid} ${quoteArg(d.logged)} ${quoteArg(d.reason)}`);
      log(`refuse ${user || '(no login)'}: ${d.logged} (cid ${e.cid})`);
    }
  }

  async function sweep(): Promise<void> {
    if (!live.size) return;
    const layout = layoutFor(cfg.directory.base);
    const client = newClient(cfg.directory);
    try {
      await client.bind(cfg.directory.bindDn, servicePassword(cfg.directory));
      const logins = [...new Set(live.values())];
      const seen = new Map<string, string | undefined>();
      for (let i = 0; i < logins.length; i += 100) {
        const chunk = logins.slice(i, i + 100);
        const filter = `(|${chunk.map((u) => eqFilter('uid', u)).join('')})`;
        const { searchEntries } = await client.search(layout.people, { scope: 'one', filter, attributes: ACCOUNT_ATTRS });
        for (const e of searchEntries) {
          const uid = String(Array.isArray(e.uid) ? e.uid[0] : e.uid);
          seen.set(uid, refusal(e, rolesOf(e, layout.roles), poolOrder, Date.now()));
        }
      }
      for (const [cid, user] of live) {
        const why = seen.has(user) ? seen.get(user) : 'account gone';
        if (why) {
          send(`client-kill ${cid}`);
          log(`end session of ${user} (cid ${cid}): ${why}`);
          live.delete(cid);
        }
      }
    } catch (e) {
      // A directory blip must not drop every agent: live sessions stay, new logins fail closed.
      log(`sweep skipped: directory unreachable (${(e as Error).message})`);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  function onEvent(e: ClientEvent): void {
    if (e.type === 'CONNECT' || e.type === 'REAUTH') {
      onConnect(e).catch((err) => {
        send(`client-deny ${e.cid} ${e.kid} ${quoteArg('gatekeeper error')} ${quoteArg('login refused')}`);
        log(`refuse (cid ${e.cid}): gatekeeper error ${(err as Error).message}`);
      });
    } else if (e.type === 'ESTABLISHED') {
      live.set(e.cid, e.env.get('username') ?? e.env.get('common_name') ?? '');
    } else if (e.type === 'DISCONNECT') {
      live.delete(e.cid);
      leases.release(e.cid);
    }
  }

  /** Sessions already live when the gatekeeper (re)starts keep their addresses. */
  function adopt(lines: string[]): void {
    const header = lines.find((l) => l.startsWith('HEADER\tCLIENT_LIST\t'))?.split('\t').slice(1);
    if (!header) return;
    const col = (name: string) => header.indexOf(name);
    for (const l of lines.filter((x) => x.startsWith('CLIENT_LIST\t'))) {
      const f = l.split('\t');
      const addr = f[col('Virtual Address')] ?? '';
      const cid = f[col('Client ID')] ?? '';
      const user = f[col('Username')] ?? f[col('Common Name')] ?? '';
      const pool = cfg.pools.find((p) => addr && net.containsIp(net.parseCidr(p.cidr), net.ipToInt(addr)));
      if (pool && cid && leases.adopt(cid, pool.role, addr)) live.set(cid, user);
    }
  }

  let onClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => (onClosed = r));
  const ready = (async () => {
    socket = await connectSocket(cfg.management, signal);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      for (const m of parser.feed(chunk)) {
        if (m.kind === 'client') onEvent(m.event);
        else if (statusWaiter && m.kind === 'other') {
          if (m.text === 'END') {
            const w = statusWaiter;
            statusWaiter = undefined;
            w(statusLines);
          } else statusLines.push(m.text);
        }
      }
    });
    socket.on('close', () => {
      if (!signal.stopped) log('management interface closed');
      onClosed();
    });
    statusLines = [];
    const status = new Promise<string[]>((r) => (statusWaiter = r));
    send('status 3');
    adopt(await Promise.race([status, new Promise<string[]>((r) => setTimeout(() => r([]), 5_000))]));
    statusWaiter = undefined;
    sweepTimer = setInterval(() => void sweep(), cfg.sweepSeconds * 1000);
    log(`gatekeeper of ${cfg.gateway} ready: ${cfg.pools.length} role pools, ${leases.size} live session(s) adopted`);
  })();

  return {
    ready,
    closed,
    leases,
    stop() {
      signal.stopped = true;
      if (sweepTimer) clearInterval(sweepTimer);
      socket?.destroy();
    },
  };
}
