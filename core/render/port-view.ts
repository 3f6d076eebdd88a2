// What a switch template sees of each port: the planned port plus what the target computed
// for it (its interface name, allowed VLAN list, mode and auth flags, port-security settings). Built field by field on
// purpose: `{ ...port, name, ... }` takes V8's slow path (about 30 times slower, measured
// on a 250-site fleet's 57,000 ports), and its objects are slower for the templates to read.
import type { SwitchPort } from '../plan/index.js';

export interface PortView<S extends object = object> extends SwitchPort {
  readonly name: string;
  /** The port's mode as flags, so the template tests it without a helper call per port. */
  readonly trunk: boolean;
  readonly access: boolean;
  /** The trunk's allowed VLANs, comma-separated; empty on other ports. */
  readonly allowed: string;
  readonly dot1x: boolean;
  /**
   * The platform's port-security settings on a port that uses port security, null on the
   * others: the template reads them from the port, so it needs nothing from outside the
   * port's block (see compile-options.ts: such templates run without data frames).
   */
  readonly portSecurity: S | null;
}

export function portView<S extends object>(p: SwitchPort, name: string, allowed: string, security: S): PortView<S> {
  const view: { -readonly [K in keyof PortView<S>]: PortView<S>[K] } = {
    index: p.index,
    uplinkPort: p.uplinkPort,
    mode: p.mode,
    vlan: p.vlan,
    tagged: p.tagged,
    description: p.description,
    auth: p.auth,
    shutdown: p.shutdown,
    name,
    trunk: p.mode === 'trunk',
    access: p.mode === 'access',
    allowed,
    dot1x: p.mode === 'access' && p.auth === 'dot1x',
    portSecurity: p.mode === 'access' && p.auth === 'port-security' ? security : null,
  };
  // Only the ports that have them carry these, as in the plan (a strict template reading
  // one on another port fails loudly, as it did before).
  if (p.zone !== undefined) view.zone = p.zone;
  if (p.peer !== undefined) view.peer = p.peer;
  return view;
}
