// The connection directory apply adds people over (core/directory/add-connection.ts),
// against a real slapd: answers that arrive a byte at a time, refusals with the
// server's own reason, a wrong password, a link cut mid-stream, a server speaking
// something else, and ldaps:// through a TLS front whose certificate outpost must check.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddConnection, isLdapResult, ProtocolViolation } from '../../core/directory/index.js';
import { startSlapd, TEST_SUFFIX, type TestSlapd } from '../support/slapd.js';

let slapd: TestSlapd;
let work: string;
const servers: Server[] = [];
beforeAll(async () => {
  slapd = await startSlapd('addc');
  work = mkdtempSync(join(tmpdir(), 'opi-addc-'));
  const admin = await slapd.admin();
  await admin.add(`ou=people,${TEST_SUFFIX}`, { objectClass: ['organizationalUnit'], ou: 'people' });
});
afterAll(async () => {
  for (const s of servers) s.close();
  await slapd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const slapdPort = () => Number(new URL(slapd.url).port);

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return typeof a === 'object' && a ? a.port : 0;
}

/**
 * A relay to slapd that hands its answers on one byte at a time, cuts everything after
 * `cutAfter` bytes from the client, or stops passing the client's bytes on after `stallAfter`.
 */
async function relay(o: { dribble?: boolean; cutAfter?: number; stallAfter?: number } = {}): Promise<string> {
  let passed = 0;
  const port = await listen(
    createServer((client) => {
      const up = tcpConnect({ host: '127.0.0.1', port: slapdPort() });
      client.on('data', (d) => {
        passed += d.length;
        if (o.stallAfter !== undefined && passed > o.stallAfter) return;
        if (o.cutAfter !== undefined && passed >= o.cutAfter) {
          client.destroy();
          up.destroy();
          return;
        }
        up.write(d);
      });
      up.on('data', (d: Buffer) => {
        if (!o.dribble) return void client.write(d);
        for (let i = 0; i < d.length; i++) client.write(d.subarray(i, i + 1));
      });
      const end = () => {
        client.destroy();
        up.destroy();
      };
      client.on('error', end).on('close', end);
      up.on('error', end).on('close', end);
    }),
  );
  return `ldap://127.0.0.1:${port}`;
}

const person = (uid: string) => ({ objectClass: ['inetOrgPerson'], uid: [uid], cn: [`Agent ${uid}`], sn: ['Agent'], givenName: ['Zoé'] });
const dnOf = (uid: string) => `uid=${uid},ou=people,${TEST_SUFFIX}`;

async function countPeople(prefix: string): Promise<number> {
  const admin = await slapd.admin();
  const { searchEntries } = await admin.search(`ou=people,${TEST_SUFFIX}`, { scope: 'one', filter: `(uid=${prefix}*)`, attributes: ['uid'] });
  return searchEntries.length;
}

describe('adding people over outpost\'s own connection', () => {
  it('adds 300 people while the answers trickle in a byte at a time, and reports the one the server refuses with its reason', async () => {
    const url = await relay({ dribble: true });
    const conn = await AddConnection.open({ ...slapd.settings, url });
    try {
      await conn.add(dnOf('drip.dup'), person('drip.dup'));
      const outcomes = await Promise.allSettled([...Array.from({ length: 300 }, (_, i) => conn.add(dnOf(`drip.${i}`), person(`drip.${i}`))), conn.add(dnOf('drip.dup'), person('drip.dup'))]);
      expect(outcomes.slice(0, 300).every((o) => o.status === 'fulfilled')).toBe(true);
      const refused = outcomes[300]!;
      expect(refused.status).toBe('rejected');
      const e = (refused as PromiseRejectedResult).reason;
      expect(isLdapResult(e)).toBe(true);
      expect(e.code).toBe(68);
    } finally {
      await conn.close();
    }
    expect(await countPeople('drip.')).toBe(301);
  });

  it('refuses to open with a wrong password, with the server\'s result code', async () => {
    const pw = join(work, 'wrong');
    writeFileSync(pw, 'not-the-password\n', { mode: 0o600 });
    const e = await AddConnection.open({ ...slapd.settings, passwordFile: pw }).catch((x: unknown) => x);
    expect(isLdapResult(e)).toBe(true);
    expect((e as { code: number }).code).toBe(49);
  });

  it('fails every add still waiting when the link is cut, and every later one at once, as a lost connection rather than a refusal', async () => {
    const url = await relay({ cutAfter: 20_000 });
    const conn = await AddConnection.open({ ...slapd.settings, url });
    const outcomes = await Promise.allSettled(Array.from({ length: 400 }, (_, i) => conn.add(dnOf(`cut.${i}`), person(`cut.${i}`))));
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((o) => !isLdapResult(o.reason) && /connection|closed|ECONNRESET|EPIPE/i.test(String(o.reason?.message ?? o.reason)))).toBe(true);
    await expect(conn.add(dnOf('cut.after'), person('cut.after'))).rejects.toThrow(/connection|closed|ECONNRESET|EPIPE/i);
    await conn.close();
    // What was answered before the cut landed; nothing answered as done is missing.
    expect(await countPeople('cut.')).toBeGreaterThanOrEqual(outcomes.filter((o) => o.status === 'fulfilled').length);
  });

  it('gives up on a server that stops answering, after the time allowed, as a lost connection', async () => {
    const url = await relay({ stallAfter: 200 });
    const conn = await AddConnection.open({ ...slapd.settings, url }, { timeoutMs: 500 });
    const started = performance.now();
    const e = await conn.add(dnOf('stall.1'), person('stall.1')).catch((x: unknown) => x);
    expect(isLdapResult(e)).toBe(false);
    expect(String((e as Error).message)).toMatch(/did not answer in time/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    await conn.close();
  });

  it('treats a server that answers in another protocol as a lost connection, without throwing anywhere else', async () => {
    const port = await listen(
      createServer((s: Socket) => {
        s.once('data', () => s.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
        s.on('error', () => undefined);
      }),
    );
    const e = await AddConnection.open({ ...slapd.settings, url: `ldap://127.0.0.1:${port}` }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProtocolViolation);
    expect(String((e as Error).message)).toMatch(/not an LDAPMessage/);
  });
});

describe('ldaps:// to a directory behind TLS', () => {
  let url = '';
  let caFile = '';
  beforeAll(async () => {
    const key = join(work, 'tls.key');
    const cert = join(work, 'tls.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'pipe' });
    caFile = cert;
    const port = await listen(
      createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (client) => {
        const up = tcpConnect({ host: '127.0.0.1', port: slapdPort() });
        client.pipe(up).pipe(client);
        const end = () => {
          client.destroy();
          up.destroy();
        };
        client.on('error', end).on('close', end);
        up.on('error', end).on('close', end);
      }) as unknown as Server,
    );
    url = `ldaps://127.0.0.1:${port}`;
  });

  it('adds people when the server\'s certificate is signed by the CA given', async () => {
    const conn = await AddConnection.open({ ...slapd.settings, url, caFile });
    try {
      await Promise.all(Array.from({ length: 50 }, (_, i) => conn.add(dnOf(`tls.${i}`), person(`tls.${i}`))));
    } finally {
      await conn.close();
    }
    expect(await countPeople('tls.')).toBe(50);
  });

  it('refuses a server whose certificate it cannot check', async () => {
    await expect(AddConnection.open({ ...slapd.settings, url })).rejects.toThrow(/self[- ]signed|certificate/i);
  });
});
