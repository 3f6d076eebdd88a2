// Where the access policy joins the pipeline: firewall rules come from
// policies/access.yaml beside the inventory (when it exists).
import { existsSync } from 'node:fs';
import type { PipelineOptions } from '../core/pipeline.js';
import { compilePolicy, loadPolicy, policyFileFor, today } from '../core/policy/index.js';
import { warning } from '../core/diagnostics.js';

export function policyRules(inventoryDir: string, file = policyFileFor(inventoryDir)): PipelineOptions['rules'] {
  if (!existsSync(file)) return undefined;
  return (inv) => {
    const loaded = loadPolicy(file, inv);
    if (!loaded.ok) return { diagnostics: loaded.diagnostics };
    const compiled = compilePolicy(inv, loaded.value, today());
    const expired = compiled.expired.map((r) =>
      warning('expired-rule', `rule ${r.id} expired on ${r.expires} and is left out of every config`, { ...r.source, path: 'expires' }),
    );
    return { compiler: compiled.compiler, diagnostics: [...loaded.diagnostics, ...compiled.diagnostics, ...expired] };
  };
}
