// Reads a firewall's running ruleset (`nft -s list ruleset`): the forward chain's rules
// in order (their comment names the policy rule), the sets, and from the input chain
// which management ports are open and to whom. Matches outpost does not use are ignored,
// which can only make a rule look wider than it is: the audit errs on the side of a
// finding, and the drift control reports the edit itself. A ruleset says nothing of NTP,
// syslog or SNMP, so those stay unknown.
import { net } from '../../../core/inventory/index.js';
import type { AddressSet, RuleService } from '../../../core/plan/index.js';
import type { SeenFirewall, SeenMatch, SeenRule } from '../../../core/render/running.js';

interface Chain {
  readonly name: string;
  readonly lines: string[];
}

/** Splits the listing into sets (name -> elements) and chains (rule lines), joining wrapped lines. */
function structure(text: string): { sets: Map<string, string[]>; chains: Chain[] } {
  const sets = new Map<string, string[]>();
  const chains: Chain[] = [];
  let set: string | undefined;
  let chain: Chain | undefined;
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = (pending ? `${pending} ${raw.trim()}` : raw.trim()).replace(/\s+/g, ' ');
    // nft wraps long element lists and anonymous sets over several lines.
    if ((line.match(/\{/g) ?? []).length > (line.match(/\}/g) ?? []).length && !/^(table|chain|set|map) /.test(line)) {
      pending = line;
      continue;
    }
    pending = '';
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^set (\S+) \{$/))) set = m[1];
    else if ((m = line.match(/^chain (\S+) \{$/))) chains.push((chain = { name: m[1]!, lines: [] }));
    else if (line === '}') (set ? (set = undefined) : (chain = undefined));
    else if (set && (m = line.match(/^elements = \{ (.*) \}$/))) sets.set(set, m[1]!.split(',').map((e) => e.trim()).filter(Boolean));
    else if (chain && line && !line.startsWith('#') && !/^type /.test(line)) chain.lines.push(line);
  }
  return { sets, chains };
}

/** `"a"`, `{ "a", "b" }`, `@set`, `10.0.0.0/8`, `{ 80, 443 }` -> the values. */
function values(tokens: string[], i: number): { items: string[]; next: number } {
  if (tokens[i] !== '{') return { items: [tokens[i]!.replace(/^"|"$/g, '').replace(/,$/, '')], next: i + 1 };
  const items: string[] = [];
  let j = i + 1;
  for (; j < tokens.length && tokens[j] !== '}'; j++) items.push(tokens[j]!.replace(/,$/, '').replace(/^"|"$/g, ''));
  return { items: items.filter(Boolean), next: j + 1 };
}

const portRange = (p: string) => {
  const [a, b] = p.split('-').map(Number);
  return { from: a!, to: b ?? a! };
};

/** nft lists merged intervals as `a-b` when they are not one prefix; the model speaks CIDR. */
export function toCidrs(element: string): string[] {
  if (!element.includes('-')) return [element.includes('/') ? element : `${element}/32`];
  const [a, b] = element.split('-').map((x) => net.ipToInt(x.trim()));
  const out: string[] = [];
  for (let lo = a!; lo <= b! && lo >= a!; ) {
    let prefix = 32;
    while (prefix > 0) {
      const size = net.size(prefix - 1);
      if (lo % size !== 0 || lo + size - 1 > b!) break;
      prefix--;
    }
    out.push(`${net.intToIp(lo)}/${prefix}`);
    lo += net.size(prefix);
    if (lo > 0xffffffff) break;
  }
  return out;
}

const tokenize = (line: string) => line.replace(/([{}])/g, ' $1 ').trim().split(/\s+/);

/** `lan.10` is VLAN 10 on `lan` (the Linux sub-interface name); other names stay names. */
function addIface(side: { vlans: number[]; ifaces: string[] }, name: string): void {
  const vlan = name.match(/^[A-Za-z0-9_-]+\.(\d+)$/)?.[1];
  if (vlan) side.vlans.push(Number(vlan));
  else side.ifaces.push(name);
}

/** TCP ports an input-chain line accepts, or undefined when it is not such a line. */
function acceptedTcp(line: string): number[] | undefined {
  if (!/\baccept\b/.test(line)) return undefined;
  const t = tokenize(line);
  const at = t.findIndex((x, i) => x === 'tcp' && t[i + 1] === 'dport');
  if (at < 0) return undefined;
  return values(t, at + 2).items.flatMap((p) => {
    const r = portRange(p);
    return Array.from({ length: Math.min(r.to - r.from + 1, 65536) }, (_, i) => r.from + i);
  });
}

export function readRunning(text: string): SeenFirewall {
  const { sets: rawSets, chains } = structure(text);
  const sets: AddressSet[] = [...rawSets].map(([name, elements]) => ({ name, addresses: elements.flatMap(toCidrs), comment: 'running' }));
  const extra = (addresses: string[]) => {
    const name = `running_${sets.length}`;
    sets.push({ name, addresses, comment: 'literal addresses in a running rule' });
    return name;
  };

  const rules: SeenRule[] = [];
  for (const [n, line] of (chains.find((c) => c.name === 'forward')?.lines ?? []).entries()) {
    if (/^ct state /.test(line)) continue;
    const t = tokenize(line);
    const from = { any: true, vlans: [] as number[], ifaces: [] as string[], sets: [] as string[] };
    const to = { any: true, vlans: [] as number[], ifaces: [] as string[], sets: [] as string[] };
    const services: RuleService[] = [];
    let action: 'accept' | 'drop' | undefined;
    let comment = '';
    for (let i = 0; i < t.length; ) {
      const tok = t[i]!;
      if (tok === 'iifname' || tok === 'oifname') {
        const v = values(t, i + 1);
        const side = tok === 'iifname' ? from : to;
        side.any = false;
        v.items.forEach((x) => addIface(side, x));
        i = v.next;
      } else if (tok === 'ip' && (t[i + 1] === 'saddr' || t[i + 1] === 'daddr')) {
        const v = values(t, i + 2);
        const side = t[i + 1] === 'saddr' ? from : to;
        side.any = false;
        side.sets.push(v.items.length === 1 && v.items[0]!.startsWith('@') ? v.items[0]!.slice(1) : extra(v.items.flatMap(toCidrs)));
        i = v.next;
      } else if ((tok === 'tcp' || tok === 'udp') && t[i + 1] === 'dport') {
        const v = values(t, i + 2);
        services.push({ proto: tok, ports: v.items.map(portRange) });
        i = v.next;
      } else if (tok === 'meta' && t[i + 1] === 'l4proto') {
        const proto = t[i + 2] as RuleService['proto'];
        if (proto === 'tcp' || proto === 'udp' || proto === 'icmp') services.push({ proto, ports: [] });
        i += 3;
      } else if (tok === 'accept' || tok === 'drop' || tok === 'reject') {
        action = tok === 'accept' ? 'accept' : 'drop';
        i++;
      } else if (tok === 'comment') {
        comment = (t[i + 1] ?? '').replace(/^"|"$/g, '');
        i += 2;
      } else i++;
    }
    if (!action) continue;
    rules.push({ ...(comment ? { rule: comment } : {}), at: `forward line ${n + 1}`, text: line, action, from: from as SeenMatch, to: to as SeenMatch, services });
  }

  // Management: the input chain drops by default; every TCP port it accepts is a way in.
  // sshd's port is not in the ruleset, so any accepted TCP port other than telnet's and
  // the web's counts as the SSH one.
  const input = chains.find((c) => c.name === 'input')?.lines ?? [];
  const tcp = input.map((l) => ({ l, ports: acceptedTcp(l) })).filter((x): x is { l: string; ports: number[] } => !!x.ports);
  const open = (ports: number[]) => tcp.some((x) => x.ports.some((p) => ports.includes(p)));
  const managementFrom = tcp.flatMap(({ l }) => {
    const m = l.match(/ip saddr (\{ [^}]* \}|\S+)/);
    return m ? m[1]!.replace(/[{}]/g, '').split(',').map((s) => s.trim()).filter(Boolean).flatMap(toCidrs) : ['0.0.0.0/0'];
  });
  return {
    kind: 'firewall',
    sets,
    rules,
    managementFrom: [...new Set(managementFrom)],
    mgmtServices: {
      ssh: tcp.some((x) => x.ports.some((p) => ![23, 80, 443, 8080].includes(p))),
      telnet: open([23]),
      http: open([80, 443, 8080]),
    },
  };
}
