// The desired state as one LDIF, in the order a plain `ldapadd` loads it (containers,
// people, then role groups). The benchmark loads it to measure the baseline apply is
// held to; it is also handy for handing a directory to another team.
import { MANAGED, FIRST_UID, type DesiredPerson, type DesiredState } from './layout.js';

const SAFE = /^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$/;

function line(attr: string, value: string): string {
  // RFC 2849: anything not "safe" (non-ASCII, leading space/colon/<, trailing space) is base64.
  return SAFE.test(value) && !value.endsWith(' ') ? `${attr}: ${value}\n` : `${attr}:: ${Buffer.from(value, 'utf8').toString('base64')}\n`;
}

export function desiredLdif(d: DesiredState): string {
  const parts: string[] = [];
  const entry = (dn: string, attrs: Record<string, readonly string[]>) => {
    let s = line('dn', dn);
    for (const [k, vs] of Object.entries(attrs)) for (const v of vs) s += line(k, v);
    parts.push(s);
  };
  for (const c of d.containers) entry(c.dn, c.attrs);
  let uid = FIRST_UID;
  for (const p of d.people.values()) {
    const attrs: Record<string, readonly string[]> = { objectClass: p.objectClasses, uid: [p.id] };
    for (const a of MANAGED) if (p.attrs[a].length) attrs[a] = p.attrs[a];
    attrs.uidNumber = [String(uid++)];
    entry(p.dn, attrs);
  }
  for (const [role, members] of d.roles) {
    entry(`cn=${role},${d.layout.roles}`, { objectClass: ['groupOfNames'], cn: [role], member: members.length ? members : [d.layout.placeholder] });
  }
  return parts.join('\n');
}

/**
 * One person's entry and role memberships as `directory apply` keeps them, for the
 * administrators' copy in the kit. Without uidNumber (the directory hands those out), so
 * it documents the entry rather than loads it.
 */
export function personLdif(p: DesiredPerson, roleDNs: readonly string[]): string {
  let s = `# Directory entry of ${p.id} as outpost directory apply keeps it (uidNumber assigned there).\n`;
  s += line('dn', p.dn);
  for (const c of p.objectClasses) s += line('objectClass', c);
  s += line('uid', p.id);
  for (const a of MANAGED) for (const v of p.attrs[a]) s += line(a, v);
  for (const r of roleDNs) s += `# member of ${r}\n`;
  return s;
}
