// The PBX's files from its intent: pure, the same intent gives the same bytes. The
// caller writes them (out/central/pbx/ with the manifest, or the lab's folder).
import { renderKamailio, type PbxFile } from '../../templates/pbx/kamailio/render.js';
import type { PbxIntent } from './model.js';

export type { PbxFile };

export function renderPbx(intent: PbxIntent): PbxFile[] {
  return renderKamailio(intent);
}
