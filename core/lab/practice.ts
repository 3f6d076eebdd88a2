// `lab up` for the network engineer: the twin proven with packets, plus its Linux devices
// answering SSH so push, drift and audit --against running can be practised on it.
import { join } from 'node:path';
import type { Inventory } from '../inventory/index.js';
import { enforcement, type AccessPolicy } from '../policy/index.js';
import { labDown, labUp, type ServerInputs } from './session.js';
import type { StateServers } from './servers.js';
import { startPracticeGround, type PracticeGround } from './devices.js';
import type { Twin } from './twin.js';

export async function practiceUp(
  inv: Inventory,
  policy: AccessPolicy,
  site: string,
  date: string,
  stateDir: string,
  inventoryDir: string,
  tag = site,
  servers?: ServerInputs,
): Promise<{ twin: Twin; probes: number; practice: PracticeGround; servers?: StateServers }> {
  const up = await labUp(inv, policy, site, date, stateDir, tag, servers);
  try {
    const plan = enforcement(inv, policy, date).sites.find((s) => s.code === site)!;
    const practice = await startPracticeGround(up.twin, plan, tag, join(stateDir, 'lab', site), inventoryDir);
    return { ...up, practice };
  } catch (e) {
    labDown(stateDir, site);
    throw e;
  }
}
