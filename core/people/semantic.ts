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
  // One index per kind of identifier, so 11,670 people cost lookups, not built keys.
  const unique = (kind: string, what: string, field: string) => {
    const first = new Map<string, Located>();
    return (key: string | undefined, p: Located) => {
      if (key === undefined) return;
      const prior = first.get(key);
      if (prior) out.push(error(`duplicate-${kind}`, `${what} ${key} is also used by ${prior.value.id} (${fmt(prior.at(field))})`, { ...p.at(field), path: field }));
      else first.set(key, p);
    };
  };
  const person = unique('person', 'id', 'id');
  const mail = unique('mail', 'mail', 'mail');
  const extension = unique('extension', 'extension', 'extension');
  const laptop = unique('laptop', 'laptop', 'laptop.tag');
  const mac = unique('mac', 'MAC', 'laptop.mac');
  // People of the same roles land alike: each combination is looked up once.
  const landings = new Map<string, Landing>();
  for (const p of people) {
    const v = p.value;
    person(v.id, p);
    mail(v.mail, p);
    extension(v.extension, p);
    laptop(v.laptop?.tag, p);
    mac(v.laptop?.mac, p);
    if (!known.sites.has(v.site)) {
      out.push(error('unknown-site', `unknown site ${v.site}; sites are: ${near(known.sites, v.site)}`, { ...p.at('site'), path: 'site' }));
    }
    const roles = v.roles;
    let rolesKnown = true;
    for (let i = 0; i < roles.length; i++) {
      const r = roles[i]!;
      if (!known.roles.has(r)) {
        rolesKnown = false;
        out.push(error('unknown-role', `unknown role ${r}; roles in the access policy are: ${near(known.roles, r)}`, { ...p.at('roles'), path: 'roles' }));
      }
      if (i > 0 && roles.indexOf(r) < i) out.push(warning('duplicate-role', `role ${r} is listed twice for ${v.id}`, { ...p.at('roles'), path: 'roles' }));
    }
    if (known.landing && rolesKnown && known.sites.has(v.site)) {
      const key = roles.length === 1 ? roles[0]! : roles.join(' ');
      let lands = landings.get(key);
      if (!lands) landings.set(key, (lands = { at: landingZone(known.landing.roles, v.roles) }));
      checkLanding(p, known.landing, lands.at, out);
    }
  }
  return out;
}

interface Landing {
  readonly at: ReturnType<typeof landingZone>;
}

/** The RADIUS server must know which zone's VLAN to give a person on site (`lands`: the zone the person's roles give). */
function checkLanding(p: Located, landing: NonNullable<KnownNames['landing']>, lands: ReturnType<typeof landingZone>, out: Diagnostic[]): void {
  const v = p.value;
  if (!lands) {
    const zoned = landing.roles.filter((r) => r.zone).map((r) => r.name);
    const which = v.roles.length === 1 ? `role ${v.roles[0]} gives no zone` : `none of the roles ${v.roles.join(', ')} gives a zone`;
    out.push(error('no-zone', `${v.id}: ${which} to land in on site (802.1X, staff Wi-Fi); give the role a zone: in the access policy${zoned.length ? ` (roles with one: ${zoned.join(', ')})` : ''}`, { ...p.at('roles'), path: 'roles' }));
  } else if (!landing.siteZones.get(v.site)?.has(lands.zone)) {
    out.push(error('no-zone', `${v.id}: role ${lands.role} lands in zone ${lands.zone}, which site ${v.site} does not have`, { ...p.at('site'), path: 'site' }));
  }
}
