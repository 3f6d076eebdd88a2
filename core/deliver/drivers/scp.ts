// Uploads one file with the scp protocol (`scp -t` on the device), which network
// operating systems accept once their SCP server is enabled.
import type { SshConnection } from '../ssh.js';

export async function scpUpload(conn: SshConnection, remotePath: string, content: string, name = 'candidate.cfg'): Promise<void> {
  const ch = await conn.channel(`scp -t ${remotePath}`);
  const body = Buffer.from(content, 'utf8');
  let pending = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  let closed = false;
  ch.on('data', (d: Buffer) => {
    pending = Buffer.concat([pending, d]);
    wake?.();
  });
  ch.on('close', () => {
    closed = true;
    wake?.();
  });
  // Every step is acknowledged by one byte: 0 ok, 1 warning, 2 error, followed by a message.
  const ack = async (step: string) => {
    const deadline = Date.now() + 30_000;
    while (!pending.length) {
      if (closed || Date.now() > deadline) throw new Error(`scp: no answer after ${step}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        wake = () => (clearTimeout(t), r());
      });
    }
    const code = pending[0];
    const msg = pending.subarray(1).toString('utf8').trim();
    pending = Buffer.alloc(0);
    if (code !== 0) throw new Error(`scp refused the upload at ${step}: ${msg || `code ${code}`}`);
  };
  await ack('opening');
  ch.write(`C0644 ${body.length} ${name}\n`);
  await ack('the header');
  ch.write(body);
  ch.write(Buffer.from([0]));
  await ack('the content');
  ch.end();
}
