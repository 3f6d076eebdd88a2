// What a platform target is: an id, the kind of device it renders, and a render
// function from that kind's intent to files. Targets are registered in targets.ts.
import type { DeviceIntent, DeviceKind } from '../plan/index.js';

export interface RenderedFile {
  /** Appended to `<site>/<hostname>`: `.nft`, `.cfg`, `/wireless`... */
  readonly suffix: string;
  readonly content: string;
}

export interface Target<K extends DeviceKind = DeviceKind> {
  readonly id: string;
  readonly kind: K;
  /** What the target can express; the audit and docs read it. */
  readonly capabilities: readonly string[];
  render(intent: Extract<DeviceIntent, { kind: K }>): readonly RenderedFile[];
}

/** Helps a target module keep its intent type precise while registering as Target. */
export function defineTarget<K extends DeviceKind>(t: Target<K>): Target<K> {
  return t;
}
