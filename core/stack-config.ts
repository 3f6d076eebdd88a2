// The Pulumi stack settings of one site, merged into an existing Pulumi.<site>.yaml
// without touching what the Pulumi CLI keeps there (encryption salt, secrets, other
// namespaces), so writing it again never breaks a stack.
import { isMap, parseDocument } from 'yaml';

export interface StackSettings {
  readonly site: string;
  /** Paths as they should appear in the file (relative to the project folder). */
  readonly inventory: string;
  readonly stateDir: string;
  readonly secretsDir?: string;
  readonly identityFile?: string;
  readonly knownHosts?: string;
  readonly endpoints?: string;
  readonly user?: string;
  /** Only these devices of the site; every device when absent. */
  readonly devices?: readonly string[];
}

const KEYS: readonly [keyof StackSettings, string][] = [
  ['site', 'outpost:site'],
  ['inventory', 'outpost:inventory'],
  ['stateDir', 'outpost:stateDir'],
  ['secretsDir', 'outpost:secretsDir'],
  ['identityFile', 'outpost:identityFile'],
  ['knownHosts', 'outpost:knownHosts'],
  ['endpoints', 'outpost:endpoints'],
  ['user', 'outpost:user'],
  ['devices', 'outpost:devices'],
];

/** The new file text: `existing` (when given) with its outpost:* settings replaced. */
export function stackConfig(s: StackSettings, header: string, existing?: string): string {
  const doc = parseDocument(existing ?? `# ${header}\nconfig: {}\n`);
  if (doc.errors.length) throw new Error(`the existing stack file is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (!isMap(doc.contents)) throw new Error('the existing stack file is not a mapping of settings');
  if (!doc.has('config')) doc.set('config', doc.createNode({}));
  const config = doc.get('config');
  if (!isMap(config)) throw new Error('the existing stack file has a `config` that is not a mapping');
  config.flow = false;
  for (const [key, name] of KEYS) {
    const v = s[key];
    if (v === undefined) config.delete(name);
    else config.set(name, typeof v === 'string' ? v : doc.createNode([...v], { flow: true }));
  }
  return doc.toString();
}
