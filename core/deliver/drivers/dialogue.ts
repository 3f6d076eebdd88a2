// A command-line dialogue with a network device over an interactive SSH shell: send a
// line, wait for the prompt, return what the device printed in between (without the
// echo of the command and without the prompt). Pagers are answered with a space.
import type { ClientChannel } from 'ssh2';

// Terminal control sequences some CLIs print around prompts and pagers.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Z0-9]|\r/g;
const PAGER = /--\s?More\s?--|-- MORE --|Press any key to continue/i;

export class Dialogue {
  private buf = '';
  private waiter: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly ch: ClientChannel,
    private prompt: RegExp,
    private readonly timeoutMs: number,
    private readonly device: string,
  ) {
    ch.on('data', (d: Buffer) => {
      this.buf += d.toString('utf8').replace(ANSI, '');
      if (PAGER.test(this.buf)) {
        this.buf = this.buf.replace(PAGER, '');
        ch.write(' ');
      }
      this.waiter?.();
    });
    ch.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  /** Changes what a prompt looks like (configuration modes change it). */
  setPrompt(prompt: RegExp): void {
    this.prompt = prompt;
  }

  /** Waits for the prompt and returns (and consumes) everything before it. */
  async waitPrompt(prompt = this.prompt): Promise<string> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const m = prompt.exec(this.buf);
      if (m) {
        const out = this.buf.slice(0, m.index);
        this.buf = this.buf.slice(m.index + m[0].length);
        return out;
      }
      if (this.closed) throw new Error(`${this.device}: the session closed while waiting for the prompt (last output: ${JSON.stringify(this.buf.slice(-200))})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.device}: no prompt after ${this.timeoutMs} ms (last output: ${JSON.stringify(this.buf.slice(-200))})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          this.waiter = undefined;
          resolve();
        };
      });
    }
  }

  /** Sends one line and returns the device's answer up to the next prompt. */
  async send(line: string, prompt?: RegExp): Promise<string> {
    if (this.closed) throw new Error(`${this.device}: the session is closed`);
    this.ch.write(`${line}\n`);
    const out = await this.waitPrompt(prompt);
    // Drop the device's echo of the command (the first line).
    const lines = out.split('\n');
    if (lines[0]!.trimEnd().endsWith(line.trimEnd())) lines.shift();
    return lines.join('\n');
  }

  close(): void {
    this.ch.end();
  }
}
