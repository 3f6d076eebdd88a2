// Where each piece of the PKI lives in its folder. Private keys sit under private/ and
// are the only files written 0600; everything else is public (certificates, CRL).
import { join, resolve } from 'node:path';

export interface PkiPaths {
  readonly dir: string;
  readonly caKey: string;
  readonly caCert: string;
  readonly crl: string;
  readonly tlsCrypt: string;
  readonly config: string;
  readonly database: string;
  readonly serial: string;
  readonly crlNumber: string;
  readonly issued: string;
  readonly keys: string;
  certOf(name: string): string;
  keyOf(name: string): string;
}

export function pkiPaths(dir: string): PkiPaths {
  const d = resolve(dir);
  return {
    dir: d,
    caKey: join(d, 'private', 'ca.key'),
    caCert: join(d, 'ca.crt'),
    crl: join(d, 'crl.pem'),
    tlsCrypt: join(d, 'private', 'tls-crypt.key'),
    config: join(d, 'openssl.cnf'),
    database: join(d, 'db', 'index.txt'),
    serial: join(d, 'db', 'serial'),
    crlNumber: join(d, 'db', 'crlnumber'),
    issued: join(d, 'issued'),
    keys: join(d, 'private'),
    certOf: (name) => join(d, 'issued', `${name}.crt`),
    keyOf: (name) => join(d, 'private', `${name}.key`),
  };
}
