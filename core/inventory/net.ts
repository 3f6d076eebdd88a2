// Address arithmetic on IPv4 as 32-bit integers: the planner's hot path. netmask gives
// parsing and validation; plain integers make overlap and carving cheap.
import { Netmask } from 'netmask';

export interface Block {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
}

export function ipToInt(ip: string): number {
  // Dotted quads read in place, with no array per address: the compiler and the planner
  // ask for tens of thousands at ACL scale. Anything else takes the general reading.
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c >= 48 && c <= 57 && digits < 3) {
      octet = octet * 10 + (c - 48);
      digits++;
    } else if (c === 46 && digits > 0 && dots < 3) {
      n = (n << 8) | octet;
      octet = 0;
      digits = 0;
      dots++;
    } else return splitToInt(ip);
  }
  if (dots !== 3 || digits === 0) return splitToInt(ip);
  return ((n << 8) | octet) >>> 0;
}

function splitToInt(ip: string): number {
  const p = ip.split('.');
  return (((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0);
}

export function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function size(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** Parses `a.b.c.d/n`; throws on a value the schema should have rejected. */
export function parseCidr(cidr: string): Block {
  // Plain decimal `a.b.c.d/n` is read in place: the compiler parses every address of every
  // rule, and a Netmask object (eight dotted strings) each time showed in the audit's profile.
  // Anything else (leading zeros read as octal, hex, short forms, errors) is netmask's to read.
  const fast = plainCidr(cidr);
  if (fast) return fast;
  const nm = new Netmask(cidr);
  return { base: ipToInt(nm.base), prefix: nm.bitmask };
}

/** `a.b.c.d/n` with decimal octets 0-255 without leading zeros and n 0-32, else undefined. */
function plainCidr(s: string): Block | undefined {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return undefined; // 010 is octal to netmask
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46 && digits > 0 && dots < 3) {
      n = (n << 8) | octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c === 47 && digits > 0 && dots === 3) break;
    else return undefined;
  }
  if (i === s.length) return undefined;
  const ip = ((n << 8) | octet) >>> 0;
  let prefix = 0;
  digits = 0;
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57 || (digits === 1 && prefix === 0)) return undefined;
    prefix = prefix * 10 + (c - 48);
    if (++digits > 2) return undefined;
  }
  if (digits === 0 || prefix > 32) return undefined;
  const maskLong = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ip & maskLong) >>> 0, prefix };
}

/** True when the CIDR has no host bits set (10.0.0.0/8, not 10.0.0.1/8). */
/** True for `a.b.c.d/n` with octets 0-255 and n 0-32: what Netmask accepts without throwing. */
export function isCidrShape(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

export function isNetworkAddress(cidr: string): boolean {
  if (!isCidrShape(cidr)) return false;
  const [ip] = cidr.split('/');
  return new Netmask(cidr).base === ip;
}

export function cidr(b: Block): string {
  return `${intToIp(b.base)}/${b.prefix}`;
}

export function last(b: Block): number {
  return b.base + size(b.prefix) - 1;
}

export function overlaps(a: Block, b: Block): boolean {
  return a.base <= last(b) && b.base <= last(a);
}

export function contains(outer: Block, inner: Block): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && last(inner) <= last(outer);
}

export function containsIp(outer: Block, ip: number): boolean {
  return ip >= outer.base && ip <= last(outer);
}

/** Smallest prefix whose block holds `hosts` usable addresses (network and broadcast excluded). */
export function prefixFor(hosts: number): number {
  let prefix = 30;
  while (prefix > 0 && size(prefix) - 2 < hosts) prefix--;
  return prefix;
}

export function mask(prefix: number): string {
  return intToIp(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}
