// Controls over each device's management plane, switch ports and SSIDs. They read the
// intent (or a running config parsed into the same shape), never config text.
import { net } from '../../inventory/index.js';
import type { ApIntent, DeviceIntent, SwitchIntent } from '../../plan/index.js';
import type { AuditObject } from '../model.js';
import { deviceObject, devices, zoneInScope, type Check, type Control, type ControlContext } from './types.js';

const ON_DEVICES = ['intended', 'running'] as const;

/** The networks a device may be managed from: the NOC and its site's management zone. */
function managementNets(ctx: ControlContext, d: DeviceIntent): string[] {
  const site = ctx.inputs.sites.find((s) => s.code === d.site);
  const zone = site?.zones.find((z) => z.trust === 'management');
  return [ctx.inputs.inventory.org.addressPlan.management, ...(zone ? [zone.subnet] : [])];
}

const within = (cidr: string, nets: readonly string[]) => nets.some((n) => net.contains(net.parseCidr(n), net.parseCidr(cidr)));

export const mgmtSshOnly: Control = {
  id: 'mgmt-ssh-only',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const { intent: d, against } of devices(ctx)) {
      const allowed = managementNets(ctx, d);
      const outside = d.managementFrom.filter((n) => !within(n, allowed));
      const problems = [
        ...(d.mgmtServices.ssh ? [] : ['SSH management is off']),
        ...(d.managementFrom.length ? [] : ['management is open to any address']),
        ...(outside.length ? [`management allowed from ${outside.join(', ')}, outside ${allowed.join(' and ')}`] : []),
      ];
      yield { object: deviceObject(d), against, ...(problems.length ? { problem: problems.join('; ') } : {}) };
    }
  },
};

export const mgmtNoCleartext: Control = {
  id: 'mgmt-no-cleartext',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const { intent: d, against } of devices(ctx)) {
      const on = [...(d.mgmtServices.telnet ? ['telnet'] : []), ...(d.mgmtServices.http ? ['HTTP'] : [])];
      yield { object: deviceObject(d), against, ...(on.length ? { problem: `${on.join(' and ')} management is on` } : {}) };
    }
  },
};

export const snmpv3Only: Control = {
  id: 'snmpv3-only',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const { intent: d, against } of devices(ctx)) {
      const problems = [
        ...(d.mgmtServices.snmpCommunities ? [`${d.mgmtServices.snmpCommunities} SNMP v1/v2c communit${d.mgmtServices.snmpCommunities === 1 ? 'y' : 'ies'} configured`] : []),
        ...(d.snmp.user ? [] : ['no SNMPv3 user']),
      ];
      yield { object: deviceObject(d), against, ...(problems.length ? { problem: problems.join('; ') } : {}) };
    }
  },
};

export const ntpSyslog: Control = {
  id: 'ntp-syslog',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const { intent: d, against } of devices(ctx)) {
      const missing = [...(d.ntp.length ? [] : ['no NTP server']), ...(d.syslog.length ? [] : ['no syslog server'])];
      yield { object: deviceObject(d), against, ...(missing.length ? { problem: missing.join(' and ') } : {}) };
    }
  },
};

const portObject = (sw: SwitchIntent, index: number): AuditObject => ({ kind: 'port', id: `${sw.hostname}:port/${index}`, site: sw.site, device: sw.hostname, at: sw.source });

function* switchPorts(ctx: ControlContext) {
  for (const v of devices(ctx)) if (v.intent.kind === 'switch') for (const p of v.intent.ports) yield { sw: v.intent, port: p, against: v.against };
}

export const unusedPortsShut: Control = {
  id: 'unused-ports-shut',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const { sw, port, against } of switchPorts(ctx)) {
      if (port.mode !== 'parked') continue;
      yield { object: portObject(sw, port.index), against, ...(port.shutdown ? {} : { problem: `unused port ${port.index} (parking VLAN ${port.vlan}) is not shut down` }) };
    }
  },
};

export const accessPortAuth: Control = {
  id: 'access-port-auth',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const { sw, port, against } of switchPorts(ctx)) {
      if (port.mode !== 'access' || port.shutdown || !zoneInScope(ctx, port.zone)) continue;
      yield { object: portObject(sw, port.index), against, ...(port.auth === 'none' ? { problem: `access port ${port.index} (zone ${port.zone ?? `VLAN ${port.vlan}`}) has neither 802.1X nor port-security` } : {}) };
    }
  },
};

const ssidObject = (ap: ApIntent, ssid: string): AuditObject => ({ kind: 'ssid', id: `${ap.hostname}:ssid/${ssid}`, site: ap.site, device: ap.hostname, at: ap.source });

function* ssids(ctx: ControlContext) {
  for (const v of devices(ctx)) if (v.intent.kind === 'ap') for (const s of v.intent.ssids) yield { ap: v.intent, ssid: s, against: v.against };
}

/** Zone trust by name, from the org's zone definitions. */
const trustOf = (ctx: ControlContext, zone: string) => ctx.inputs.inventory.org.zones.find((z) => z.name === zone)?.trust;

export const staffSsidEnterprise: Control = {
  id: 'staff-ssid-enterprise',
  needs: ON_DEVICES,
  *run(ctx) {
    for (const { ap, ssid, against } of ssids(ctx)) {
      if (trustOf(ctx, ssid.zone) === 'guest' || !zoneInScope(ctx, ssid.zone)) continue;
      const ok = ssid.security === 'wpa2-enterprise' || ssid.security === 'wpa3-enterprise';
      yield { object: ssidObject(ap, ssid.ssid), against, ...(ok ? {} : { problem: `SSID ${ssid.ssid} of zone ${ssid.zone} uses ${ssid.security}, not WPA2/WPA3-Enterprise` }) };
    }
  },
};

/** The wireless half of guest isolation: clients of a guest SSID cannot reach each other. */
export function* guestSsids(ctx: ControlContext): Iterable<Check> {
  for (const { ap, ssid, against } of ssids(ctx)) {
    if (trustOf(ctx, ssid.zone) !== 'guest') continue;
    yield { object: ssidObject(ap, ssid.ssid), against, ...(ssid.isolate ? {} : { problem: `guest SSID ${ssid.ssid} does not isolate its clients` }) };
  }
}
