// What ldapts asks of whatwg-url: the scheme, host and port of an ldap:// URL. ldapts
// imports the whole WHATWG URL parser (whatwg-url with tr46's Unicode tables, ~25 ms of
// every directory command's start) for that one call; the build hands ldapts this
// instead (scripts/build.mjs). The plain form outpost accepts (--ldap-url, settings.ts) is
// answered here with the record whatwg-url gives for it; anything else goes to whatwg-url
// itself, loaded then (tests/ldap-url.test.ts compares the two).
import { createRequire } from 'node:module';

interface UrlRecord {
  readonly scheme: string;
  readonly username: string;
  readonly password: string;
  readonly host: string | number | number[] | null;
  readonly port: number | null;
  readonly path: string[] | string;
  readonly query: string | null;
  readonly fragment: string | null;
}

/** ldap[s]://host[:port][/] with a host name or IPv4 address: the whole of what outpost writes. */
const PLAIN = /^(ldaps?):\/\/([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?(\/?)$/;

export function parseURL(input: string): UrlRecord | null {
  const m = PLAIN.exec(input);
  if (m && (m[3] === undefined || Number(m[3]) <= 0xffff)) {
    // A non-special scheme: the host is kept as written (an opaque host), the path is
    // empty or one empty segment, there is no default port.
    return { scheme: m[1]!, username: '', password: '', host: m[2]!, port: m[3] === undefined ? null : Number(m[3]), path: m[4] ? [''] : [], query: null, fragment: null };
  }
  return whatwg().parseURL(input) as UrlRecord | null;
}

let loaded: { parseURL(input: string): unknown } | undefined;
function whatwg(): { parseURL(input: string): unknown } {
  loaded ??= createRequire(import.meta.url)('whatwg-url') as { parseURL(input: string): unknown };
  return loaded;
}
