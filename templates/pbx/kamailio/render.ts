// kamailio: one kamailio.cfg per PBX. Every value reaching the file was validated by the
// PBX model (domain, IPv4 addresses, ports, a plain absolute store path).
import type { PbxIntent } from '../../../core/pbx/model.js';
import { template } from '../../../core/render/engine.js';

export interface PbxFile {
  readonly path: string;
  readonly content: string;
}

export function renderKamailio(pbx: PbxIntent): PbxFile[] {
  const content = template('pbx/kamailio', 'kamailio.cfg.hbs')({
    ...pbx,
    // The inventory's address is an alias too when the server listens elsewhere (NAT, lab).
    aliases: pbx.listen.some((l) => l.address === pbx.server) ? [] : [pbx.server],
    serverName: 'outpost PBX',
    maxExpires: 3600,
  });
  return [{ path: 'kamailio.cfg', content }];
}
