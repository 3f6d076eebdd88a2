// The dynamic resources. Pulumi serializes a dynamic provider's code into the state and
// runs it later in its own process; a provider that imported outpost's modules would drag
// them (and their native dependencies) into that text. So each resource carries a small
// forwarding provider with no captured variables: it imports the built providers module
// named by the `providerModule` input and calls the real method there.
import * as pulumi from '@pulumi/pulumi';

type Method = 'create' | 'diff' | 'update' | 'read' | 'delete';

function forwarding(kind: 'DeviceConfig' | 'Account' | 'RoleGroup'): pulumi.dynamic.ResourceProvider {
  // Each method names its kind literally: the serialized text must be self-contained.
  const body = (method: Method, args: string) =>
    new Function(
      ...args.split(',').map((a) => a.trim()),
      `return (async () => {
        const settings = ${method === 'create' ? 'inputs' : method === 'diff' || method === 'update' ? 'news' : 'props'};
        const mod = await import(settings.providerModule);
        return mod.providers[${JSON.stringify(kind)}].${method}(${args});
      })();`,
    ) as (...a: unknown[]) => Promise<never>;
  return {
    create: body('create', 'inputs'),
    diff: body('diff', 'id, olds, news'),
    update: body('update', 'id, olds, news'),
    read: body('read', 'id, props'),
    delete: body('delete', 'id, props'),
  };
}

const deviceConfig = forwarding('DeviceConfig');
const account = forwarding('Account');
const roleGroup = forwarding('RoleGroup');

export interface DeviceConfigArgs {
  readonly providerModule: pulumi.Input<string>;
  readonly inventory: pulumi.Input<string>;
  readonly site: pulumi.Input<string>;
  readonly device: pulumi.Input<string>;
  readonly platform: pulumi.Input<string>;
  readonly sha256: pulumi.Input<string>;
  readonly stateDir: pulumi.Input<string>;
  readonly endpointsFile?: pulumi.Input<string>;
  readonly secretsDir?: pulumi.Input<string>;
  readonly identityFile?: pulumi.Input<string>;
  readonly knownHostsFile?: pulumi.Input<string>;
  readonly user?: pulumi.Input<string>;
  readonly confirmTimeoutSeconds?: pulumi.Input<number>;
}

/** One device's configuration, pushed transactionally by outpost. */
export class DeviceConfig extends pulumi.dynamic.Resource {
  declare readonly sha256: pulumi.Output<string>;
  declare readonly pushedSha256: pulumi.Output<string>;
  declare readonly drifted: pulumi.Output<boolean>;
  declare readonly driftDetail: pulumi.Output<string>;
  constructor(name: string, args: DeviceConfigArgs, opts?: pulumi.CustomResourceOptions) {
    // The drift diff may quote the running config: kept as a secret in the state.
    super(deviceConfig, name, { pushedSha256: undefined, drifted: undefined, driftDetail: undefined, run: undefined, ...args }, { ...opts, additionalSecretOutputs: ['driftDetail'] }, 'outpost', 'DeviceConfig');
  }
}

export interface AccountArgs {
  readonly providerModule: pulumi.Input<string>;
  readonly directory: pulumi.Input<{ url: string; bindDN: string; passwordFile: string; base: string; caFile?: string }>;
  readonly person: pulumi.Input<Record<string, unknown>>;
  readonly roles: pulumi.Input<readonly string[]>;
  readonly issuer: pulumi.Input<string>;
}

/** One agent's directory entry, role membership and TOTP enrolment. */
export class Account extends pulumi.dynamic.Resource {
  declare readonly dn: pulumi.Output<string>;
  declare readonly password: pulumi.Output<string>;
  declare readonly otpauthUri: pulumi.Output<string>;
  declare readonly locked: pulumi.Output<boolean>;
  declare readonly memberOf: pulumi.Output<string[]>;
  constructor(name: string, args: AccountArgs, opts?: pulumi.CustomResourceOptions) {
    super(account, name, { dn: undefined, password: undefined, otpauthUri: undefined, locked: undefined, memberOf: undefined, ...args }, { ...opts, additionalSecretOutputs: ['password', 'otpauthUri'] }, 'outpost', 'Account');
  }
}

export interface RoleGroupArgs {
  readonly providerModule: pulumi.Input<string>;
  readonly directory: AccountArgs['directory'];
  readonly role: pulumi.Input<string>;
}

/** One role group of the directory (its members come with the accounts). */
export class RoleGroup extends pulumi.dynamic.Resource {
  declare readonly role: pulumi.Output<string>;
  constructor(name: string, args: RoleGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(roleGroup, name, { ...args }, opts, 'outpost', 'RoleGroup');
  }
}
