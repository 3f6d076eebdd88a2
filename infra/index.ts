// Entry point the Pulumi CLI runs (built to dist/infra/index.js): reads the stack's
// `outpost:*` settings and declares the site and/or the directory.
import * as pulumi from '@pulumi/pulumi';
import { resolve } from 'node:path';
import { outpostProgram } from './program.js';

const config = new pulumi.Config('outpost');
const path = (key: string) => {
  const v = config.get(key);
  return v === undefined ? undefined : resolve(v);
};
const optional = <T>(key: string, v: T | undefined) => (v === undefined ? {} : { [key]: v });
const ldapUrl = config.get('ldapUrl');

const program = outpostProgram({
  inventory: path('inventory') ?? resolve('../inventory'),
  ...optional('site', config.get('site')),
  delivery: {
    stateDir: path('stateDir') ?? resolve('../.outpost'),
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
  // The providers are built beside this file (scripts/build.mjs).
  providerModule: new URL('./providers.js', import.meta.url).href,
});

export const site = program.site?.plan.code;
export const devices = program.site ? Object.fromEntries(program.site.plan.devices.map((d) => [d.hostname, d.sha256])) : undefined;
export const people = program.directory?.plan.people.length;
