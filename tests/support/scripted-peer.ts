// A scripted SSH peer standing in for a network device we cannot run here (Cisco IOS,
// Aruba AOS-CX, FortiOS): a real SSH server (ssh2) on loopback with its own host key and
// public-key auth, whose shell follows a transcript line by line (echo, reply, prompt)
// and whose `scp -t` sink stores uploads. Lines off the transcript are recorded and
// answered as the device would refuse them, in its own dialect's documented wording
// (REFUSALS), so a test sees every deviation and a driver is tested against the words
// its own device uses. A step may cut the link, as a cable pulled after an apply.
import { Server, utils, type Connection, type ServerChannel } from 'ssh2';
import type { AddressInfo } from 'node:net';

export interface Step {
  /** The line the driver must send (exact string or pattern). */
  readonly expect: string | RegExp;
  readonly reply?: string;
  /** The prompt from this step on (configuration modes change it). */
  readonly prompt?: string;
  /** After replying, drop every connection and refuse new ones: the link is cut. */
  readonly cut?: boolean;
}

/**
 * How each device refuses a line it does not accept, as the vendors document it: IOS's
 * caret marker, AOS-CX's "Invalid input", FortiOS's parse error and return code.
 */
export const REFUSALS = {
  'cisco-ios': "% Invalid input detected at '^' marker.",
  'aruba-aoscx': 'Invalid input: ',
  fortigate: 'command parse error before \'\'\nCommand fail. Return code -61',
} as const;

export interface Transcript {
  readonly prompt: string;
  readonly banner?: string;
  readonly steps: readonly Step[];
}

export interface ScriptedPeer {
  readonly port: number;
  /** `ssh-ed25519 AAAA...` to pin. */
  readonly hostKey: string;
  readonly clientPrivateKey: Buffer;
  /** Every line received, per shell session. */
  readonly received: string[][];
  /** Lines that did not match the transcript, with what was expected. */
  readonly unexpected: { session: number; got: string; expected: string }[];
  readonly uploads: Map<string, string>;
  /** Steps not reached, per session. */
  remaining(): number[];
  stop(): Promise<void>;
}

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/**
 * An ed25519 pair that ssh2 can read back. ssh2 1.17's keygen strips leading zero bytes
 * of the public key, so about 1 key in 256 comes out malformed (mscdex/ssh2#1513):
 * generate again rather than let one test in a few hundred fail at random.
 */
function ed25519Pair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.public) instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
}

export async function startScriptedPeer(sessions: readonly Transcript[], opts: { refusal?: string; dialect?: keyof typeof REFUSALS } = {}): Promise<ScriptedPeer> {
  const host = ed25519Pair();
  const client = ed25519Pair();
  const allowed = utils.parseKey(client.public);
  if (allowed instanceof Error) throw allowed;
  const received: string[][] = [];
  const unexpected: ScriptedPeer['unexpected'] = [];
  const uploads = new Map<string, string>();
  const positions = sessions.map(() => 0);
  let nextSession = 0;
  const refusal = opts.refusal ?? REFUSALS[opts.dialect ?? 'cisco-ios'];
  const conns = new Set<Connection>();
  let cut = false;

  const runShell = (stream: ServerChannel) => {
    const idx = nextSession++;
    const t = sessions[idx];
    const log: string[] = [];
    received.push(log);
    if (!t) {
      stream.end('no transcript for this session\r\n');
      return;
    }
    let prompt = t.prompt;
    let pending = '';
    stream.write(crlf(`${t.banner ?? ''}\n${prompt}`));
    stream.on('data', (d: Buffer) => {
      pending += d.toString('utf8');
      let nl: number;
      while ((nl = pending.search(/\r?\n|\r/)) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + (pending.slice(nl, nl + 2) === '\r\n' ? 2 : 1));
        log.push(line);
        const step = t.steps[positions[idx]!];
        let out = `${line}\n`;
        const ok = step && (typeof step.expect === 'string' ? step.expect === line : step.expect.test(line));
        if (ok) {
          positions[idx]! += 1;
          if (step.reply) out += `${step.reply}\n`;
          if (step.prompt) prompt = step.prompt;
        } else {
          unexpected.push({ session: idx, got: line, expected: step ? String(step.expect) : '(end of transcript)' });
          out += `${refusal}\n`;
        }
        stream.write(crlf(out) + prompt);
        if (ok && step.cut) {
          cut = true;
          for (const c of conns) c.end();
          return;
        }
      }
    });
  };

  const scpSink = (stream: ServerChannel, path: string) => {
    let buf = Buffer.alloc(0);
    let size = -1;
    stream.write(Buffer.from([0]));
    stream.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (size < 0) {
        const nl = buf.indexOf(0x0a);
        if (nl < 0) return;
        const m = /^C0[0-7]{3} (\d+) (.+)$/.exec(buf.subarray(0, nl).toString());
        if (!m) {
          stream.write(Buffer.concat([Buffer.from([2]), Buffer.from('bad header\n')]));
          stream.exit(1);
          stream.end();
          return;
        }
        size = Number(m[1]);
        buf = buf.subarray(nl + 1);
        stream.write(Buffer.from([0]));
      }
      if (size >= 0 && buf.length >= size + 1) {
        uploads.set(path, buf.subarray(0, size).toString('utf8'));
        buf = buf.subarray(size + 1);
        stream.write(Buffer.from([0]));
      }
    });
    stream.on('end', () => {
      stream.exit(0);
      stream.end();
    });
  };

  const server = new Server({ hostKeys: [host.private] }, (conn) => {
    if (cut) {
      conn.end();
      return;
    }
    conns.add(conn);
    conn.on('close', () => conns.delete(conn));
    conn.on('error', () => undefined);
    conn.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.key.algo !== allowed.type || !ctx.key.data.equals(allowed.getPublicSSH())) return ctx.reject(['publickey']);
      if (!ctx.signature) return ctx.accept();
      return allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject();
    });
    conn.on('ready', () => {
      conn.on('session', (accept) => {
        const session = accept();
        session.on('pty', (ok) => ok?.());
        session.on('shell', (ok) => runShell(ok()));
        session.on('exec', (ok, reject, info) => {
          const m = /^scp -t (\S+)$/.exec(info.command);
          if (!m) return reject();
          scpSink(ok(), m[1]!);
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hostKey: host.public.split(' ').slice(0, 2).join(' '),
    clientPrivateKey: Buffer.from(client.private),
    received,
    unexpected,
    uploads,
    remaining: () => sessions.map((t, i) => t.steps.length - positions[i]!),
    async stop() {
      for (const c of conns) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
