// Escaping for the two places a value is spliced into LDAP syntax. Even though people
// fields are validated, every DN and filter outpost builds goes through these, so a value
// can never change the structure of a DN (RFC 4514) or a filter (RFC 4515).

/** Escapes an attribute value for use inside an RDN, e.g. uid=<value>. */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const code = c.charCodeAt(0);
    if (code === 0) out += '\\00';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).padStart(2, '0')}`;
    else if ('"+,;<>\\='.includes(c)) out += `\\${c}`;
    else if ((i === 0 && (c === ' ' || c === '#')) || (i === value.length - 1 && c === ' ')) out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** Escapes a value for an equality or substring assertion in a search filter. */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const c of value) {
    const code = c.codePointAt(0)!;
    // `*()\` and NUL are structural (RFC 4515); other control characters are escaped so
    // the filter stays printable. Non-ASCII stays as UTF-8 text: the client library
    // unescapes \xx one byte per character, so hex-escaping UTF-8 bytes would garble it.
    if (c === '*' || c === '(' || c === ')' || c === '\\' || code < 0x20 || code === 0x7f) out += `\\${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return out;
}

/** `(attr=value)` with the value escaped. */
export function eqFilter(attr: string, value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(attr)) throw new Error(`bad attribute name ${attr}`);
  return `(${attr}=${escapeFilterValue(value)})`;
}
