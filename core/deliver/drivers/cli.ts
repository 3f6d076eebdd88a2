// Drivers for network operating systems driven through their command line (Cisco IOS,
// Aruba AOS-CX, FortiOS): one interactive shell per session, paging off, and each
// platform's own commit-confirm mechanism, described by a dialect (cisco-ios.ts...).
import { connectSsh, type SshConnection } from '../ssh.js';
import { RefusedError, type CheckResult, type DeviceConfig, type Driver, type Session, type SshSettings, type Target } from '../types.js';
import { Dialogue } from './dialogue.js';

export interface Dialect {
  readonly platform: string;
  readonly summary: string;
  readonly comment: string;
  /** Any prompt of the device, in every mode. */
  readonly prompt: RegExp;
  /** Commands run once after login (paging off...). */
  readonly setup: readonly string[];
  /** Output lines that mean the device refused a command. */
  readonly errors: RegExp;
  readonly showRunning: string;
  cleanRunning(text: string): string;
  /** A harmless command that must succeed on a healthy device. */
  readonly check: string;
  stage(s: CliSession, content: string): Promise<void>;
  validate(s: CliSession, content: string): Promise<CheckResult>;
  apply(s: CliSession, timeoutSeconds: number, content: string): Promise<void>;
  confirm(s: CliSession): Promise<void>;
  rollback(s: CliSession): Promise<void>;
  discard(s: CliSession): Promise<void>;
}

/** Config lines worth sending: no comments, no blank lines, trailing spaces trimmed. */
export function configLines(content: string, comment: string): string[] {
  return content
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith(comment));
}

export class CliSession implements Session {
  private candidate = '';
  constructor(
    readonly conn: SshConnection,
    readonly dialogue: Dialogue,
    readonly dialect: Dialect,
    readonly target: Target,
  ) {}

  /** Runs one command; throws with the device's words when it prints an error line. */
  async run(command: string, opts: { prompt?: RegExp; allowErrors?: boolean } = {}): Promise<string> {
    const out = await this.dialogue.send(command, opts.prompt);
    const bad = out.split('\n').find((l) => this.dialect.errors.test(l));
    if (bad && !opts.allowErrors) throw new RefusedError(`${this.target.hostname} refused "${command}": ${bad.trim()}`);
    return out;
  }

  async fetchRunning(): Promise<DeviceConfig> {
    return [{ name: '', content: this.dialect.cleanRunning(await this.run(this.dialect.showRunning)) }];
  }

  async normalize(intended: DeviceConfig): Promise<DeviceConfig> {
    return intended.map((f) => ({ ...f, name: '' }));
  }

  async stage(candidate: DeviceConfig): Promise<void> {
    this.candidate = candidate.map((f) => f.content).join('\n');
    await this.dialect.stage(this, this.candidate);
  }

  validate(): Promise<CheckResult> {
    return this.dialect.validate(this, this.candidate);
  }

  applyWithConfirm(timeoutSeconds: number): Promise<void> {
    return this.dialect.apply(this, timeoutSeconds, this.candidate);
  }

  async check(): Promise<CheckResult> {
    try {
      return { ok: true, output: await this.run(this.dialect.check) };
    } catch (e) {
      return { ok: false, output: (e as Error).message };
    }
  }

  confirm(): Promise<void> {
    return this.dialect.confirm(this);
  }

  rollback(): Promise<void> {
    return this.dialect.rollback(this);
  }

  discard(): Promise<void> {
    return this.dialect.discard(this);
  }

  close(): void {
    this.dialogue.close();
    this.conn.close();
  }
}

export function cliDriver(dialect: Dialect): Driver {
  return {
    platform: dialect.platform,
    comment: dialect.comment,
    summary: dialect.summary,
    // `show running-config` never prints the rendered text byte for byte (defaults, order).
    exactRunning: false,
    async connect(target: Target, ssh: SshSettings): Promise<Session> {
      const conn = await connectSsh(target, ssh);
      try {
        const dialogue = new Dialogue(await conn.shell(), dialect.prompt, ssh.commandTimeoutMs, target.hostname);
        await dialogue.waitPrompt();
        const s = new CliSession(conn, dialogue, dialect, target);
        for (const c of dialect.setup) await s.run(c);
        return s;
      } catch (e) {
        conn.close();
        throw e;
      }
    },
  };
}
