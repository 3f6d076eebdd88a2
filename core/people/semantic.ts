// Checks across all people files: references to the inventory and the policy, and
// uniqueness of everything that identifies a person or a device.
import { error, warning, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import type { PersonInput } from './fields.js';
import type { KnownNames } from './model.js';
import { landingZone } from '../policy/model.js';

export interface Located {
  readonly value: PersonInput;
  /** Where the person's record starts. */
  readonly where: SourceLocation;
  /** Where one field (`id`, `laptop.mac`, ...) is. */
  at(field: string): SourceLocation;
}

const near = (names: Iterable<string>, s: string): string => {
  const list = [...names].sort();
  const close = list.filter((n) => n.startsWith(s.slice(0, 3)));
  return (close.length ? close : list).slice(0, 8).join(', ');
};

const fmt = (l: SourceLocation) => `${l.file}:${l.line}`;

export function checkPeople(people: readonly Located[], known: KnownNames): Diagnostic[] {
  const out: Diagnostic[] = [];
  const unique = new Map<string, Located>();
  const once = (kind: string, what: string, key: string | undefined, p: Located, field: string) => {
    if (key === undefined) return;
    const k = `${kind}\u0000${key}`;
    const prior = unique.get(k);
    if (prior) out.push(error(`duplicate-${kind}`, `${what} ${key} is also used by ${prior.value.id} (${fmt(prior.at(field))})`, { ...p.at(field), path: field }));
    else unique.set(k, p);
  };
  for (const p of people) {
    const v = p.value;
    once('person', 'id', v.id, p, 'id');
    once('mail', 'mail', v.mail, p, 'mail');
    once('extension', 'extension', v.extension, p, 'extension');
    once('laptop', 'laptop', v.laptop?.tag, p, 'laptop.tag');
    once('mac', 'MAC', v.laptop?.mac, p, 'laptop.mac');
    if (!known.sites.has(v.site)) {
      out.push(error('unknown-site', `unknown site ${v.site}; sites are: ${near(known.sites, v.site)}`, { ...p.at('site'), path: 'site' }));
    }
    const seen = new Set<string>();
    for (const r of v.roles) {
      if (!known.roles.has(r)) out.push(error('unknown-role', `unknown role ${r}; roles in the access policy are: ${near(known.roles, r)}`, { ...p.at('roles'), path: 'roles' }));
      if (seen.has(r)) out.push(warning('duplicate-role', `role ${r} is listed twice for ${v.id}`, { ...p.at('roles'), path: 'roles' }));
      seen.add(r);
    }
    if (known.landing && v.roles.every((r) => known.roles.has(r)) && known.sites.has(v.site)) out.push(...checkLanding(p, known.landing));
  }
  return out;
}

/** The RADIUS server must know which zone's VLAN to give a person on site. */
function checkLanding(p: Located, landing: NonNullable<KnownNames['landing']>): Diagnostic[] {
  const v = p.value;
  const lands = landingZone(landing.roles, v.roles);
  if (!lands) {
    const zoned = landing.roles.filter((r) => r.zone).map((r) => r.name);
    const which = v.roles.length === 1 ? `role ${v.roles[0]} gives no zone` : `none of the roles ${v.roles.join(', ')} gives a zone`;
    return [error('no-zone', `${v.id}: ${which} to land in on site (802.1X, staff Wi-Fi); give the role a zone: in the access policy${zoned.length ? ` (roles with one: ${zoned.join(', ')})` : ''}`, { ...p.at('roles'), path: 'roles' })];
  }
  if (!landing.siteZones.get(v.site)?.has(lands.zone)) {
    return [error('no-zone', `${v.id}: role ${lands.role} lands in zone ${lands.zone}, which site ${v.site} does not have`, { ...p.at('site'), path: 'site' })];
  }
  return [];
}
