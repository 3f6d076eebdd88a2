// What a platform target is: an id, the kind of device it renders, and a render
// function from that kind's intent to files. Targets are registered in targets.ts.
import type { SourceLocation } from '../diagnostics.js';
import type { DeviceIntent, DeviceKind } from '../plan/index.js';
import type { SeenDevice } from './running.js';

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
   * into what that text shows, in the device's terms; a pure function of the text alone.
   * The audit compares it with the intent; platforms without it are audited by drift alone.
   */
  readRunning?(running: string): Extract<SeenDevice, { kind: K }>;
  /**
   * The ordered commands that bring a device running `running` back to `rendered` (both
   * as text, secrets as placeholders), for `outpost drift --remediate`. Pure.
   */
  remediate?(running: string, rendered: string): readonly string[];
}

/** Helps a target module keep its intent type precise while registering as Target. */
export function defineTarget<K extends DeviceKind>(t: Target<K>): Target<K> {
  return t;
}
