// Softphone profiles for the agent's extension and the matching PBX account: linphone
// remote provisioning XML, a baresip accounts line, and the PBX subscriber row.
// Linphone and kamailio get HA1 digests, not the SIP password; baresip needs it in clear.
import { createHash } from 'node:crypto';
import type { SubscriberRow } from '../pbx/rows.js';
import type { KitInput } from './model.js';
import { xml } from './util.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export function sipHa1(user: string, realm: string, password: string): string {
  return md5(`${user}:${realm}:${password}`);
}

export function linphoneXml(k: KitInput): string | undefined {
  const { person: p, org } = k;
  if (!p.extension || !org.sip) return undefined;
  const realm = org.sip.domain;
  const identity = `"${p.givenName} ${p.surname}" <sip:${p.extension}@${realm}>`;
  const e = (name: string, value: string) => `    <entry name="${name}" overwrite="true">${xml(value)}</entry>\n`;
  const pw = k.credentials?.sipPassword;
  return `<?xml version="1.0" encoding="UTF-8"?>
<config xmlns="http://www.linphone.org/xsds/lpconfig.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.linphone.org/xsds/lpconfig.xsd lpconfig.xsd">
  <section name="sip">
${e('default_proxy', '0')}  </section>
  <section name="proxy_0" overwrite="true">
${e('reg_proxy', `<sip:${org.sip.server};transport=tcp>`)}${e('reg_route', `<sip:${org.sip.server};transport=tcp;lr>`)}${e('reg_identity', identity)}${e('realm', realm)}${e('reg_expires', '3600')}${e('reg_sendregister', '1')}${e('publish', '0')}${e('dial_escape_plus', '0')}  </section>
  <section name="auth_info_0" overwrite="true">
${e('username', p.extension)}${e('userid', p.extension)}${pw ? e('ha1', sipHa1(p.extension, realm, pw)) : ''}${e('realm', realm)}${e('domain', realm)}  </section>
</config>
`;
}

export function baresipAccounts(k: KitInput): string | undefined {
  const { person: p, org } = k;
  if (!p.extension || !org.sip) return undefined;
  const pw = k.credentials?.sipPassword;
  // One account per line: <sip:user@domain;transport=tcp>;auth_pass=...;outbound=...
  const params = [
    `<sip:${p.extension}@${org.sip.domain};transport=tcp>`,
    `auth_user=${p.extension}`,
    ...(pw ? [`auth_pass=${pw}`] : []),
    `outbound="sip:${org.sip.server};transport=tcp"`,
    'regint=3600',
    'sipnat=outbound',
  ];
  return `# baresip accounts for ${p.id} (extension ${p.extension})\n"${p.givenName} ${p.surname}" ${params.join(';')}\n`;
}

/** The PBX side: the agent's subscriber row (HA1 digests only, no cleartext). */
export function pbxSubscriberRow(k: KitInput): SubscriberRow | undefined {
  const { person: p, org } = k;
  const pw = k.credentials?.sipPassword;
  if (!p.extension || !org.sip || !pw) return undefined;
  const realm = org.sip.domain;
  return { agent: p.id, username: p.extension, domain: realm, ha1: sipHa1(p.extension, realm, pw), ha1b: md5(`${p.extension}@${realm}:${realm}:${pw}`) };
}
