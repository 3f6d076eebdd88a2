// The directory as one Pulumi component: `outpost:directory:Directory` holds a RoleGroup
// per role of the access policy and an Account per person of the people files. Accounts
// depend on their role groups, so a new role exists before anyone is put in it.
import * as pulumi from '@pulumi/pulumi';
import { directoryStack, type DirectoryStack } from './plan.js';
import { Account, RoleGroup } from './resources.js';
import type { DirectorySettings } from './types.js';

export interface DirectoryArgs {
  readonly inventory: string;
  readonly directory: DirectorySettings;
  readonly providerModule: string;
}

export class Directory extends pulumi.ComponentResource {
  readonly plan: DirectoryStack;
  readonly roles: Readonly<Record<string, RoleGroup>>;
  readonly accounts: Readonly<Record<string, Account>>;

  constructor(name: string, args: DirectoryArgs, opts?: pulumi.ComponentResourceOptions) {
    // Planned before registering anything: a bad inventory leaves no half-declared component.
    const plan = directoryStack(args.inventory);
    super('outpost:directory:Directory', name, {}, opts);
    this.plan = plan;
    const roles: Record<string, RoleGroup> = {};
    for (const role of this.plan.roles) {
      roles[role] = new RoleGroup(`role-${role}`, { providerModule: args.providerModule, directory: args.directory, role }, { parent: this });
    }
    const accounts: Record<string, Account> = {};
    for (const person of this.plan.people) {
      accounts[person.id] = new Account(
        person.id,
        { providerModule: args.providerModule, directory: args.directory, person: { ...person }, roles: this.plan.roles, issuer: this.plan.issuer },
        { parent: this, dependsOn: person.roles.map((r) => roles[r]!).filter(Boolean) },
      );
    }
    this.roles = roles;
    this.accounts = accounts;
    this.registerOutputs({ roles: this.plan.roles, people: this.plan.people.length });
  }
}
