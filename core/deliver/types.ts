// The vocabulary of delivery: where a device is, what it should hold, the one small
// driver interface every platform implements, and the per-device result of a push.

/** Where and how to reach one device, resolved from the inventory (and an endpoints file). */
export interface Target {
  readonly hostname: string;
  readonly site: string;
  readonly platform: string;
  /** Management address (or any address that reaches the device's sshd). */
  readonly address: string;
  readonly port: number;
  /** Pinned public host key, `ssh-ed25519 AAAA...`; a known_hosts file may pin it instead. */
  readonly hostKey?: string;
  /** Login name on the device; the push options' default when omitted. */
  readonly user?: string;
  /**
   * Lab devices that share one filesystem (namespaces) keep their files under this
   * folder; every device-side path is prefixed with it. Empty on real devices.
   */
  readonly root?: string;
}

/** One file of a device's configuration, named by its artefact suffix (`.nft`, `.cfg`...). */
export interface ConfigFile {
  readonly name: string;
  readonly content: string;
}

/** A device's whole configuration as outpost manages it: one or more files. */
export type DeviceConfig = readonly ConfigFile[];

export interface CheckResult {
  readonly ok: boolean;
  /** What the device said; shown when the check fails. Never holds secrets. */
  readonly output: string;
}

/** An open session with one device. Every method may throw; the engine turns that into a result. */
export interface Session {
  /** The configuration running now, as the device reports it. */
  fetchRunning(): Promise<DeviceConfig>;
  /**
   * The intended configuration in the form the device would report once applied, so it
   * compares line for line with fetchRunning (nftables lists a ruleset in its own
   * layout). Identity for platforms that keep files as written.
   */
  normalize(intended: DeviceConfig): Promise<DeviceConfig>;
  /** Puts the candidate on the device without applying it. */
  stage(candidate: DeviceConfig): Promise<void>;
  /** Checks the staged candidate on the device; the running config is untouched either way. */
  validate(): Promise<CheckResult>;
  /**
   * Arms an on-device rollback that fires after `timeoutSeconds` unless confirmed, then
   * applies the staged candidate. The rollback survives this session, outpost and the link.
   */
  applyWithConfirm(timeoutSeconds: number): Promise<void>;
  /** The platform's own health checks (daemon alive, table loaded...). */
  check(): Promise<CheckResult>;
  /** Cancels the armed rollback and makes the applied config persistent. */
  confirm(): Promise<void>;
  /** Restores the configuration saved when the rollback was armed, now. */
  rollback(): Promise<void>;
  /** Removes staged files after a push that stopped before apply. */
  discard(): Promise<void>;
  close(): void;
}

/** A platform's driver: connects and returns a session. Registered in drivers/index.ts. */
export interface Driver {
  readonly platform: string;
  /** Marker of a comment line in this platform's config; placeholders there are not secrets. */
  readonly comment: string;
  /** One line for docs and --help. */
  readonly summary: string;
  /**
   * True (the default) when the running config reads back exactly as pushed, so it can be
   * compared with the intended one after apply and for drift. CLI platforms print their
   * own rendering (defaults, order); their drift is measured against the running config
   * saved right after the last confirmed push instead.
   */
  readonly exactRunning?: boolean;
  /**
   * Turns a running config saved in a backup into a candidate that puts the device back
   * exactly there (a listing that only adds must first clear what outpost added).
   * Identity when absent.
   */
  fromRunning?(running: DeviceConfig): DeviceConfig;
  connect(target: Target, ssh: SshSettings): Promise<Session>;
}

/** How outpost authenticates and which host keys it trusts. Secrets stay in here. */
export interface SshSettings {
  readonly user: string;
  /** Private key contents (from a file); the agent is used when absent or as well. */
  readonly privateKey?: Buffer;
  readonly passphrase?: string;
  /** Path of the SSH agent socket (SSH_AUTH_SOCK). */
  readonly agent?: string;
  /** Parsed known_hosts entries, used when the target has no pinned key. */
  readonly knownHosts: readonly import('./hostkeys.js').KnownHost[];
  readonly readyTimeoutMs: number;
  readonly commandTimeoutMs: number;
}

export type Phase = 'connect' | 'backup' | 'diff' | 'stage' | 'validate' | 'apply' | 'health' | 'confirm' | 'rollback';

export const PHASES: readonly Phase[] = ['connect', 'backup', 'diff', 'stage', 'validate', 'apply', 'health', 'confirm'];

export type Outcome =
  /** Applied, checked and confirmed. */
  | 'applied'
  /** Running config already equals the intended one; nothing was applied. */
  | 'unchanged'
  /** Dry run: the diff was computed, nothing staged. */
  | 'planned'
  /** The journal of the resumed run says this device finished with the same config. */
  | 'skipped'
  /** The device refused the candidate; its running config was not touched. */
  | 'invalid'
  /** Applied, then the health check failed and the old config was restored. */
  | 'rolled-back'
  /** No SSH session could be opened. */
  | 'unreachable'
  /** The host key is unknown or changed: outpost did not log in. */
  | 'refused'
  /** Anything else; `detail` says whether the device restores itself. */
  | 'failed';

export const SUCCESS: ReadonlySet<Outcome> = new Set(['applied', 'unchanged', 'planned', 'skipped']);

export interface DeviceResult {
  readonly device: string;
  readonly site: string;
  readonly platform: string;
  readonly outcome: Outcome;
  /** The phase that failed, for failures. */
  readonly phase?: Phase;
  /** One line for people. Never holds secrets. */
  readonly detail: string;
  /** Unified diff running -> intended, secrets shown as placeholders. */
  readonly diff: string;
  readonly changed: boolean;
  /** Folder holding the backup of the running config taken by this push. */
  readonly backup?: string;
  readonly sha256: string;
  readonly ms: number;
}

/** Progress events the engine emits; the CLI draws them, the journal stores them. */
export interface PushEvent {
  readonly device: string;
  readonly phase: Phase | 'done';
  readonly status: 'start' | 'ok' | 'failed';
  readonly detail?: string;
  readonly outcome?: Outcome;
}

/** Thrown by applyWithConfirm when it stopped before changing anything (device busy, no safe snapshot). */
export class NotAppliedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAppliedError';
  }
}

/** The device answered, and its answer was a refusal: it is reachable, it said no. */
export class RefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedError';
  }
}
