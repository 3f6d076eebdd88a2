// Interface names of the IOS switches outpost renders, shared by rendering and by the
// reader of running configs.
import type { SwitchIntent, SwitchPort } from '../../../core/plan/index.js';

/** Front ports are 1/0/N; the network-module uplinks are counted from 1 again on 1/1/N. */
export function portName(p: SwitchPort, sw: SwitchIntent): string {
  return p.uplinkPort ? `TenGigabitEthernet1/1/${p.index - sw.frontPorts}` : `GigabitEthernet1/0/${p.index}`;
}
