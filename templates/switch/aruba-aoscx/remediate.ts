// The AOS-CX commands that bring a running config back to the rendered one (`outpost
// drift --remediate`), in the order to type them in configuration mode.
import { remediateTree, type CliDialect } from '../../../core/render/remediate-tree.js';

export const AOSCX_CLI: CliDialect = {
  comment: '!',
  idempotent: [/^hostname /, /^description /, /^vlan access /, /^vlan trunk native /, /^vlan trunk allowed /, /^name /, /^ip address /, /^client-limit /],
  // Entries of an ACL are evaluated in order: a changed ACL is rebuilt whole.
  ordered: [/^access-list /],
  ignore: [/^Current configuration/, /^Version /],
  removeSection: (head) => (/^interface 1\/1\/\d+$/.test(head) ? `default ${head}` : `no ${head}`),
  exit: 'exit',
  indent: '    ',
};

export const remediate = (running: string, rendered: string): string[] => remediateTree(running, rendered, AOSCX_CLI);
