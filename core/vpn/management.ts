// OpenVPN's management interface, as documented in its management-notes: line-based;
// notifications start with '>', a command's answer is SUCCESS:/ERROR: (or a block that
// ends with END). >CLIENT: notifications are followed by >CLIENT:ENV lines up to
// >CLIENT:ENV,END and are atomic.

export type ClientEvent =
  | { readonly type: 'CONNECT' | 'REAUTH'; readonly cid: string; readonly kid: string; readonly env: ReadonlyMap<string, string> }
  | { readonly type: 'ESTABLISHED' | 'DISCONNECT'; readonly cid: string; readonly env: ReadonlyMap<string, string> }
  | { readonly type: 'ADDRESS'; readonly cid: string; readonly address: string };

export type ManagementLine = { readonly kind: 'client'; readonly event: ClientEvent } | { readonly kind: 'reply'; readonly ok: boolean; readonly text: string } | { readonly kind: 'other'; readonly text: string };

/** Accumulates lines and yields complete messages. Pure: feed it text, read messages. */
export class ManagementParser {
  private buffer = '';
  private pending: { type: string; cid: string; kid: string; env: Map<string, string> } | undefined;

  feed(chunk: string): ManagementLine[] {
    this.buffer += chunk;
    const out: ManagementLine[] = [];
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      const m = this.line(line);
      if (m) out.push(m);
    }
    return out;
  }

  private line(line: string): ManagementLine | undefined {
    if (line.startsWith('>CLIENT:ENV,')) {
      const kv = line.slice('>CLIENT:ENV,'.length);
      if (!this.pending) return undefined;
      if (kv === 'END') {
        const p = this.pending;
        this.pending = undefined;
        if (p.type === 'CONNECT' || p.type === 'REAUTH') return { kind: 'client', event: { type: p.type, cid: p.cid, kid: p.kid, env: p.env } };
        return { kind: 'client', event: { type: p.type as 'ESTABLISHED' | 'DISCONNECT', cid: p.cid, env: p.env } };
      }
      const eq = kv.indexOf('=');
      if (eq > 0) this.pending.env.set(kv.slice(0, eq), kv.slice(eq + 1));
      return undefined;
    }
    const c = /^>CLIENT:(CONNECT|REAUTH|ESTABLISHED|DISCONNECT|ADDRESS),([^,]+)(?:,([^,]*))?(?:,(.*))?$/.exec(line);
    if (c) {
      if (c[1] === 'ADDRESS') return { kind: 'client', event: { type: 'ADDRESS', cid: c[2]!, address: c[3] ?? '' } };
      this.pending = { type: c[1]!, cid: c[2]!, kid: c[3] ?? '', env: new Map() };
      return undefined;
    }
    if (line.startsWith('SUCCESS:')) return { kind: 'reply', ok: true, text: line.slice(8).trim() };
    if (line.startsWith('ERROR:')) return { kind: 'reply', ok: false, text: line.slice(6).trim() };
    return { kind: 'other', text: line };
  }
}

/** A management-protocol string argument: double-quoted, with \ and " escaped. */
export const quoteArg = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')}"`;
