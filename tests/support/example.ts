// The example inventory and its access policy, loaded once per test file: the national
// case most tests start from. Throws (a broken example is a bug of the suite itself).
import { loadInventory, type Inventory } from '../../core/inventory/index.js';
import { loadPolicy, type AccessPolicy } from '../../core/policy/index.js';
import { platformCatalogue } from '../../core/render/index.js';
import { exampleInventory, repoRoot } from './inventory.js';

export function loadExample(): { inv: Inventory; policy: AccessPolicy } {
  const inv = loadInventory(exampleInventory, { platforms: platformCatalogue() });
  if (!inv.ok) throw new Error('example does not load');
  const policy = loadPolicy(`${repoRoot}/policies/access.yaml`, inv.value);
  if (!policy.ok) throw new Error('policy does not load');
  return { inv: inv.value, policy: policy.value };
}
