// The directory commands hand ldapts a small URL reader instead of whatwg-url (see
// core/directory/ldap-url.ts): for every URL, what ldapts reads from it must be what
// whatwg-url would have told it.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseURL } from '../core/directory/ldap-url.js';

const whatwg = createRequire(import.meta.url)('whatwg-url') as { parseURL(u: string): unknown };

describe('the ldap:// URL an operator passes with --ldap-url', () => {
  const urls = [
    'ldap://127.0.0.1:37581',
    'ldap://127.0.0.1:37581/',
    'ldaps://Dir.Crisis.Example.lu',
    'ldaps://dir.crisis.example.lu:636/',
    'ldap://h:0389',
    'ldap://h:65535',
    'ldap://h:65536',
    'ldap://h:00000000389',
    'LDAP://dir.example.lu',
    'ldap://[::1]:389',
    'ldap://h:',
    'ldap://a.b/c',
    'ldap://user@h',
    'ldap://h/?x#y',
    'http://h',
    'ldap:h',
    '',
  ];
  it.each(urls)('%s reads as whatwg-url reads it', (u) => {
    expect(JSON.parse(JSON.stringify(parseURL(u)))).toEqual(JSON.parse(JSON.stringify(whatwg.parseURL(u))));
  });
});
