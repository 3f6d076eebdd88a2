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

/**
 * The VLANs a trunk must carry: every tagged VLAN, its native VLAN when that is a real one,
 * never the parking VLAN (untagged frames on switch-to-switch links go nowhere).
 */
export function trunkProblems(allowed: readonly number[], port: { vlan: number; tagged: readonly number[] }, parkingVlan: number): string[] {
  const problems = port.tagged.filter((v) => !allowed.includes(v)).map((v) => `tagged VLAN ${v} not allowed`);
  if (port.vlan === parkingVlan && allowed.includes(parkingVlan)) problems.push('parking VLAN allowed');
  if (port.vlan !== parkingVlan && !allowed.includes(port.vlan)) problems.push(`native VLAN ${port.vlan} not allowed`);
  return problems;
}
