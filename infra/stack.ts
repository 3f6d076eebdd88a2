// A stack's `outpost:*` settings turned into the program's settings. Shared by the entry
// point the Pulumi CLI runs (infra/index.ts) and by `outpost infra`, which runs the same
// program inline through the Automation API: relative paths are taken from the project
// folder in both cases, as the Pulumi CLI runs a program from there.
import * as pulumi from '@pulumi/pulumi';
import { resolve } from 'node:path';
import { outpostProgram } from './program.js';

/** Reads the stack settings and declares the site and/or the directory. */
export function programFromConfig(projectDir: string, providerModule: string): ReturnType<typeof outpostProgram> {
  const config = new pulumi.Config('outpost');
  const path = (key: string) => {
    const v = config.get(key);
    return v === undefined ? undefined : resolve(projectDir, v);
  };
  const optional = <T>(key: string, v: T | undefined) => (v === undefined ? {} : { [key]: v });
  const ldapUrl = config.get('ldapUrl');
  const devices = config.getObject<string[]>('devices');
  return outpostProgram({
    inventory: path('inventory') ?? resolve(projectDir, '../inventory'),
    ...optional('site', config.get('site')),
    ...optional('devices', devices),
    delivery: {
      stateDir: path('stateDir') ?? resolve(projectDir, '../.outpost'),
      ...optional('endpointsFile', path('endpoints')),
      ...optional('secretsDir', path('secretsDir')),
      ...optional('identityFile', path('identityFile')),
      ...optional('knownHostsFile', path('knownHosts')),
      ...optional('user', config.get('user')),
      ...optional('confirmTimeoutSeconds', config.getNumber('confirmTimeout')),
    },
    ...(ldapUrl
      ? {
          directory: {
            url: ldapUrl,
            bindDN: config.require('bindDn'),
            passwordFile: path('passwordFile') ?? config.require('passwordFile'),
            base: config.require('baseDn'),
            ...optional('caFile', path('ldapCa')),
          },
        }
      : {}),
    providerModule,
  });
}

/** What a stack exports: the site's devices with their hashes, or the directory's size. */
export function stackOutputs(program: ReturnType<typeof outpostProgram>): Record<string, unknown> {
  return {
    site: program.site?.plan.code,
    devices: program.site ? Object.fromEntries(program.site.plan.devices.map((d) => [d.hostname, d.sha256])) : undefined,
    people: program.directory?.plan.people.length,
  };
}
