// Reads an OpenWrt AP's UCI packages (wireless, network, system, dropbear, as pushed)
// back into the intent shape: each wifi-iface's SSID, encryption and isolation, NTP and
// syslog servers, and where dropbear listens.
import type { SsidSecurity } from '../../../core/inventory/index.js';
import type { ApIntent, SsidIntent } from '../../../core/plan/index.js';
import { uciName } from './names.js';

interface Section {
  readonly type: string;
  readonly name?: string;
  readonly options: Map<string, string>;
  readonly lists: Map<string, string[]>;
}

const unquote = (s: string) => s.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');

function sections(text: string): Section[] {
  const out: Section[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [word, key, ...rest] = line.split(/\s+/);
    if (word === 'config') out.push({ type: key!, ...(rest.length ? { name: unquote(rest.join(' ')) } : {}), options: new Map(), lists: new Map() });
    else if (out.length && key && (word === 'option' || word === 'list')) {
      const s = out[out.length - 1]!;
      const value = unquote(rest.join(' '));
      if (word === 'option') s.options.set(key, value);
      else s.lists.set(key, [...(s.lists.get(key) ?? []), value]);
    }
  }
  return out;
}

function security(encryption: string | undefined): SsidSecurity {
  if (!encryption || encryption === 'none' || encryption === 'owe') return 'open';
  if (/^wpa3(\+|$)/.test(encryption) || encryption === 'wpa3-mixed') return 'wpa3-enterprise';
  if (/^wpa2?(\+|$)/.test(encryption)) return 'wpa2-enterprise';
  return 'wpa2-personal';
}

export function readRunning(text: string, intended: ApIntent): ApIntent {
  const all = sections(text);
  const zoneOf = new Map(intended.ssids.map((s) => [uciName(s.zone), s]));
  const ssids = all
    .filter((s) => s.type === 'wifi-iface' && s.options.get('disabled') !== '1')
    .map((s): SsidIntent => {
      const planned = zoneOf.get(s.options.get('network') ?? '');
      return {
        ssid: s.options.get('ssid') ?? '',
        zone: planned?.zone ?? s.options.get('network') ?? '',
        vlan: planned?.vlan ?? 0,
        security: security(s.options.get('encryption')),
        isolate: s.options.get('isolate') === '1',
      };
    });
  const system = all.find((s) => s.type === 'system');
  const logIp = system?.options.get('log_ip');
  const dropbear = all.filter((s) => s.type === 'dropbear');
  // dropbear bound to the management interface is reachable as that network is routed: from the NOC and the mgmt zone.
  const mgmtOnly = dropbear.length > 0 && dropbear.every((s) => s.options.get('Interface') === 'mgmt');
  return {
    ...intended,
    ssids,
    ntp: all.filter((s) => s.type === 'timeserver' && s.options.get('enabled') !== '0').flatMap((s) => s.lists.get('server') ?? []),
    syslog: logIp ? [{ address: logIp, port: Number(system?.options.get('log_port') ?? 514) }] : [],
    managementFrom: mgmtOnly ? intended.managementFrom : ['0.0.0.0/0'],
    mgmtServices: { ...intended.mgmtServices, ssh: dropbear.length > 0 },
  };
}
