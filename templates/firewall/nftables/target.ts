// nftables: one atomic ruleset file per firewall (`nft -f` applies it as one
// transaction). Match expressions are built here so the template stays formatting.
import { portSpan, type AddressSet, type FirewallIntent, type FirewallRule, type RuleMatch, type RuleService } from '../../../core/plan/index.js';
import { defineTarget } from '../../../core/render/target.js';
import { template } from '../../../core/render/engine.js';
import { readRunning } from './running.js';
import { remediate } from './remediate.js';

const q = (s: string) => `"${s}"`;
const group = (items: readonly string[]) => (items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`);

function side(m: RuleMatch, dir: 'saddr' | 'daddr', fw: Pick<FirewallIntent, 'zones'>): string[] {
  if (m.any) return [];
  const parts: string[] = [];
  // Most ACL sides name no zone: no lists for them.
  const ifaces = m.zones.length ? m.zones.map((z) => fw.zones.find((x) => x.name === z)?.iface).filter((x): x is string => !!x) : m.zones;
  if (ifaces.length) parts.push(`${dir === 'saddr' ? 'iifname' : 'oifname'} ${group(ifaces.map(q))}`);
  if (m.sets.length === 1) parts.push(`ip ${dir} @${m.sets[0]}`);
  // A packet cannot be in two sets at once in one expression; several sets on one side
  // are merged by the compiler, so more than one here is a compiler bug.
  else if (m.sets.length > 1) throw new Error(`nftables: rule side with ${m.sets.length} sets; the compiler must merge them`);
  return parts;
}

function serviceMatch(s: RuleService): string {
  if (s.proto === 'icmp') return 'meta l4proto icmp';
  if (!s.ports.length) return `meta l4proto ${s.proto}`;
  return `${s.proto} dport ${group(s.ports.map(portSpan))}`;
}

/** One nft line per protocol of a rule, all carrying the rule id as comment. */
export function ruleLines(rule: FirewallRule, fw: Pick<FirewallIntent, 'zones'>): string[] {
  // No array spreads: a fresh process runs this for every rule before it is optimised.
  const head = side(rule.from, 'saddr', fw);
  const to = side(rule.to, 'daddr', fw);
  for (let i = 0; i < to.length; i++) head.push(to[i]!);
  const verdict = `${rule.action} comment ${q(rule.id)}`;
  if (!rule.services.length) {
    head.push(verdict);
    return [head.join(' ')];
  }
  const prefix = head.length ? `${head.join(' ')} ` : '';
  if (rule.services.length === 1) return [`${prefix}${serviceMatch(rule.services[0]!)} ${verdict}`];
  return rule.services.map((s) => `${prefix}${serviceMatch(s)} ${verdict}`);
}

/** What the template shows of a set (built field by field: thousands at ACL scale). */
export const setView = (s: AddressSet) => ({ name: s.name, comment: s.comment, elements: s.addresses.join(', ') });

export default defineTarget({
  id: 'nftables',
  kind: 'firewall',
  capabilities: ['zones', 'address-sets', 'nat', 'management-acl', 'stateful', 'rule-comments'],
  render(fw) {
    const zoneIfaces = fw.zones.map((z) => q(z.iface));
    const masq = fw.zones.filter((z) => fw.masquerade.includes(z.name)).map((z) => z.subnet);
    const mgmtZone = fw.zones.find((z) => z.vlan === fw.mgmt.vlan);
    const content = template('firewall/nftables', 'ruleset.nft.hbs')({
      fw,
      zoneIfaces: group(zoneIfaces),
      managementFrom: group([...fw.managementFrom]),
      mgmtIface: mgmtZone ? q(mgmtZone.iface) : null,
      masquerade: masq.length ? group(masq) : null,
      sets: fw.sets.map(setView),
      rules: fw.rules.map((r) => ({ rule: r, lines: ruleLines(r, fw) })),
    });
    return [{ suffix: '.nft', content }];
  },
  readRunning,
  remediate,
});
