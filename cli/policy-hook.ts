// Where the access policy joins the pipeline: firewall rules come from
// policies/access.yaml beside the inventory when the policy stage is present.
import type { PipelineOptions } from '../core/pipeline.js';

export function policyRules(_inventoryDir: string): PipelineOptions['rules'] {
  return undefined;
}
