// The VPN gateway of the twin, for real: OpenVPN runs the rendered server config in the
// gateway namespace with outpost's gatekeeper on its management interface (checking
// logins against a real directory), and agents connect from namespaces of their own
// with their kit's .ovpn, password and current code, over a bridge that stands for the
// internet between their homes and the gateway.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Artefact } from '../render/index.js';
import type { PkiPaths } from '../pki/index.js';
import { createBridge, createNamespace, createVeth, nsExec } from './netns.js';
import { startDaemon, waitForLog, type Daemon } from './daemon.js';

/** The "internet" between agents and the gateway, inside the gateway namespace. */
export const AGENT_NET = { bridge: 'agents', gateway: '100.127.254.1', prefix: 24 };

export interface GatewayServer {
  readonly dir: string;
  readonly address: string;
  readonly port: number;
  readonly openvpn: Daemon;
  readonly gatekeeper: Daemon;
}

export interface GatewayServerOptions {
  readonly ns: string;
  /** Folder the gateway runs from (rendered files + PKI files are put there). */
  readonly dir: string;
  /** The gateway's rendered files (out/central/<gateway>/...). */
  readonly files: readonly Artefact[];
  readonly pki: PkiPaths;
  /** Name the gateway's certificate was issued under (`outpost pki issue`). */
  readonly certName: string;
  /** The directory password of the gatekeeper's service bind, written 0600 beside it. */
  readonly directoryPassword: string;
  /** How to run `outpost vpn gatekeeper` (node + the CLI). */
  readonly outpost: readonly string[];
  readonly port: number;
}

export async function startGatewayServer(o: GatewayServerOptions): Promise<GatewayServer> {
  rmSync(o.dir, { recursive: true, force: true });
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  for (const f of o.files) writeFileSync(join(o.dir, f.path.split('/').pop()!), f.content);
  copyFileSync(o.pki.caCert, join(o.dir, 'ca.crt'));
  copyFileSync(o.pki.crl, join(o.dir, 'crl.pem'));
  copyFileSync(o.pki.certOf(o.certName), join(o.dir, 'gateway.crt'));
  for (const [from, to] of [
    [o.pki.keyOf(o.certName), 'gateway.key'],
    [o.pki.tlsCrypt, 'tls-crypt.key'],
  ] as const) {
    copyFileSync(from, join(o.dir, to));
    chmodSync(join(o.dir, to), 0o600);
  }
  writeFileSync(join(o.dir, 'directory.password'), `${o.directoryPassword}\n`, { mode: 0o600 });
  const nft = nsExec(o.ns, ['nft', '-f', join(o.dir, 'ruleset.nft')]);
  if (nft.code !== 0) throw new Error(`gateway ruleset refused: ${nft.stderr.trim()}`);
  createBridge(AGENT_NET.bridge, { ns: o.ns, address: `${AGENT_NET.gateway}/${AGENT_NET.prefix}` });
  const openvpn = startDaemon(o.ns, ['openvpn', '--cd', o.dir, '--config', 'openvpn.conf', '--writepid', join(o.dir, 'openvpn.pid')], join(o.dir, 'openvpn.log'));
  // The gatekeeper needs only the management socket (a file) and the directory: it runs
  // on the host side, where the lab directory listens.
  const gatekeeper = startDaemon(undefined, [...o.outpost, 'vpn', 'gatekeeper', '--config', join(o.dir, 'gatekeeper.json')], join(o.dir, 'gatekeeper.log'));
  const up = (await waitForLog(openvpn, /Initialization Sequence Completed/, /Exiting due to fatal error/, 20_000)) && (await waitForLog(gatekeeper, /ready:/, /gatekeeper failed/, 20_000));
  if (!up) {
    openvpn.stop();
    gatekeeper.stop();
    const tail = (f: string) => readFileSync(f, 'utf8').split('\n').slice(-6).join('\n');
    throw new Error(`the VPN gateway did not start:\n${tail(openvpn.log)}\n${tail(gatekeeper.log)}`);
  }
  return { dir: o.dir, address: AGENT_NET.gateway, port: o.port, openvpn, gatekeeper };
}

export interface ConnectedAgent {
  readonly ns: string;
  /** The tunnel address the gateway gave, or undefined when the login was refused. */
  readonly address?: string;
  readonly client: Daemon;
  stop(): void;
}

/**
 * Connects one agent: a namespace `<prefix>ag<n>` on the agents' bridge, the real
 * openvpn client with the kit's profile as is (only where the gateway is, and the
 * answers to its login prompt, are given on the command line).
 */
export async function connectAgent(o: { prefix: string; gatewayNs: string; index: number; ovpn: string; login: string; secret: string; server: GatewayServer; workDir: string; timeoutMs?: number; extra?: readonly string[] }): Promise<ConnectedAgent> {
  const ns = `${o.prefix}ag${o.index}`;
  createNamespace(ns);
  createVeth({ name: `ag${o.index}`, ns: o.gatewayNs, bridge: AGENT_NET.bridge }, { name: 'eth0', ns, address: `100.127.254.${10 + o.index}/${AGENT_NET.prefix}` });
  mkdirSync(o.workDir, { recursive: true, mode: 0o700 });
  const creds = join(o.workDir, `ag${o.index}.creds`);
  writeFileSync(creds, `${o.login}\n${o.secret}\n`, { mode: 0o600 });
  const log = join(o.workDir, `ag${o.index}.log`);
  rmSync(log, { force: true });
  const client = startDaemon(ns, ['openvpn', '--config', o.ovpn, '--remote', o.server.address, String(o.server.port), 'udp4', '--auth-user-pass', creds, '--auth-retry', 'none', '--connect-retry-max', '1', '--verb', '3', ...(o.extra ?? [])], log);
  const ok = await waitForLog(client, /Initialization Sequence Completed/, /AUTH_FAILED|Exiting due to fatal error/, o.timeoutMs ?? 30_000);
  rmSync(creds, { force: true });
  const address = ok ? /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(nsExec(ns, ['ip', '-4', 'addr', 'show', 'dev', 'tun0']).stdout)?.[1] : undefined;
  if (!ok) client.stop();
  return { ns, ...(address ? { address } : {}), client, stop: () => client.stop() };
}
