// Controls over each device's management plane, switch ports and SSIDs. They read the
// intent (or a running config parsed into the same shape), never config text.
import { net } from '../../inventory/index.js';
import type { SsidSecurity } from '../../inventory/index.js';
import type { ApIntent, DeviceIntent, SwitchIntent } from '../../plan/index.js';
import type { SeenServices } from '../../render/index.js';
import { seenPort, ssidZone } from '../seen.js';
import type { AuditObject } from '../model.js';
import { deviceObject, devices, zoneInScope, type Check, type Control, type ControlContext, type DeviceView } from './types.js';

const ON_DEVICES = ['intended', 'running'] as const;

/** The networks a device may be managed from: the NOC and its site's management zone. */
function managementNets(ctx: ControlContext, d: DeviceIntent): string[] {
  const site = ctx.inputs.sites.find((s) => s.code === d.site);
  const zone = site?.zones.find((z) => z.trust === 'management');
  return [ctx.inputs.inventory.org.addressPlan.management, ...(zone ? [zone.subnet] : [])];
}

const within = (cidr: string, nets: readonly string[]) => nets.some((n) => net.contains(net.parseCidr(n), net.parseCidr(cidr)));

/**
 * A device check from the facts it reads: intended ones from the plan, running ones from
 * what the reader saw. A problem among the known facts is a finding; otherwise a fact the
 * running config does not show makes the check unknown, never a pass.
 */
function judge(v: DeviceView, problems: readonly string[], unseen: readonly string[]): Check {
  const object = deviceObject(v.intent);
  if (problems.length) return { object, against: v.against, problem: problems.join('; ') };
  if (unseen.length) return { object, against: v.against, unknown: `the running config does not show ${unseen.join(' or ')}` };
  return { object, against: v.against };
}

/** The management facts of a view: the plan's, or the ones the reader saw (undefined: unseen). */
function mgmtOf(v: DeviceView) {
  if (!v.seen) return { from: v.intent.managementFrom as readonly string[] | undefined, services: v.intent.mgmtServices as SeenServices, ntp: v.intent.ntp as readonly string[] | undefined, syslog: v.intent.syslog as readonly unknown[] | undefined, v3: [v.intent.snmp.user] as readonly string[] | undefined };
  return { from: v.seen.managementFrom, services: v.seen.mgmtServices, ntp: v.seen.ntp, syslog: v.seen.syslog, v3: v.seen.snmpv3Users };
}

export const mgmtSshOnly: Control = {
  id: 'mgmt-ssh-only',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const v of devices(ctx)) {
      const m = mgmtOf(v);
      const allowed = managementNets(ctx, v.intent);
      const outside = m.from?.filter((n) => !within(n, allowed)) ?? [];
      const problems = [
        ...(m.services.ssh === false ? ['SSH management is off'] : []),
        ...(m.from && !m.from.length ? ['management is open to any address'] : []),
        ...(outside.length ? [`management allowed from ${outside.join(', ')}, outside ${allowed.join(' and ')}`] : []),
      ];
      yield judge(v, problems, [...(m.services.ssh === undefined ? ['SSH'] : []), ...(m.from === undefined ? ['who may manage it'] : [])]);
    }
  },
};

export const mgmtNoCleartext: Control = {
  id: 'mgmt-no-cleartext',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const v of devices(ctx)) {
      const { services } = mgmtOf(v);
      const on = [...(services.telnet ? ['telnet'] : []), ...(services.http ? ['HTTP'] : [])];
      const unseen = [...(services.telnet === undefined ? ['telnet'] : []), ...(services.http === undefined ? ['HTTP'] : [])];
      yield judge(v, on.length ? [`${on.join(' and ')} management is on`] : [], unseen);
    }
  },
};

export const snmpv3Only: Control = {
  id: 'snmpv3-only',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const v of devices(ctx)) {
      const { services, v3 } = mgmtOf(v);
      const n = services.snmpCommunities;
      const problems = [...(n ? [`${n} SNMP v1/v2c communit${n === 1 ? 'y' : 'ies'} configured`] : []), ...(v3 && !v3.some(Boolean) ? ['no SNMPv3 user'] : [])];
      yield judge(v, problems, [...(n === undefined ? ['SNMP communities'] : []), ...(v3 === undefined ? ['SNMPv3 users'] : [])]);
    }
  },
};

export const ntpSyslog: Control = {
  id: 'ntp-syslog',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const v of devices(ctx)) {
      const { ntp, syslog } = mgmtOf(v);
      const missing = [...(ntp && !ntp.length ? ['no NTP server'] : []), ...(syslog && !syslog.length ? ['no syslog server'] : [])];
      yield judge(v, missing.length ? [missing.join(' and ')] : [], [...(ntp === undefined ? ['NTP'] : []), ...(syslog === undefined ? ['syslog'] : [])]);
    }
  },
};

const portObject = (sw: SwitchIntent, index: number): AuditObject => ({ kind: 'port', id: `${sw.hostname}:port/${index}`, site: sw.site, device: sw.hostname, at: sw.source });

/** Each planned port with what the running config shows of it (null: no section for it). */
function* switchPorts(ctx: ControlContext) {
  for (const v of devices(ctx)) {
    if (v.intent.kind !== 'switch') continue;
    const sw = v.intent;
    for (const p of sw.ports) {
      const running = v.seen?.kind === 'switch' ? (seenPort(sw, p, v.seen) ?? null) : undefined;
      yield { sw, port: p, running, against: v.against };
    }
  }
}

export const unusedPortsShut: Control = {
  id: 'unused-ports-shut',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const { sw, port, running, against } of switchPorts(ctx)) {
      if (port.mode !== 'parked') continue;
      const object = portObject(sw, port.index);
      // A port the running config has no section for may be anything: that is a finding, not a pass.
      if (running === null) yield { object, against, problem: `unused port ${port.index} has no interface section in the running config: nothing shows it shut down` };
      else if (running) yield { object, against, ...(running.shutdown ? {} : { problem: `unused port ${port.index} (${running.name}, VLAN ${running.vlan}) is not shut down` }) };
      else yield { object, against, ...(port.shutdown ? {} : { problem: `unused port ${port.index} (parking VLAN ${port.vlan}) is not shut down` }) };
    }
  },
};

export const accessPortAuth: Control = {
  id: 'access-port-auth',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const { sw, port, running, against } of switchPorts(ctx)) {
      if (port.mode !== 'access' || port.shutdown || !zoneInScope(ctx, port.zone)) continue;
      const object = portObject(sw, port.index);
      const zone = `zone ${port.zone ?? `VLAN ${port.vlan}`}`;
      if (running === null) yield { object, against, problem: `access port ${port.index} (${zone}) has no interface section in the running config: nothing shows 802.1X or port-security on it` };
      else if (running) {
        const open = !running.shutdown && running.auth === 'none';
        yield { object, against, ...(open ? { problem: `access port ${port.index} (${zone}) has neither 802.1X nor port-security${running.mode === 'trunk' ? ' (it runs as a trunk)' : ''}` } : {}) };
      } else yield { object, against, ...(port.auth === 'none' ? { problem: `access port ${port.index} (${zone}) has neither 802.1X nor port-security` } : {}) };
    }
  },
};

const ssidObject = (ap: ApIntent, ssid: string): AuditObject => ({ kind: 'ssid', id: `${ap.hostname}:ssid/${ssid}`, site: ap.site, device: ap.hostname, at: ap.source });

/** Each SSID the plan (or the running AP) has; a running SSID's zone is the one of its VLAN, undefined when unseen. */
function* ssids(ctx: ControlContext): Iterable<{ ap: ApIntent; ssid: { ssid: string; zone?: string; security: SsidSecurity; isolate: boolean }; against: DeviceView['against'] }> {
  const zones = ctx.inputs.inventory.org.zones;
  for (const v of devices(ctx)) {
    if (v.intent.kind !== 'ap') continue;
    const ap = v.intent;
    if (v.seen?.kind === 'ap') for (const s of v.seen.ssids) yield { ap, ssid: { ...s, zone: ssidZone(zones, s) }, against: v.against };
    else if (!v.seen) for (const s of ap.ssids) yield { ap, ssid: s, against: v.against };
  }
}

/** Zone trust by name, from the org's zone definitions. */
const trustOf = (ctx: ControlContext, zone: string | undefined) => ctx.inputs.inventory.org.zones.find((z) => z.name === zone)?.trust;

export const staffSsidEnterprise: Control = {
  id: 'staff-ssid-enterprise',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const { ap, ssid, against } of ssids(ctx)) {
      const ok = ssid.security === 'wpa2-enterprise' || ssid.security === 'wpa3-enterprise';
      const object = ssidObject(ap, ssid.ssid);
      // A running SSID whose VLAN the config does not show may be a staff one: judged as one.
      if (ssid.zone === undefined) {
        yield { object, against, ...(ok ? {} : { problem: `SSID ${ssid.ssid} joins a network of no known zone and uses ${ssid.security}, not WPA2/WPA3-Enterprise` }) };
        continue;
      }
      if (trustOf(ctx, ssid.zone) === 'guest' || !zoneInScope(ctx, ssid.zone)) continue;
      yield { object, against, ...(ok ? {} : { problem: `SSID ${ssid.ssid} of zone ${ssid.zone} uses ${ssid.security}, not WPA2/WPA3-Enterprise` }) };
    }
  },
};

/** The wireless half of guest isolation: clients of a guest SSID cannot reach each other. */
export function* guestSsids(ctx: ControlContext): Iterable<Check> {
  for (const { ap, ssid, against } of ssids(ctx)) {
    if (ssid.zone === undefined) {
      if (!ssid.isolate) yield { object: ssidObject(ap, ssid.ssid), against, unknown: `SSID ${ssid.ssid} does not isolate its clients and its zone is not shown` };
      continue;
    }
    if (trustOf(ctx, ssid.zone) !== 'guest') continue;
    yield { object: ssidObject(ap, ssid.ssid), against, ...(ssid.isolate ? {} : { problem: `guest SSID ${ssid.ssid} does not isolate its clients` }) };
  }
}
