// The driver for Linux-based devices (nftables firewalls, openvpn gateways, hostapd and
// OpenWrt APs): files over SSH, an on-device check, and a rollback that the device runs
// by itself. Each platform is a recipe of shell snippets (recipes.ts); the flow is here.
//
// The rollback is armed BEFORE the change: a detached timer (setsid, all fds closed, so
// it outlives the SSH session, outpost and the link) sleeps for the confirm timeout and
// then restores the snapshot unless the push was confirmed. Confirm and rollback race
// for one `mkdir decided`, which is atomic, so exactly one of them wins.
import { connectSsh, sh, type SshConnection } from '../ssh.js';
import { NotAppliedError, type CheckResult, type DeviceConfig, type Driver, type Session, type SshSettings, type Target } from '../types.js';

/** Device-side locations, already shell-quoted, for recipes to use. */
export interface Paths {
  /** outpost's state folder on the device ($S in scripts). */
  readonly state: string;
  /** The live file of managed file i. */
  file(i: number): string;
  /** The staged candidate of managed file i. */
  candidate(i: number): string;
  /** The snapshot of managed file i taken when the rollback was armed. */
  saved(i: number): string;
  /** The root prefix ('' on real devices), for pid files and the like. */
  readonly root: string;
}

export interface Recipe {
  readonly platform: string;
  readonly summary: string;
  /** Managed files: artefact suffix -> absolute path on the device. */
  readonly files: readonly { readonly suffix: string; readonly path: string }[];
  /** Prints the running form of file i; default: the file itself. */
  running?(p: Paths, i: number): string;
  /** Prints the running form of staged file i as the device would list it once applied. */
  normalize?(p: Paths, i: number): string;
  /** Saves what restore() needs under $S/rollback (files are saved already); must fail if it cannot. */
  snapshot?(p: Paths): string;
  /** Restores the snapshot (files are restored already); run by the timer or by rollback. */
  restore?(p: Paths): string;
  /** Exit 0 when the staged candidate is acceptable. */
  validate(p: Paths): string;
  /** Makes the running state follow the files (files are in place already). */
  activate(p: Paths): string;
  /** Health checks of the platform; exit 0 when healthy. */
  check(p: Paths): string;
  /** A running config as a candidate that restores it (see Driver.fromRunning). */
  fromRunning?(content: string, i: number): string;
  /** Files are live (installed on apply) unless the recipe only loads them and installs on confirm. */
  readonly installOn?: 'apply' | 'confirm';
}

const STATE = '/var/lib/outpost/deliver';

/** `staged` names the folder candidates sit in: `candidate` for a push, `normalize` for a comparison. */
function pathsFor(target: Target, recipe: Recipe, staged = 'candidate'): Paths {
  const root = (target.root ?? '').replace(/\/+$/, '');
  return {
    state: sh(`${root}${STATE}`),
    root: sh(root),
    file: (i) => `"$R"${sh(recipe.files[i]!.path)}`,
    candidate: (i) => `"$S/${staged}/${i}"`,
    saved: (i) => `"$S/rollback/${i}"`,
  };
}

/** Maps a device's artefacts onto the recipe's files (a single file matches any suffix). */
export function assignFiles(recipe: Recipe, config: DeviceConfig): string[] {
  if (recipe.files.length === 1 && config.length === 1) return [config[0]!.content];
  return recipe.files.map((f) => {
    const c = config.find((x) => x.name === f.suffix);
    if (!c) throw new Error(`${recipe.platform}: no artefact with suffix ${f.suffix} (have ${config.map((x) => x.name).join(', ')})`);
    return c.content;
  });
}

async function must(conn: SshConnection, what: string, script: string, stdin?: string): Promise<string> {
  const r = await conn.exec(script, stdin === undefined ? {} : { stdin });
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
}

class LinuxSession implements Session {
  private readonly p: Paths;
  private readonly pre: string;
  constructor(
    private readonly conn: SshConnection,
    private readonly target: Target,
    private readonly recipe: Recipe,
  ) {
    this.p = pathsFor(target, recipe);
    this.pre = `S=${this.p.state}; R=${this.p.root}; umask 077; `;
  }

  private names(): string[] {
    return this.recipe.files.map((f) => f.suffix);
  }

  async fetchRunning(): Promise<DeviceConfig> {
    const out: { name: string; content: string }[] = [];
    for (const [i, name] of this.names().entries()) {
      const cmd = this.recipe.running?.(this.p, i) ?? `cat ${this.p.file(i)} 2>/dev/null || true`;
      out.push({ name, content: await must(this.conn, 'reading the running config', this.pre + cmd) });
    }
    return out;
  }

  async normalize(intended: DeviceConfig): Promise<DeviceConfig> {
    if (!this.recipe.normalize) return intended;
    const contents = assignFiles(this.recipe, intended);
    const np = pathsFor(this.target, this.recipe, 'normalize');
    const out: { name: string; content: string }[] = [];
    for (const [i, name] of this.names().entries()) {
      const cmd = `mkdir -p "$S/normalize" && cat > ${np.candidate(i)} && ${this.recipe.normalize(np, i)}`;
      const r = await this.conn.exec(this.pre + cmd, { stdin: contents[i]! });
      // A candidate the device cannot load is shown as written; validate reports why.
      out.push({ name, content: r.code === 0 ? r.stdout : contents[i]! });
    }
    return out;
  }

  async stage(candidate: DeviceConfig): Promise<void> {
    const contents = assignFiles(this.recipe, candidate);
    await must(this.conn, 'preparing the state folder', `${this.pre}mkdir -p "$S" && chmod 700 "$S" && rm -rf "$S/candidate" && mkdir "$S/candidate"`);
    for (const [i, content] of contents.entries()) {
      await must(this.conn, 'staging the candidate', `${this.pre}cat > "$S/candidate/${i}.part" && mv "$S/candidate/${i}.part" ${this.p.candidate(i)}`, content);
    }
  }

  async validate(): Promise<CheckResult> {
    const r = await this.conn.exec(this.pre + this.recipe.validate(this.p));
    return { ok: r.code === 0, output: `${r.stdout}${r.stderr}`.trim() };
  }

  async applyWithConfirm(timeoutSeconds: number): Promise<void> {
    const t = Math.max(1, Math.ceil(timeoutSeconds));
    const n = this.recipe.files.length;
    const idx = [...Array(n).keys()];
    const p = this.p;
    const install = idx.map((i) => `mkdir -p "$(dirname ${p.file(i)})" && cp ${p.candidate(i)} ${p.file(i)}.outpost-new && mv ${p.file(i)}.outpost-new ${p.file(i)}`).join(' && ');
    const restoreFiles = idx
      .map((i) => `if [ -e ${p.saved(i)} ]; then cp ${p.saved(i)} ${p.file(i)}; else rm -f ${p.file(i)}; fi`)
      .join('\n');
    const rollbackScript = [`S=${p.state}; R=${p.root}`, this.recipe.installOn === 'confirm' ? '' : restoreFiles, this.recipe.restore?.(p) ?? this.recipe.activate(p)]
      .filter(Boolean)
      .join('\n');
    const script = [
      this.pre.trim(),
      'set -e',
      // A push awaiting confirmation on this device (another operator, another run) wins.
      `if [ -e "$S/armed" ] && [ ! -d "$S/decided" ] && kill -0 "$(cat "$S/timer.pid" 2>/dev/null)" 2>/dev/null; then echo 'another push is awaiting confirmation on this device' >&2; exit 75; fi`,
      // Exit 75 up to here: nothing changed yet, so the caller must not roll anything back.
      '{ rm -rf "$S/rollback" "$S/decided" "$S/rolled-back" "$S/rollback.log" && mkdir "$S/rollback"; } || exit 75',
      ...idx.map((i) => `if [ -e ${p.file(i)} ]; then cp -p ${p.file(i)} ${p.saved(i)} || exit 75; fi`),
      `{ ${this.recipe.snapshot?.(p) ?? ':'}; } || { echo 'cannot save a snapshot the device could restore; not applying' >&2; exit 75; }`,
      `cat > "$S/rollback.sh" <<'OUTPOST_EOF'\n${rollbackScript}\nOUTPOST_EOF`,
      'touch "$S/armed"',
      // The timer: its own session, no fds tied to this channel, so nothing here can stop it.
      `setsid sh -c 'sleep ${t}; if mkdir "$0/decided" 2>/dev/null; then sh "$0/rollback.sh" >"$0/rollback.log" 2>&1; date >"$0/rolled-back"; fi' "$S" </dev/null >/dev/null 2>&1 &`,
      'echo $! > "$S/timer.pid"',
      this.recipe.installOn === 'confirm' ? ':' : install,
      this.recipe.activate(p),
    ].join('\n');
    const r = await this.conn.exec(script);
    const why = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ');
    if (r.code === 75) throw new NotAppliedError(why);
    if (r.code !== 0) throw new Error(`applying failed (exit ${r.code}): ${why}`);
  }

  async check(): Promise<CheckResult> {
    const r = await this.conn.exec(this.pre + this.recipe.check(this.p));
    return { ok: r.code === 0, output: `${r.stdout}${r.stderr}`.trim() };
  }

  async confirm(): Promise<void> {
    const n = this.recipe.files.length;
    const install = [...Array(n).keys()].map((i) => `mkdir -p "$(dirname ${this.p.file(i)})" && cp ${this.p.candidate(i)} ${this.p.file(i)}`).join(' && ');
    await must(
      this.conn,
      'confirming',
      `${this.pre}if mkdir "$S/decided" 2>/dev/null; then kill -- -"$(cat "$S/timer.pid")" 2>/dev/null || true; ${this.recipe.installOn === 'confirm' ? `${install}; ` : ''}rm -f "$S/armed"; rm -rf "$S/candidate"; else echo 'the device already rolled back (confirm timeout passed)' >&2; exit 3; fi`,
    );
  }

  async rollback(): Promise<void> {
    await must(
      this.conn,
      'rolling back',
      `${this.pre}if mkdir "$S/decided" 2>/dev/null; then kill -- -"$(cat "$S/timer.pid")" 2>/dev/null || true; sh "$S/rollback.sh" >"$S/rollback.log" 2>&1; date > "$S/rolled-back"; rm -f "$S/armed"; elif [ -e "$S/rolled-back" ]; then :; else echo 'already confirmed' >&2; exit 3; fi`,
    );
  }

  async discard(): Promise<void> {
    await this.conn.exec(`${this.pre}rm -rf "$S/candidate" "$S/normalize"`);
  }

  close(): void {
    this.conn.close();
  }
}

export function linuxDriver(recipe: Recipe): Driver {
  return {
    platform: recipe.platform,
    comment: '#',
    summary: recipe.summary,
    ...(recipe.fromRunning ? { fromRunning: (running: DeviceConfig) => running.map((f, i) => ({ name: f.name, content: recipe.fromRunning!(f.content, i) })) } : {}),
    async connect(target: Target, ssh: SshSettings): Promise<Session> {
      return new LinuxSession(await connectSsh(target, ssh), target, recipe);
    },
  };
}
