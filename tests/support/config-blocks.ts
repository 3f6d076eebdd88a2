// Reads a device config the way an engineer does: the indented lines under each
// `interface ...` header, by interface name.
export function blocks(text: string, header: RegExp, indent: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    const m = header.exec(line);
    if (m) out.set(m[1]!, (current = []));
    else if (current && line.startsWith(indent)) current.push(line.trim());
    else current = null;
  }
  return out;
}
