#!/usr/bin/env bash
# Installs the Debian packages that outpost's tests and lab drive for real.
# Idempotent and quiet when everything is present; needs root to install.
set -euo pipefail

# command -> package that provides it
declare -A NEED=(
  [slapd]=slapd
  [ldapadd]=ldap-utils
  [sshd]=openssh-server
  [ssh-keygen]=openssh-client
  [nft]=nftables
  [openvpn]=openvpn
  [ip]=iproute2
  [xmllint]=libxml2-utils
  [plistutil]=libplist-utils
  [kamailio]=kamailio
  [sipsak]=sipsak
  # the PBX's subscriber store: outpost writes it with the sqlite3 shell
  [sqlite3]=sqlite3
  # the agents' softphone in the PBX tests (the accounts file from their kits)
  [baresip]=baresip-core
  [hostapd]=hostapd
  [openssl]=openssl
  [chromium]=chromium
  # an independent INI parser and SQL engine for the kit tests (configparser, sqlite3)
  [python3]=python3
  # a pseudo-terminal for the onboarding wizard test (util-linux)
  [script]=bsdutils
  # delivery: the on-device rollback timer (setsid) and nftables normalisation (unshare -n)
  [unshare]=util-linux
  [setsid]=util-linux
  # the RADIUS server behind 802.1X ports and the staff Wi-Fi, and its test client
  [freeradius]=freeradius
  [eapol_test]=eapoltest
  # the install lock of scripts/setup-oracles.sh (test-only parsers from PyPI)
  [flock]=util-linux
  # the lab twin's ICMP probes (a policy test with port: icmp)
  [ping]=iputils-ping
  # the newcomer tests: a project as a git work tree (kits must be ignored, plan --write's diff),
  # and no process of the lab twin left behind (ps)
  [git]=git
  [ps]=procps
)

# file (glob) -> package, for what has no command of its own
declare -A NEED_FILE=(
  # freeradius' LDAP module: users are checked against the directory
  ['/usr/lib/freeradius/rlm_ldap.so']=freeradius-ldap
  # kamailio's SQLite driver: the PBX reads its subscriber store through it
  ['/usr/lib/*/kamailio/modules/db_sqlite.so']=kamailio-sqlite-modules
)

missing=()
for cmd in "${!NEED[@]}"; do
  if ! PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1; then
    missing+=("${NEED[$cmd]}")
  fi
done
for pattern in "${!NEED_FILE[@]}"; do
  # shellcheck disable=SC2086 # the pattern is meant to expand
  if ! compgen -G $pattern >/dev/null; then
    missing+=("${NEED_FILE[$pattern]}")
  fi
done

# The Pulumi engine (tests/e2e/infra-engine.test.ts, `outpost infra`): built from its Go
# module once and cached outside the repository; a no-op when the cache has it.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pulumi_engine() {
  bash "$here/setup-pulumi.sh" >/dev/null
}

if [ ${#missing[@]} -eq 0 ]; then
  pulumi_engine
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  echo "outpost setup: missing system packages: ${missing[*]}" >&2
  echo "outpost setup: run as root (or install them) to use the lab and the tests" >&2
  exit 2
fi

echo "outpost setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# slapd's postinst would build a default database we never use; outpost starts its own.
echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
# Debian starts these daemons on install; outpost runs its own instances only.
for svc in slapd ssh openvpn kamailio hostapd freeradius; do
  (command -v systemctl >/dev/null && systemctl disable --now "$svc" >/dev/null 2>&1) || true
  (command -v service >/dev/null && service "$svc" stop >/dev/null 2>&1) || true
done
pulumi_engine
exit 0
