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
  # the newcomer tests: a project as a git work tree (kits must be ignored, plan --write's diff),
  # and no process of the lab twin left behind (ps)
  [git]=git
  [ps]=procps
)

missing=()
for cmd in "${!NEED[@]}"; do
  if ! PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1; then
    missing+=("${NEED[$cmd]}")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
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
for svc in slapd ssh openvpn kamailio hostapd; do
  (command -v systemctl >/dev/null && systemctl disable --now "$svc" >/dev/null 2>&1) || true
  (command -v service >/dev/null && service "$svc" stop >/dev/null 2>&1) || true
done
exit 0
