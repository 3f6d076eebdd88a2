// The few helpers templates may use. Anything smarter belongs in the planner or in the
// target module, so templates stay a page of formatting.
import type { HelperDelegate } from 'handlebars';

/** A secret is never rendered: delivery replaces this placeholder on the device. */
export const secretPlaceholder = (name: string): string => `%%OUTPOST_SECRET(${name})%%`;

export const helpers: Record<string, HelperDelegate> = {
  secret: (ref: { secret: string } | string) => secretPlaceholder(typeof ref === 'string' ? ref : ref.secret),
  join: (items: readonly unknown[], sep: unknown) => items.join(typeof sep === 'string' ? sep : ', '),
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  not: (a: unknown) => !a,
  quote: (s: unknown) => `"${String(s)}"`,
  upper: (s: unknown) => String(s).toUpperCase(),
  add: (a: number, b: number) => a + b,
};
