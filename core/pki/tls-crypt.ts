// OpenVPN's static key file (2048 random bits as hex between two marker lines), used
// by tls-crypt to encrypt and authenticate the control channel before any TLS happens.
import { randomBytes } from 'node:crypto';

const BEGIN = '-----BEGIN OpenVPN Static key V1-----';
const END = '-----END OpenVPN Static key V1-----';

export function tlsCryptKey(random: (n: number) => Buffer = randomBytes): string {
  const hex = random(256).toString('hex');
  const lines = hex.match(/.{32}/g)!;
  return `#\n# 2048 bit OpenVPN static key (outpost pki)\n#\n${BEGIN}\n${lines.join('\n')}\n${END}\n`;
}

export function isTlsCryptKey(text: string): boolean {
  const body = text.split(BEGIN)[1]?.split(END)[0];
  return body !== undefined && /^[0-9a-f]{512}$/.test(body.replace(/\s+/g, ''));
}
