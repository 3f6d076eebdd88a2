// The IOS commands that bring a running config back to the rendered one (`outpost drift
// --remediate`), in the order to type them in configuration mode.
import { remediateTree, type CliDialect } from '../../../core/render/remediate-tree.js';

export const IOS_CLI: CliDialect = {
  comment: '!',
  // `transport input` is left out on purpose: negating the old list first is right on every IOS
  // release, whichever way it treats a second `transport input`.
  idempotent: [
    /^hostname /,
    /^description /,
    /^switchport mode /,
    /^switchport access vlan /,
    /^switchport trunk native vlan /,
    /^switchport trunk allowed vlan /,
    /^switchport port-security maximum /,
    /^switchport port-security violation /,
    /^exec-timeout /,
    /^ip address /,
    /^ip default-gateway /,
  ],
  // Entries of an ACL are evaluated in order: a changed ACL is rebuilt whole.
  ordered: [/^ip access-list /],
  // What `show running-config` prints that no rendered config carries.
  ignore: [/^version /, /^boot-(start|end)-marker$/, /^Building configuration/, /^Current configuration/],
  // A physical interface cannot be removed, only returned to its defaults.
  removeSection: (head) => (/^interface (GigabitEthernet|TenGigabitEthernet)/.test(head) ? `default ${head}` : `no ${head}`),
  exit: 'exit',
  indent: ' ',
};

export const remediate = (running: string, rendered: string): string[] => remediateTree(running, rendered, IOS_CLI);
