// One line per command family. Each module exports `register(program)` and imports
// its heavy dependencies lazily inside the action, so `outpost --help` stays fast.
import type { Command } from 'commander';
import { register as validate } from './validate.js';
import { register as render } from './render.js';
import { register as plan } from './plan.js';
import { register as identity } from './identity.js';
import { register as push } from './push.js';
import { register as drift } from './drift.js';
import { register as policy } from './policy.js';
import { register as labSite } from './lab-site.js';
import { register as audit } from './audit.js';
import { register as infra } from './infra.js';
import { register as pki } from './pki.js';
import { register as vpn } from './vpn.js';

export function registerAll(program: Command): void {
  for (const register of [validate, plan, render, identity, push, drift, policy, audit, infra, pki, vpn, labSite]) register(program);
}
