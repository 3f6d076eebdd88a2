// The shape of the inventory files. Only shape and per-field patterns live here;
// checks that relate values to each other live in semantic.ts.
import { z } from 'zod';
import { LIMITS } from '../input.js';
import { field } from './patterns.js';
import { isCidrShape, isNetworkAddress } from './net.js';

const cidrNet = z
  .cidrv4({ error: 'expected an IPv4 network in CIDR form such as 10.64.0.0/12' })
  // zod runs this even after the CIDR format failed; a malformed value has its message already.
  .refine((s) => !isCidrShape(s) || isNetworkAddress(s), { error: (iss) => `${String(iss.input)} has host bits set: give the network address` });
const cidrHost = z.cidrv4({ error: 'expected an IPv4 address with its prefix such as 100.64.0.1/30' });
const ipv4 = z.ipv4({ error: 'expected an IPv4 address such as 10.10.0.53' });

/** `443/tcp`, `53/udp`, `10000-20000/udp`. */
export const portSpec = z
  .string()
  .regex(/^(\d{1,5})(-(\d{1,5}))?\/(tcp|udp)$/, { error: 'expected a port such as 443/tcp or 10000-20000/udp' })
  .refine(
    (s) => {
      // Runs even when the pattern above failed: a malformed value is left to it.
      const m = /^(\d+)(?:-(\d+))?\/(tcp|udp)$/.exec(s);
      if (!m) return true;
      const from = Number(m[1]);
      const to = m[2] ? Number(m[2]) : from;
      return from >= 1 && to <= 65535 && from <= to;
    },
    { error: 'ports run from 1 to 65535, low to high' },
  );

const service = z.strictObject({
  name: field('name'),
  description: field('text').optional(),
  addresses: z.array(z.union([ipv4, cidrNet], { error: 'expected an IPv4 address such as 10.10.0.53 or a network such as 10.10.0.0/24' })).min(1),
  ports: z.array(portSpec).min(1),
});

const zoneDef = z.strictObject({
  name: field('name'),
  vlan: z.number().int().min(2).max(4094),
  description: field('text'),
  trust: z.enum(['internal', 'restricted', 'guest', 'management']),
  dhcp: z.boolean().default(true),
  /** How access ports in this zone authenticate what is plugged in. */
  portAuth: z.enum(['dot1x', 'port-security']).default('port-security'),
});

const ssidDef = z.strictObject({
  name: field('ssid'),
  zone: field('name'),
  security: z.enum(['wpa2-enterprise', 'wpa3-enterprise', 'open']),
  isolate: z.boolean().default(false),
});

const modelDef = z.strictObject({
  kind: z.enum(['switch', 'ap', 'firewall', 'vpn']),
  ports: z.number().int().min(1).max(512).optional(),
  uplinks: z.number().int().min(0).max(16).default(0),
});

export const endpointKindNames = ['laptops', 'phones', 'printers', 'scanners', 'screens', 'tablets', 'medical'] as const;
export type EndpointKindName = (typeof endpointKindNames)[number];

const endpointKind = z.strictObject({ zone: field('name'), attach: z.enum(['wired', 'wireless']) });

export const orgFile = z.strictObject({
  org: z.strictObject({ name: field('text'), domain: field('domain'), country: field('country') }),
  addressPlan: z.strictObject({
    sites: cidrNet,
    siteBlockPrefix: z.number().int().min(8).max(28),
    vpn: cidrNet,
    management: cidrNet,
    transit: cidrNet,
    growthPercent: z.number().int().min(0).max(400).default(25),
    reservedPerZone: z.number().int().min(1).max(250).default(10),
  }),
  services: z.array(service).min(1),
  management: z.strictObject({
    dns: field('name'),
    ntp: field('name'),
    syslog: field('name'),
    radius: field('name'),
    snmpUser: field('name'),
    zone: field('name'),
    parkingVlan: z.number().int().min(2).max(4094),
  }),
  zones: z.array(zoneDef).min(1),
  endpointKinds: z.partialRecord(z.enum(endpointKindNames), endpointKind),
  ssids: z.array(ssidDef).default([]),
  models: z.record(field('model'), modelDef),
  vpn: z
    .strictObject({
      gateways: z
        .array(
          z.strictObject({
            hostname: field('hostname'),
            platform: field('name'),
            /** Inside address on the state network. */
            address: ipv4,
            /** Name agents' laptops connect to. */
            public: field('domain'),
            port: z.number().int().min(1).max(65535).default(1194),
            proto: z.enum(['udp', 'tcp']).default('udp'),
            mgmt: ipv4.optional(),
          }),
        )
        .min(1),
    })
    .optional(),
});

const portPin = z.strictObject({
  port: z.number().int().min(1).max(512),
  zone: field('name').optional(),
  device: field('hostname').optional(),
  description: field('text').optional(),
});

const device = z.strictObject({
  hostname: field('hostname'),
  role: z.enum(['firewall', 'distribution', 'access', 'ap']),
  platform: field('name'),
  model: field('model'),
  mgmt: ipv4.optional(),
  uplink: field('hostname').optional(),
  ssids: z.array(field('ssid')).optional(),
  ports: z.array(portPin).default([]),
  description: field('text').optional(),
  /** How outpost reaches the device over SSH; the host key is pinned, never learnt. */
  ssh: z
    .strictObject({
      port: z.number().int().min(1).max(65535).default(22),
      hostKey: z
        .string()
        .regex(/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,3}$/, { error: 'expected a public host key such as "ssh-ed25519 AAAA..."' })
        .optional(),
    })
    .optional(),
});

export const siteFile = z.strictObject({
  site: z.strictObject({
    code: field('name'),
    name: field('text'),
    kind: z.enum(['crisis-cell', 'care', 'consultation', 'tracing', 'vaccination']),
    address: z.strictObject({ street: field('text').optional(), postcode: field('postcode').optional(), city: field('text') }),
    block: cidrNet.optional(),
    description: field('text').optional(),
  }),
  uplink: z.strictObject({
    circuit: field('circuit'),
    bandwidthMbps: z.number().int().min(1).max(400_000),
    wan: cidrHost,
    gateway: ipv4,
  }),
  zones: z.array(z.strictObject({ zone: field('name'), endpoints: z.number().int().min(0).max(60_000) })).min(1),
  endpoints: z.partialRecord(z.enum(endpointKindNames), z.number().int().min(0).max(60_000)).default({}),
  devices: z.array(device).min(1).max(LIMITS.devicesPerSite, { error: `at most ${LIMITS.devicesPerSite} devices in one site (see docs/limits.md)` }),
});

export const allocationsFile = z.strictObject({
  sites: z
    .record(
      field('name'),
      z.strictObject({
        block: cidrNet,
        zones: z.record(field('name'), cidrNet).default({}),
        devices: z.record(field('hostname'), ipv4).default({}),
      }),
    )
    .default({}),
});

export type OrgFile = z.infer<typeof orgFile>;
export type SiteFile = z.infer<typeof siteFile>;
export type AllocationsFile = z.infer<typeof allocationsFile>;
