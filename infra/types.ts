// Shapes shared by the program, its components and the providers.
import type { Person } from '../core/people/index.js';

/** A person as a resource input: the people file's row, without its source location. */
export type KitPerson = Omit<Person, 'source'>;

/** How the providers reach devices; paths are absolute so provider processes find them. */
export interface DeliverySettings {
  readonly stateDir: string;
  readonly endpointsFile?: string;
  readonly secretsDir?: string;
  readonly identityFile?: string;
  readonly knownHostsFile?: string;
  readonly user?: string;
  readonly confirmTimeoutSeconds?: number;
}

export interface DirectorySettings {
  readonly url: string;
  readonly bindDN: string;
  readonly passwordFile: string;
  readonly base: string;
  readonly caFile?: string;
}
