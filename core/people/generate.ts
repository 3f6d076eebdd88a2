// Realistic, deterministic people for the example inventory and for the national-scale
// benchmark (11,670 VPN agents). Same seed, same people: benchmarks stay comparable.
import type { Person } from './model.js';

export interface GenerateOptions {
  readonly count: number;
  readonly sites: readonly { readonly code: string; readonly kind: string }[];
  /** Role names the access policy defines; the generator only uses these. */
  readonly roles: readonly string[];
  readonly domain: string;
  readonly seed?: number;
  /** Temporary contracts end within a year after this day (YYYY-MM-DD). */
  readonly from?: string;
}

const GIVEN = [
  'Marie', 'Anne', 'Sophie', 'Julie', 'Laura', 'Sarah', 'Claire', 'Nathalie', 'Sandra', 'Martine', 'Carole', 'Sylvie', 'Michèle', 'Joëlle', 'Isabelle',
  'Ana', 'Catarina', 'Inês', 'Mariana', 'Beatriz', 'Sofia', 'Joana', 'Rita', 'Francesca', 'Giulia', 'Chiara', 'Lena', 'Lea', 'Emma', 'Mia', 'Charlotte',
  'Jean', 'Marc', 'Paul', 'Luc', 'Pierre', 'Michel', 'Patrick', 'Laurent', 'Thierry', 'Claude', 'Yves', 'Serge', 'Georges', 'Frank', 'Tom', 'Max',
  'João', 'Pedro', 'Rui', 'Tiago', 'Nuno', 'Luís', 'Miguel', 'André', 'Marco', 'Luca', 'Matteo', 'Giuseppe', 'Ben', 'Noah', 'Luca', 'Jeff', 'Gilles',
  'Pol', 'Fränz', 'Jang', 'Mett', 'Lis', 'Nico', 'Steve', 'Kevin', 'Yannick', 'Olivier', 'Christophe', 'Sébastien', 'Raphaël', 'Zoé', 'Chloé', 'Amélie',
];
const SURNAMES = [
  'Schmit', 'Muller', 'Weber', 'Wagner', 'Hoffmann', 'Thill', 'Schmitz', 'Klein', 'Schroeder', 'Reuter', 'Kremer', 'Meyer', 'Becker', 'Kieffer', 'Welter',
  'Schiltz', 'Majerus', 'Hansen', 'Weis', 'Ries', 'Schneider', 'Back', 'Lentz', 'Faber', 'Goergen', 'Kayser', 'Steffen', 'Theis', 'Marx', 'Bernard',
  'da Silva', 'dos Santos', 'Ferreira', 'Pereira', 'Gonçalves', 'Rodrigues', 'Martins', 'Lopes', 'Fernandes', 'Costa', 'Almeida', 'Carvalho', 'Oliveira',
  'Sousa', 'Ribeiro', 'Pinto', 'Teixeira', 'Marques', 'Moreira', 'Correia', 'Dubois', 'Lambert', 'Martin', 'Leroy', 'Lefèvre', 'Petit', 'Durand', 'Simon',
  'Laurent', 'Michel', 'Garcia', 'Rossi', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Greco', 'Bruno', 'Gallo', 'Conti', 'Fischer', 'Koch', 'Richter',
  'Wolff', 'Schäfer', 'Zimmer', 'Krier', 'Hilbert', 'Jacoby', 'Bettendorf', 'Origer', 'Fellens', 'Wilmes', 'Hengen', "D'Angelo", 'Ney', 'Pütz', 'Heinen',
];

/** Roles a site of each kind employs, most common first; filtered by the policy's roles. */
const ROLES_BY_KIND: Record<string, readonly string[]> = {
  tracing: ['tracing-agent', 'tracing-supervisor', 'helpdesk'],
  vaccination: ['vaccination-staff', 'vaccination-lead', 'care-staff'],
  care: ['care-staff', 'medical-staff', 'doctor'],
  consultation: ['consultation-staff', 'care-staff', 'medical-staff', 'doctor'],
  'crisis-cell': ['crisis-cell', 'helpdesk', 'netadmin', 'security'],
};
/** How many agents of each kind of site, relative (tracing and vaccination dominate). */
const WEIGHT: Record<string, number> = { tracing: 30, vaccination: 10, care: 4, consultation: 3, 'crisis-cell': 5 };

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

export function generatePeople(o: GenerateOptions): Omit<Person, 'source'>[] {
  const rand = rng(o.seed ?? 2020);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const known = new Set(o.roles);
  const fallback = o.roles[0];
  if (!fallback) throw new Error('generatePeople needs at least one role');
  const weighted: { code: string; kind: string; w: number }[] = o.sites.map((s) => ({ ...s, w: WEIGHT[s.kind] ?? 2 }));
  const total = weighted.reduce((n, s) => n + s.w, 0);
  const from = new Date(`${o.from ?? '2021-01-01'}T00:00:00Z`).getTime();
  const ids = new Set<string>();
  let ext = 2000;
  let tag = 10000;
  const out: Omit<Person, 'source'>[] = [];
  for (let i = 0; i < o.count; i++) {
    let r = rand() * total;
    const site = weighted.find((s) => (r -= s.w) < 0) ?? weighted[weighted.length - 1]!;
    const given = pick(GIVEN);
    const surname = pick(SURNAMES);
    const base = `${ascii(given).slice(0, 12)}.${ascii(surname).slice(0, 14)}`;
    let id = base;
    for (let n = 2; ids.has(id); n++) id = `${base}${n}`;
    ids.add(id);
    const candidates = (ROLES_BY_KIND[site.kind] ?? []).filter((x) => known.has(x));
    const main = candidates.length ? (rand() < 0.85 ? candidates[0]! : pick(candidates)) : fallback;
    const roles = [main];
    if (candidates.length > 1 && rand() < 0.04) roles.push(pick(candidates));
    const temporary = site.kind === 'tracing' || site.kind === 'vaccination' ? rand() < 0.6 : rand() < 0.2;
    const endDate = temporary ? new Date(from + Math.floor(rand() * 365) * 86_400_000).toISOString().slice(0, 10) : undefined;
    const phone = site.kind === 'tracing' || rand() < 0.3;
    const laptop = rand() < 0.9;
    const mac = laptop ? Array.from({ length: 6 }, (_, k) => (k === 0 ? 0x3c : Math.floor(rand() * 256)).toString(16).padStart(2, '0')).join(':') : undefined;
    out.push({
      id,
      givenName: given,
      surname,
      mail: `${id}@${o.domain}`,
      site: site.code,
      roles: [...new Set(roles)].sort(),
      ...(endDate ? { endDate } : {}),
      ...(laptop ? { laptop: { tag: `LT-${tag++}`, ...(mac ? { mac } : {}) } } : {}),
      ...(phone ? { extension: String(ext++) } : {}),
    });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}
