// Every inventory string that can reach a device config is held to a strict pattern
// for its field. Templates never escape, so this is the only thing standing between a
// stray newline or `;` in the inventory and an injected command on a device.
import { z } from 'zod';

interface FieldPattern {
  readonly re: RegExp;
  readonly says: string;
}

const P = {
  name: { re: /^[a-z][a-z0-9-]{0,30}$/, says: 'lower-case letters, digits and dashes, starting with a letter (max 31)' },
  hostname: { re: /^[a-z][a-z0-9-]{0,62}$/, says: 'a host name: lower-case letters, digits and dashes, starting with a letter (max 63)' },
  domain: { re: /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, says: 'a DNS domain such as crisis.example.lu' },
  // Letters of any script (site names are French, German, Luxembourgish), digits and a
  // few harmless marks; no quotes, no `;|&$\`!#`, no control characters.
  text: { re: /^[\p{L}\p{N} .,_()/+:@-]{1,80}$/u, says: 'letters, digits, spaces and . , _ ( ) / + : @ - only (1-80), no quotes, newlines or command separators' },
  ssid: { re: /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,31}$/, says: 'an SSID: letters, digits, space, _ . - (1-32)' },
  circuit: { re: /^[A-Z0-9][A-Z0-9/-]{2,40}$/, says: 'a circuit id: upper-case letters, digits, / and - (3-41)' },
  model: { re: /^[A-Za-z0-9][A-Za-z0-9._/+-]{0,40}$/, says: 'a model: letters, digits and . _ / + - (1-41)' },
  country: { re: /^[A-Z]{2}$/, says: 'an ISO 3166 country code such as LU' },
  postcode: { re: /^[A-Z0-9 -]{2,12}$/, says: 'a postcode such as L-4001' },
} as const satisfies Record<string, FieldPattern>;

export type FieldKind = keyof typeof P;

export function field(kind: FieldKind) {
  const p = P[kind];
  return z.string({ error: `expected ${p.says}` }).regex(p.re, { error: (iss) => `invalid value ${JSON.stringify(iss.input)}: expected ${p.says}` });
}

export function matches(kind: FieldKind, value: string): boolean {
  return P[kind].re.test(value);
}
