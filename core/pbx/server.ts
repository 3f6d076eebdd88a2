// Runs the rendered PBX: kamailio with <dir>/kamailio.cfg, in a network namespace (or on
// the host), detached from the caller's terminal and pipes, logging to a file. Ready
// means it answered a SIP OPTIONS on its UDP listen address from inside its namespace.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStore } from './store.js';

export interface PbxServerOptions {
  /** Network namespace to run in; the host when omitted. */
  readonly ns?: string;
  /** Folder holding kamailio.cfg (from renderPbx); runtime files go there too. */
  readonly dir: string;
  /** The subscriber store the config reads; created empty when missing. */
  readonly dbFile: string;
  readonly logFile: string;
  readonly readyTimeoutMs?: number;
}

export interface PbxServer {
  readonly pid: number;
  readonly logFile: string;
  /** UDP address:port it answered on. */
  readonly address: string;
  readonly port: number;
  stop(): Promise<void>;
}

const inNs = (ns: string | undefined, argv: readonly string[]): [string, string[]] => (ns ? ['ip', ['netns', 'exec', ns, ...argv]] : [argv[0]!, argv.slice(1)]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One SIP OPTIONS over UDP from inside the namespace; true when any SIP reply comes back. */
function probe(ns: string | undefined, address: string, port: number): boolean {
  const script = `const d=require('dgram').createSocket('udp4');
d.bind(0,()=>{const b='z9hG4bK'+Date.now();const m=['OPTIONS sip:${address}:${port} SIP/2.0','Via: SIP/2.0/UDP ${address}:'+d.address().port+';rport;branch='+b,'Max-Forwards: 70','To: <sip:${address}>','From: <sip:probe@${address}>;tag=p','Call-ID: '+b,'CSeq: 1 OPTIONS','Content-Length: 0','',''].join('\\r\\n');
d.on('message',(x)=>{process.exit(/^SIP\\/2\\.0 \\d{3}/.test(x.toString())?0:1)});d.send(m,${port},'${address}');setTimeout(()=>process.exit(1),400)});`;
  const [cmd, args] = inNs(ns, [process.execPath, '-e', script]);
  return spawnSync(cmd, args, { stdio: 'ignore', timeout: 5_000 }).status === 0;
}

export async function startPbx(o: PbxServerOptions): Promise<PbxServer> {
  const cfg = join(o.dir, 'kamailio.cfg');
  if (!existsSync(cfg)) throw new Error(`no kamailio.cfg in ${o.dir}: render the PBX first`);
  const text = readFileSync(cfg, 'utf8');
  if (!text.includes(`"sqlite://${o.dbFile}"`)) throw new Error(`${cfg} reads another subscriber store than ${o.dbFile}`);
  const listen = /^listen=udp:(\d+\.\d+\.\d+\.\d+):(\d+)$/m.exec(text);
  if (!listen) throw new Error(`${cfg} has no UDP listen address`);
  const [address, port] = [listen[1]!, Number(listen[2])];
  ensureStore(o.dbFile);
  const check = spawnSync('kamailio', ['-c', '-f', cfg], { encoding: 'utf8' });
  if (check.error) throw new Error(`kamailio: ${check.error.message} (Debian package kamailio)`);
  if (check.status !== 0) throw new Error(`kamailio -c refused ${cfg}:\n${check.stderr.split('\n').filter((l) => /ERROR|CRITICAL/.test(l)).join('\n')}`);

  const log = openSync(o.logFile, 'a', 0o600);
  // -DD: stay in the foreground (its children are its process group), -E: log to stderr,
  // which is the log file; nothing of the caller's stdio is inherited.
  const [cmd, args] = inNs(o.ns, ['kamailio', '-DD', '-E', '-f', cfg, '-Y', o.dir, '-P', join(o.dir, 'kamailio.pid')]);
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.once('error', () => undefined);
  const pid = child.pid;
  const kill = (sig: NodeJS.Signals) => {
    try {
      if (pid) process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    if (exited) return;
    kill('SIGTERM');
    await Promise.race([exit, sleep(5_000)]);
    if (!exited) {
      kill('SIGKILL');
      await Promise.race([exit, sleep(2_000)]);
    }
  };
  const deadline = Date.now() + (o.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (exited || !pid) {
      const tail = readFileSync(o.logFile, 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`kamailio exited at start-up; the end of ${o.logFile}:\n${tail}`);
    }
    if (probe(o.ns, address, port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`kamailio did not answer on ${address}:${port} within ${o.readyTimeoutMs ?? 20_000} ms (log: ${o.logFile})`);
    }
    await sleep(150);
  }
  return { pid, logFile: o.logFile, address, port, stop };
}
