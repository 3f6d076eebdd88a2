// What a control is: a pure function from the audit inputs to the objects it checked,
// each with the evidence of a problem when there is one. The engine turns that into
// findings, pass rates, scope and waivers, so controls stay small.
import type { DeviceIntent } from '../../plan/index.js';
import type { SeenDevice } from '../../render/index.js';
import type { Against, AuditInputs, AuditObject, ControlDef } from '../model.js';

export interface Check {
  readonly object: AuditObject;
  readonly against: Against;
  /** Evidence of the problem; absent when the object passes. */
  readonly problem?: string;
  /** Why the object could not be judged (a fact the running config does not show); never a pass. */
  readonly unknown?: string;
}

export interface ControlContext {
  readonly inputs: AuditInputs;
  readonly def: ControlDef;
  readonly against: readonly Against[];
}

export interface Control {
  readonly id: string;
  /** The inputs the control reads; it is not evaluated when none of them is in the audit. */
  readonly needs: readonly Against[];
  readonly params?: readonly string[];
  /** Why the control cannot run on the inputs it has, if so. */
  missing?(ctx: ControlContext): string | undefined;
  run(ctx: ControlContext): Iterable<Check>;
}

/**
 * A device as one source sees it: the intent outpost would push, or (against running)
 * what its reader saw, beside the intent that names and locates it.
 */
export type DeviceView = { readonly intent: DeviceIntent; readonly against: 'intended'; readonly seen?: undefined } | { readonly intent: DeviceIntent; readonly against: 'running'; readonly seen: SeenDevice };

/** Every device in scope, intended and/or running, as the audit's `--against` asks. */
export function* devices(ctx: ControlContext): Iterable<DeviceView> {
  const { scope } = ctx.def;
  const inScope = (d: DeviceIntent) =>
    (!scope.kinds.length || scope.kinds.includes(d.kind)) &&
    (!scope.platforms.length || scope.platforms.includes(d.platform)) &&
    (!scope.sites.length || scope.sites.includes(d.site));
  if (ctx.against.includes('intended')) {
    for (const s of ctx.inputs.sites) for (const d of s.devices) if (inScope(d)) yield { intent: d, against: 'intended' };
  }
  if (ctx.against.includes('running')) {
    for (const r of ctx.inputs.running ?? []) if (r.intended && r.seen && inScope(r.intended)) yield { intent: r.intended, against: 'running', seen: r.seen };
  }
}

export const deviceObject = (d: DeviceIntent): AuditObject => ({ kind: 'device', id: d.hostname, site: d.site, device: d.hostname, at: d.source });

/** A zone list from the scope, or every zone when the scope names none. */
export const zoneInScope = (ctx: ControlContext, zone: string | undefined): boolean => !ctx.def.scope.zones.length || (zone !== undefined && ctx.def.scope.zones.includes(zone));

export const roleInScope = (ctx: ControlContext, role: string): boolean => !ctx.def.scope.roles.length || ctx.def.scope.roles.includes(role);

export function stringList(ctx: ControlContext, name: string, fallback: readonly string[]): readonly string[] {
  const v = ctx.def.params[name];
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : fallback;
}
