// nftables needs no command-by-command remediation: the rendered ruleset declares, deletes
// and rebuilds outpost's table in one `nft -f` transaction, so sending it whole is the fix.
export function remediate(_running: string, rendered: string): string[] {
  return ["nft -f - <<'OUTPOST_RULESET'", ...rendered.trimEnd().split('\n'), 'OUTPOST_RULESET'];
}
