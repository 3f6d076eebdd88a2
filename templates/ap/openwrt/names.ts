// UCI names of what the OpenWrt target renders, shared by rendering and by the reader of
// running configs.

/** UCI section names allow only [A-Za-z0-9_]. */
export const uciName = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_');
