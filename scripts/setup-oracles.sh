#!/usr/bin/env bash
# Installs the independent config parsers the tests use as oracles for the commercial
# dialects outpost cannot run here (Cisco IOS: ciscoconfparse2 and hier_config; AOS-CX and
# FortiOS: the netutils config parsers) from PyPI into a virtualenv in the user's cache,
# outside the repository. Test-only: outpost itself never imports them. Idempotent;
# prints the venv's python on stdout. Called by the tests that use the oracles.
set -euo pipefail

dir="${XDG_CACHE_HOME:-$HOME/.cache}/outpost/oracles"
# Pinned, so a parser upgrade cannot change what the tests prove without a commit;
# ciscoconfparse2 0.9.18 itself requires hier-config 2.3.1.
pins=(ciscoconfparse2==0.9.18 hier-config==2.3.1 netutils==1.19.2)
stamp="$dir/.installed-$(printf '%s\n' "${pins[@]}" | sha256sum | cut -c1-16)"

mkdir -p "$(dirname "$dir")"
# Two test files may ask at once: one installs, the other waits for it.
exec 9>"$dir.lock"
flock 9
if [ ! -f "$stamp" ]; then
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" != "0" ]; then
      echo "outpost oracles: python3-venv is missing; run as root or install it" >&2
      exit 2
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >&2
  fi
  rm -rf "$dir"
  python3 -m venv "$dir" >&2
  "$dir/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}" >&2
  touch "$stamp"
fi
echo "$dir/bin/python"
