// A site as one Pulumi component: `outpost:site:Site` holds one DeviceConfig per device
// of the site, each keyed by the sha256 of what outpost renders for it, so a preview
// shows exactly the devices an inventory or policy change touches.
import * as pulumi from '@pulumi/pulumi';
import { siteStack, type SiteStack } from './plan.js';
import { DeviceConfig, type DeviceConfigArgs } from './resources.js';
import type { DeliverySettings } from './types.js';

export interface SiteArgs {
  /** Absolute path of the inventory folder. */
  readonly inventory: string;
  readonly site: string;
  /** Only these devices (e.g. the ones a lab twin runs); every device of the site when absent. */
  readonly devices?: readonly string[];
  readonly delivery: DeliverySettings;
  /** URL of the built providers module (dist/infra/providers.js). */
  readonly providerModule: string;
}

export class Site extends pulumi.ComponentResource {
  readonly plan: SiteStack;
  readonly devices: Readonly<Record<string, DeviceConfig>>;

  constructor(name: string, args: SiteArgs, opts?: pulumi.ComponentResourceOptions) {
    // Planned before registering anything: a bad inventory leaves no half-declared component.
    const plan = siteStack(args.inventory, args.site, args.devices);
    super('outpost:site:Site', name, {}, opts);
    this.plan = plan;
    const devices: Record<string, DeviceConfig> = {};
    for (const d of this.plan.devices) {
      const inputs: DeviceConfigArgs = {
        providerModule: args.providerModule,
        inventory: args.inventory,
        site: args.site,
        device: d.hostname,
        platform: d.platform,
        sha256: d.sha256,
        ...args.delivery,
      };
      devices[d.hostname] = new DeviceConfig(d.hostname, inputs, { parent: this });
    }
    this.devices = devices;
    this.registerOutputs({
      block: this.plan.block,
      zones: this.plan.zones,
      devices: Object.fromEntries(this.plan.devices.map((d) => [d.hostname, d.sha256])),
    });
  }
}
