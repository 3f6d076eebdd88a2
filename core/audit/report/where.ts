// How a finding's object is named in every report: `id (file:line)`.
import type { AuditObject } from '../model.js';

export const where = (o: AuditObject): string => (o.at ? `${o.id} (${o.at.file}:${o.at.line})` : o.id);
