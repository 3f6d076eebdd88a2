// eapol_test (Debian's eapoltest) driven with a kit's NetworkManager 802.1X profile: the
// profile's EAP method, identities, CA check and inner method become an eapol_test
// network block, so what is tested is what the laptop would send.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface EapolResult {
  /** Access-Accept, Access-Reject, no RADIUS answer at all, or something else went wrong (see log). */
  readonly outcome: 'accept' | 'reject' | 'no-answer' | 'failed';
  /** Tunnel attributes of the Access-Accept (RFC 3580 VLAN assignment). */
  readonly vlan?: string;
  readonly tunnelType?: number;
  readonly tunnelMedium?: number;
  readonly log: string;
}

/** [section] key=value of a GKeyFile (NetworkManager keyfile). */
export function keyfile(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | undefined;
  for (const line of text.split('\n')) {
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) out.set(sec[1]!, (cur = new Map()));
    else if (cur && line.includes('=')) cur.set(line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1));
  }
  return out;
}

const q = (s: string) => {
  if (/["\n]/.test(s)) throw new Error('eapol_test: a value with a quote or newline');
  return `"${s}"`;
};

/** The eapol_test network block for a NetworkManager 802-1x section; `caFile` stands for the profile's ca-cert path. */
export function eapolConfig(nm: string, password: string, caFile: string): string {
  const x = keyfile(nm).get('802-1x');
  if (!x) throw new Error('the profile has no [802-1x] section');
  const eap = (x.get('eap') ?? '').split(';').filter(Boolean).map((e) => e.toUpperCase());
  const lines = [
    'key_mgmt=WPA-EAP',
    `eap=${eap.join(' ')}`,
    `identity=${q(x.get('identity') ?? '')}`,
    ...(x.get('anonymous-identity') ? [`anonymous_identity=${q(x.get('anonymous-identity')!)}`] : []),
    `ca_cert=${q(caFile)}`,
    ...(x.get('domain-suffix-match') ? [`domain_suffix_match=${q(x.get('domain-suffix-match')!)}`] : []),
    ...(x.get('phase2-auth') ? [`phase2=${q(`auth=${x.get('phase2-auth')!.toUpperCase()}`)}`] : []),
    `password=${q(password)}`,
  ];
  return `network={\n${lines.map((l) => `\t${l}`).join('\n')}\n}\n`;
}

/** Runs eapol_test in namespace `ns` from client address `from` to server `server` (port 1812). */
export function eapolTest(o: { ns: string; conf: string; confFile: string; server: string; from: string; secret: string; timeoutS?: number }): Promise<EapolResult> {
  writeFileSync(o.confFile, o.conf, { mode: 0o600 });
  const args = ['netns', 'exec', o.ns, 'eapol_test', '-c', o.confFile, '-a', o.server, '-A', o.from, '-s', o.secret, '-t', String(o.timeoutS ?? 5), '-n'];
  return new Promise((resolve) => {
    const p = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    p.stdout.on('data', (d: Buffer) => (log += d.toString()));
    p.stderr.on('data', (d: Buffer) => (log += d.toString()));
    p.on('close', () => {
      const outcome = /^SUCCESS$/m.test(log)
        ? 'accept'
        : /\(Access-Reject\)/.test(log)
          ? 'reject'
          : /EAPOL test timed out/.test(log) && !/\(Access-(Accept|Reject|Challenge)\)/.test(log)
            ? 'no-answer'
            : 'failed';
      // The Access-Accept's attributes as eapol_test dumps them: "Attribute 81 (?) length=4"
      // then "Value: 3130" (hex) or "Value: 'text'" on the next line.
      const accept = log.slice(log.lastIndexOf('(Access-Accept)'));
      const bytes = (n: number) => {
        const v = new RegExp(`Attribute ${n} \\([^)]*\\) length=\\d+\\s*\\n\\s*Value: ([^\\n]*)`).exec(accept)?.[1]?.trim();
        if (v === undefined) return undefined;
        const text = /^'(.*)'$/.exec(v);
        return text ? Buffer.from(text[1]!, 'utf8') : Buffer.from(v.replace(/\s+/g, ''), 'hex');
      };
      // Tunnel-Type and Tunnel-Medium-Type: a tag byte, then a 24-bit value.
      const tagged = (n: number) => {
        const b = bytes(n);
        return b && b.length === 4 ? b.readUIntBE(1, 3) : undefined;
      };
      const vlan = bytes(81);
      resolve({
        outcome,
        log,
        ...(outcome === 'accept' ? { vlan: vlan?.toString('utf8'), tunnelType: tagged(64), tunnelMedium: tagged(65) } : {}),
      } as EapolResult);
    });
  });
}
