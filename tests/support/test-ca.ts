// A throwaway CA (and a server certificate signed by it) made with openssl in a temp
// dir, for kit and VPN tests: outpost never invents certificates, tests make real ones.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  readonly dir: string;
  readonly caFile: string;
  readonly caPem: string;
  /** Server certificate + key for `cn`, with serverAuth extended key usage. */
  server(cn: string): { certFile: string; keyFile: string };
  remove(): void;
}

export function makeTestCa(name: string, subject = 'Outpost Test CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), `opi-ca-${name}-`));
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.crt');
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', caKey, '-out', caFile, '-days', '30', '-subj', `/CN=${subject}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  return {
    dir,
    caFile,
    caPem: readFileSync(caFile, 'utf8'),
    server(cn) {
      const keyFile = join(dir, `${cn}.key`);
      const csr = join(dir, `${cn}.csr`);
      const certFile = join(dir, `${cn}.crt`);
      const ext = join(dir, `${cn}.ext`);
      writeFileSync(ext, `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${cn}\n`);
      ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', `/CN=${cn}`);
      ssl('x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-out', certFile, '-days', '30', '-extfile', ext);
      return { certFile, keyFile };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
