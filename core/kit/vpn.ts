// The OpenVPN client profile: every gateway of the organisation, the CA inline, the
// server's certificate checked by purpose and name, and username/password auth where
// the password is the directory password followed by the current TOTP code.
import type { KitInput } from './model.js';

export function ovpn(k: KitInput): string {
  const { person: p, org } = k;
  const gws = org.gateways;
  const lines = [
    `# ${org.name}: VPN profile for ${p.id} (${p.roles.join(', ')})`,
    '# Log in with your login, then your password followed directly by the 6-digit code',
    '# from your authenticator app (no space).',
    // The gateway picks the pool from the directory's role groups; printed for support.
    ...p.roles.filter((r) => org.pools?.has(r)).map((r) => `# role ${r}: the gateway assigns an address from ${org.pools!.get(r)}`),
    'client',
    'dev tun',
    'nobind',
    'persist-key',
    'persist-tun',
    'resolv-retry infinite',
    'connect-retry 5 30',
    ...gws.map((g) => `remote ${g.public} ${g.port} ${g.proto}`),
    ...(gws.length > 1 ? ['remote-random', 'server-poll-timeout 10'] : []),
    'remote-cert-tls server',
    ...(gws.length === 1 ? [`verify-x509-name ${gws[0]!.public} name`] : []),
    'tls-version-min 1.2',
    'data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305',
    'auth-user-pass',
    'auth-nocache',
    'auth-retry interact',
    'verb 3',
    '<ca>',
    org.vpnCa.pem.trim(),
    '</ca>',
    ...(org.tlsCrypt ? ['<tls-crypt>', org.tlsCrypt.trim(), '</tls-crypt>'] : []),
  ];
  return `${lines.join('\n')}\n`;
}
