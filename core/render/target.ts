// What a platform target is: an id, the kind of device it renders, and a render
// function from that kind's intent to files. Targets are registered in targets.ts.
import type { SourceLocation } from '../diagnostics.js';
import type { DeviceIntent, DeviceKind } from '../plan/index.js';

/** Where a policy rule is defined, by its id; the audit passes it so parsed rules keep their origin. */
export type RuleOrigin = (rule: string) => (SourceLocation & { readonly rule: string }) | undefined;

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
  /**
   * Reads the configuration a device runs (as its delivery driver fetched it, one text)
   * back into the intent shape, starting from the intended intent for what it cannot
   * read. The audit calls it; platforms without it are audited by drift alone.
   */
  readRunning?(running: string, intended: Extract<DeviceIntent, { kind: K }>, origin: RuleOrigin): Extract<DeviceIntent, { kind: K }>;
}

/** Helps a target module keep its intent type precise while registering as Target. */
export function defineTarget<K extends DeviceKind>(t: Target<K>): Target<K> {
  return t;
}
