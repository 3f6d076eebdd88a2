// The policy shape firewall teams write as ACLs: many source networks, each allowed to
// its own host on its own TCP port, then one final deny. Written as access.yaml text so
// the CLI figure loads, validates and compiles exactly what a user would hand it.
import { net } from '../../core/inventory/index.js';

export interface AclShape {
  /** Number of allow rules before the final deny. */
  readonly rules: number;
  /** The block the destination hosts sit in (a site's block: the rules land on its firewall). */
  readonly block: string;
  /** The roles section to keep (roles are required by the schema). */
  readonly roles: string;
}

/** Source network i: a distinct /24 of 172.16.0.0/12, beyond every site. */
export const aclSource = (i: number): string => `172.${16 + (i >> 8)}.${i & 255}.0/24`;
/** Destination host i: the i-th /32 of the block, past its first 16 addresses. */
export const aclHost = (block: string, i: number): string => net.intToIp(net.parseCidr(block).base + 16 + i);
export const aclPort = (i: number): number => 20000 + i;

export function aclPolicyText(shape: AclShape): string {
  const lines = [`# ${shape.rules} networks, each to its own host and port, then a final deny.`, shape.roles.trimEnd(), 'rules:'];
  for (let i = 0; i < shape.rules; i++) {
    lines.push(
      `  - id: acl-${i}`,
      '    action: allow',
      `    from: [net:${aclSource(i)}]`,
      `    to: [net:${aclHost(shape.block, i)}/32]`,
      `    ports: [${aclPort(i)}/tcp]`,
      '    owner: partner team',
      `    reason: Partner network ${i} reaches its host`,
    );
  }
  lines.push('  - id: acl-final-deny', '    action: deny', '    from: [net:172.16.0.0/12]', `    to: [net:${shape.block}]`, '    owner: security team', '    reason: Nothing else from partner networks');
  return `${lines.join('\n')}\n`;
}
