// A real OpenLDAP server on loopback, configured the way outpost expects a directory:
// mdb backend, memberOf on role groups, password policy (expiry and disabling enforced
// by the server itself) and the otp overlay (password + TOTP code at bind). It is the
// embedded default for trying outpost and the server the tests and benchmarks use.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { sshaHash } from '../directory/ssha.js';
import { processAlive } from './netns.js';
export { baseFromDomain as suffixFromDomain } from '../directory/layout.js';

const run = promisify(execFile);

export interface DirectoryLabOptions {
  /** Where the server keeps its config, database, pid and admin password. */
  readonly stateDir: string;
  /** Base DN, e.g. dc=crisis,dc=example,dc=lu. */
  readonly suffix: string;
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  readonly port?: number;
  /** Skip fsync on writes: for tests and benchmarks, never for data you keep. */
  readonly noSync?: boolean;
}

export interface DirectoryLab {
  readonly url: string;
  /** The same server on a Unix socket (reachable from any network namespace). */
  readonly ldapiUrl: string;
  readonly bindDN: string;
  readonly passwordFile: string;
  readonly suffix: string;
  readonly stateDir: string;
  readonly pid: number;
}

const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];
const MODULES = '/usr/lib/ldap';
const SCHEMAS = '/etc/ldap/schema';

function findTool(name: string): string {
  for (const d of SBIN) if (existsSync(join(d, name))) return join(d, name);
  return name;
}

export function policyDN(suffix: string): string {
  return `cn=default,ou=policies,${suffix}`;
}

function configLdif(o: { stateDir: string; suffix: string; rootPwHash: string; noSync: boolean }): string {
  const db = join(o.stateDir, 'db');
  const root = `cn=admin,${o.suffix}`;
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${join(o.stateDir, 'slapd.pid')}
olcArgsFile: ${join(o.stateDir, 'slapd.args')}
olcLogLevel: none
olcThreads: 8

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: ${MODULES}
olcModuleLoad: back_mdb
olcModuleLoad: memberof
olcModuleLoad: ppolicy
olcModuleLoad: otp

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file://${SCHEMAS}/core.ldif
include: file://${SCHEMAS}/cosine.ldif
include: file://${SCHEMAS}/nis.ldif
include: file://${SCHEMAS}/inetorgperson.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: ${o.suffix}
olcRootDN: ${root}
olcRootPW: ${o.rootPwHash}
olcDbDirectory: ${db}
olcDbMaxSize: 2147483648
olcDbNoSync: ${o.noSync ? 'TRUE' : 'FALSE'}
olcDbIndex: objectClass eq
olcDbIndex: uid eq
olcDbIndex: cn eq
olcDbIndex: member eq
olcDbIndex: memberOf eq
olcDbIndex: mail eq
olcAccess: {0}to attrs=userPassword by self =xw by anonymous auth by * none
olcAccess: {1}to attrs=oathSecret,oathTOTPLastTimeStep,oathTOTPTimeStepDrift by * none
olcAccess: {2}to * by self read by users read by * none

dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {0}memberof
olcMemberOfRefInt: TRUE
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf

dn: olcOverlay={1}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {1}ppolicy
olcPPolicyDefault: ${policyDN(o.suffix)}
olcPPolicyHashCleartext: TRUE
olcPPolicyUseLockout: FALSE

dn: olcOverlay={2}otp,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
olcOverlay: {2}otp
`;
}

function dataLdif(suffix: string): string {
  const dc = /^dc=([^,]+)/.exec(suffix)?.[1] ?? 'outpost';
  return `dn: ${suffix}
objectClass: dcObject
objectClass: organization
dc: ${dc}
o: ${dc}

dn: ou=policies,${suffix}
objectClass: organizationalUnit
ou: policies

dn: ${policyDN(suffix)}
objectClass: person
objectClass: pwdPolicy
cn: default
sn: default
pwdAttribute: userPassword
pwdLockout: TRUE
pwdMaxFailure: 10
pwdLockoutDuration: 300
pwdFailureCountInterval: 300
pwdMustChange: FALSE
pwdAllowUserChange: TRUE
pwdCheckQuality: 0
`;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

function readPid(stateDir: string): number | undefined {
  const f = join(stateDir, 'slapd.pid');
  if (!existsSync(f)) return undefined;
  const pid = Number(readFileSync(f, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The running lab in stateDir, if any. */
export function directoryLabStatus(stateDir: string): DirectoryLab | undefined {
  const dir = resolve(stateDir);
  const infoFile = join(dir, 'lab.json');
  const pid = readPid(dir);
  if (!pid || !processAlive(pid) || !existsSync(infoFile)) return undefined;
  return { ...(JSON.parse(readFileSync(infoFile, 'utf8')) as Omit<DirectoryLab, 'pid'>), pid };
}

/**
 * Starts slapd with a fresh config and database in stateDir (wiping an old one), and
 * waits until it answers. The admin password is random and written 0600.
 */
export async function startDirectoryLab(options: DirectoryLabOptions): Promise<DirectoryLab> {
  const stateDir = resolve(options.stateDir);
  const running = directoryLabStatus(stateDir);
  if (running) return running;
  for (const sub of ['slapd.d', 'db']) rmSync(join(stateDir, sub), { recursive: true, force: true });
  mkdirSync(join(stateDir, 'slapd.d'), { recursive: true, mode: 0o700 });
  mkdirSync(join(stateDir, 'db'), { recursive: true, mode: 0o700 });

  const password = randomBytes(18).toString('base64url');
  const passwordFile = join(stateDir, 'admin.password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  const cfg = join(stateDir, 'config.ldif');
  writeFileSync(cfg, configLdif({ stateDir, suffix: options.suffix, rootPwHash: sshaHash(password), noSync: options.noSync ?? false }), { mode: 0o600 });
  const data = join(stateDir, 'base.ldif');
  writeFileSync(data, dataLdif(options.suffix), { mode: 0o600 });

  const slapadd = findTool('slapadd');
  const conf = join(stateDir, 'slapd.d');
  try {
    execFileSync(slapadd, ['-n0', '-F', conf, '-l', cfg], { stdio: 'pipe' });
    execFileSync(slapadd, ['-n1', '-F', conf, '-l', data], { stdio: 'pipe' });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`slapadd failed: ${err.stderr?.toString().trim() || err.message}`);
  }

  const port = options.port ?? (await freePort());
  const url = `ldap://127.0.0.1:${port}`;
  const ldapiUrl = `ldapi://${encodeURIComponent(join(stateDir, 'ldapi'))}`;
  try {
    await run(findTool('slapd'), ['-h', `${url}/ ${ldapiUrl}/`, '-F', conf]);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`slapd did not start on ${url}: ${err.stderr?.trim() || err.message}`);
  }
  const deadline = Date.now() + 15_000;
  while (!(await answers(port))) {
    if (Date.now() > deadline) throw new Error(`slapd did not answer on ${url} within 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const pid = readPid(stateDir);
  if (!pid) throw new Error(`slapd started but wrote no pid file in ${stateDir}`);
  const lab = { url, ldapiUrl, bindDN: `cn=admin,${options.suffix}`, passwordFile, suffix: options.suffix, stateDir };
  writeFileSync(join(stateDir, 'lab.json'), `${JSON.stringify(lab, null, 2)}\n`);
  return { ...lab, pid };
}

/** Stops the lab's slapd and, with `wipe`, removes its state. True if one was running. */
export async function stopDirectoryLab(stateDir: string, opts: { wipe?: boolean } = {}): Promise<boolean> {
  const dir = resolve(stateDir);
  const pid = readPid(dir);
  let was = false;
  if (pid && processAlive(pid)) {
    was = true;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (opts.wipe) rmSync(dir, { recursive: true, force: true });
  else rmSync(join(dir, 'lab.json'), { force: true });
  return was;
}

/** The environment a shell needs to point outpost at this lab. */
export function shellExports(lab: Pick<DirectoryLab, 'url' | 'bindDN' | 'passwordFile' | 'suffix'>): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    `export OUTPOST_LDAP_URL=${q(lab.url)}`,
    `export OUTPOST_LDAP_BIND_DN=${q(lab.bindDN)}`,
    `export OUTPOST_LDAP_PASSWORD_FILE=${q(lab.passwordFile)}`,
    `export OUTPOST_LDAP_BASE_DN=${q(lab.suffix)}`,
  ].join('\n');
}
