// The DeviceConfig provider: one device's rendered configuration as a Pulumi resource.
// Every step is core/deliver's, never a second implementation: prepareSite renders and
// gathers the work, pushSite pushes it transactionally (backup, validate, apply with the
// on-device rollback timer, health check, confirm), driftOf reads it back, baselineWork
// restores what the device ran before outpost.
import type * as pulumi from '@pulumi/pulumi';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { baselineWork, driftOf, prepareSite, pushSite, type Prepared, type Work } from '../../core/deliver/index.js';
import { policyRules } from '../../cli/policy-hook.js';
import type { DeliverySettings } from '../types.js';

export interface DeviceConfigInputs extends DeliverySettings {
  /** Where this provider's code lives (the serialized provider loads it from here). */
  readonly providerModule: string;
  readonly inventory: string;
  readonly site: string;
  readonly device: string;
  readonly platform: string;
  /** sha256 of the device's rendered artefacts: the resource changes when and only when it does. */
  readonly sha256: string;
}

export interface DeviceConfigOutputs extends DeviceConfigInputs {
  /** The config the device was last confirmed with. */
  readonly pushedSha256: string;
  /** Set by read (pulumi refresh): the device no longer runs what outpost would push. */
  readonly drifted: boolean;
  readonly driftDetail: string;
  /** The push run that last changed the device (journal under stateDir/runs). */
  readonly run: string;
}

function prepare(i: DeviceConfigInputs): Prepared & { work: readonly Work[] } {
  const p = prepareSite({
    inventoryDir: i.inventory,
    site: i.site,
    devices: [i.device],
    rules: policyRules(i.inventory),
    ...(i.endpointsFile ? { endpointsFile: i.endpointsFile } : {}),
    ...(i.secretsDir ? { secretsDir: i.secretsDir } : {}),
    ...(i.identityFile ? { identityFile: i.identityFile } : {}),
    ...(i.knownHostsFile ? { knownHostsFile: i.knownHostsFile } : {}),
    ...(i.user ? { user: i.user } : {}),
  });
  if (!p.ok || p.work.length !== 1) throw new Error(`${i.device}: ${p.diagnostics.map(formatDiagnostic).join('\n') || 'no such device in the site'}`);
  return p;
}

async function pushWork(i: DeviceConfigInputs, p: Prepared, work: Work): Promise<string> {
  const report = await pushSite(i.site, [work], { stateDir: i.stateDir, ssh: p.ssh, secrets: p.secrets, confirmTimeoutSeconds: i.confirmTimeoutSeconds ?? 120 });
  const r = report.results[0]!;
  if (r.outcome !== 'applied' && r.outcome !== 'unchanged') {
    throw new Error(`${i.device}: ${r.outcome} at ${r.phase}: ${r.detail}${r.outcome === 'rolled-back' ? ' (the device restored its previous config)' : ''}`);
  }
  return report.run;
}

async function push(i: DeviceConfigInputs): Promise<DeviceConfigOutputs> {
  const p = prepare(i);
  const work = p.work[0]!;
  // The stack planned this exact config; an inventory edited since must be previewed again.
  if (work.sha256 !== i.sha256) throw new Error(`${i.device}: the inventory now renders ${work.sha256.slice(0, 12)}, not the ${i.sha256.slice(0, 12)} this update planned; run the update again`);
  const run = await pushWork(i, p, work);
  return { ...i, pushedSha256: work.sha256, drifted: false, driftDetail: '', run };
}

const REPLACE_ON = ['site', 'device', 'platform'] as const;

export const deviceConfigProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: DeviceConfigOutputs, news: DeviceConfigInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = REPLACE_ON.filter((k) => olds[k] !== news[k]);
    // A refresh that found drift makes the next update push again, even with the same sha.
    const changes = replaces.length > 0 || olds.sha256 !== news.sha256 || olds.drifted === true;
    return { changes, replaces: [...replaces], deleteBeforeReplace: true, stables: ['site', 'device', 'platform'] };
  },

  async create(inputs: DeviceConfigInputs): Promise<pulumi.dynamic.CreateResult> {
    return { id: `${inputs.site}/${inputs.device}`, outs: await push(inputs) };
  },

  async update(_id: string, _olds: DeviceConfigOutputs, news: DeviceConfigInputs): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: await push(news) };
  },

  async read(id: string, props: DeviceConfigOutputs): Promise<pulumi.dynamic.ReadResult> {
    const p = prepare(props);
    const [d] = await driftOf(p.work, { ssh: p.ssh, secrets: p.secrets, stateDir: props.stateDir });
    if (!d || d.state === 'unreachable') throw new Error(`${props.device}: cannot read the running config: ${d?.detail ?? 'no result'}`);
    return { id, props: { ...props, drifted: d.state === 'drifted', driftDetail: d.state === 'drifted' ? `${d.detail}\n${d.diff}` : '' } };
  },

  async delete(_id: string, props: DeviceConfigOutputs): Promise<void> {
    const p = prepare(props);
    const baseline = baselineWork(props.stateDir, p.work[0]!);
    if (!baseline) throw new Error(`${props.device}: no backup in ${props.stateDir}/history to restore; the device keeps its config`);
    await pushWork(props, p, baseline);
  },
};
