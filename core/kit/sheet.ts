// The one-page onboarding sheet the helpdesk prints and hands over: who you are, your
// first password and second factor, what to do first, and the fingerprints to check the
// files against (profiles nobody can verify are profiles nobody should trust).
import { createHash } from 'node:crypto';
import type { KitInput } from './model.js';
import { qrMatrix, qrSvg, xml, type QrMatrix } from './util.js';

export interface SheetFacts {
  /** path -> sha256 of the files the agent installs. */
  readonly fingerprints: readonly { readonly path: string; readonly sha256: string }[];
  /** The enrolment QR code, computed once for the PNG and the sheet. */
  readonly qr?: QrMatrix;
}

const fingerprintCache = new WeakMap<Buffer, string>();
/** SHA-256 fingerprint as certificate viewers show it (AB:CD:...); one CA, thousands of sheets. */
const fp = (der: Buffer) => {
  let f = fingerprintCache.get(der);
  if (f === undefined) {
    f = createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
    fingerprintCache.set(der, f);
  }
  return f;
};

export function onboardingSheet(k: KitInput, facts: SheetFacts): string {
  const { person: p, org, credentials: c } = k;
  const secret = c ? new URL(c.otpauthUri).searchParams.get('secret') ?? '' : '';
  const qr = c ? qrSvg(facts.qr ?? qrMatrix(c.otpauthUri)) : '';
  const gw = org.gateways.map((g) => `${g.public} (${g.port}/${g.proto})`).join(', ');
  const steps: string[] = [];
  if (c) {
    steps.push(
      `<li><b>Second factor.</b> Install an authenticator app on your phone and scan the code on the right (or type the key <code>${xml(secret.replace(/(.{4})/g, '$1 ').trim())}</code>). It shows a new 6-digit code every 30 seconds.</li>`,
    );
  }
  steps.push(`<li><b>How to log in.</b> Login <code>${xml(p.id)}</code>; as password type your password <em>immediately followed</em> by the current 6-digit code, no space.</li>`);
  if (org.staffWifi) steps.push(`<li><b>Wi-Fi at the centre.</b> Join <code>${xml(org.staffWifi.ssid)}</code> with your login and password + code. Accept no certificate warning: call the helpdesk instead.</li>`);
  steps.push(`<li><b>VPN from elsewhere.</b> Import the VPN profile from your kit (<code>vpn/${xml(p.id)}.ovpn</code>, or the Mac profile) and connect to ${xml(gw)}.</li>`);
  if (p.extension) steps.push(`<li><b>Phone.</b> Your extension is <code>${xml(p.extension)}</code>; the softphone profile in your kit sets it up.</li>`);
  steps.push('<li><b>Keep this sheet safe.</b> Shred it once you have logged in for the first time.</li>');
  const rows = (xs: [string, string][]) => xs.map(([k2, v]) => `<tr><th>${xml(k2)}</th><td>${v}</td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<title>${xml(org.name)}: onboarding of ${xml(p.id)}</title>
<style>
@page { size: A4; margin: 14mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.4 system-ui, sans-serif; color: #111; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 11.5pt; margin: 5mm 0 1.5mm; border-bottom: 0.4mm solid #444; }
.top { display: flex; justify-content: space-between; gap: 8mm; }
table { border-collapse: collapse; }
th { text-align: left; padding: 0.6mm 4mm 0.6mm 0; font-weight: 600; vertical-align: top; }
td { padding: 0.6mm 0; }
code, .secret { font-family: ui-monospace, monospace; }
.secret { font-size: 15pt; letter-spacing: 0.5mm; border: 0.4mm dashed #000; padding: 1mm 3mm; display: inline-block; }
ol li { margin-bottom: 1.5mm; }
.fp { font-size: 7.5pt; word-break: break-all; }
.qr { text-align: center; font-size: 8pt; }
</style>
</head>
<body>
<div class="top">
<div>
<h1>Welcome, ${xml(p.givenName)} ${xml(p.surname)}</h1>
<div>${xml(org.name)} &#183; issued ${xml(k.issued)}</div>
<h2>Your account</h2>
<table>
${rows([
  ['Login', `<code>${xml(p.id)}</code>`],
  ['Mail', xml(p.mail)],
  ['Site', xml(p.site)],
  ['Role', xml(p.roles.join(', '))],
  ...(p.endDate ? ([['Valid until', xml(p.endDate)]] as [string, string][]) : []),
  ...(p.laptop ? ([['Laptop', `${xml(p.laptop.tag)}${p.laptop.mac ? ` (${xml(p.laptop.mac)})` : ''}`]] as [string, string][]) : []),
  ...(p.extension ? ([['Extension', xml(p.extension)]] as [string, string][]) : []),
  ...(c ? ([['First password', `<span class="secret">${xml(c.password)}</span>`]] as [string, string][]) : []),
])}
</table>
</div>
${c ? `<div class="qr">${qr}<div>Scan with your authenticator app</div></div>` : ''}
</div>
<h2>What to do first</h2>
<ol>
${steps.join('\n')}
</ol>
<h2>Check before you trust</h2>
<p>The helpdesk reads these fingerprints to you on request; they must match your files.</p>
<table class="fp">
${rows([
  ['VPN CA (SHA-256)', fp(org.vpnCa.der)],
  ...(org.wifiCa.der.equals(org.vpnCa.der) ? [] : ([['Wi-Fi CA (SHA-256)', fp(org.wifiCa.der)]] as [string, string][])),
  ...facts.fingerprints.map((f) => [f.path, f.sha256] as [string, string]),
])}
</table>
</body>
</html>
`;
}
