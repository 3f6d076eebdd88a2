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
  for (const byte of Buffer.from(value, 'utf8')) {
    // `*()\` and NUL are structural; everything outside printable ASCII is hex-escaped
    // too, so the filter string stays plain ASCII whatever the input.
    if (byte === 0x2a || byte === 0x28 || byte === 0x29 || byte === 0x5c || byte < 0x20 || byte >= 0x7f) {
      out += `\\${byte.toString(16).padStart(2, '0')}`;
    } else out += String.fromCharCode(byte);
  }
  return out;
}

/** `(attr=value)` with the value escaped. */
export function eqFilter(attr: string, value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(attr)) throw new Error(`bad attribute name ${attr}`);
  return `(${attr}=${escapeFilterValue(value)})`;
}
