#!/usr/bin/env bash
# Builds the Pulumi engine (the `pulumi` CLI) from its Go module once and caches it
# outside the repository; reused on every later run. Pulumi's own installer downloads a
# prebuilt binary, which these machines cannot fetch; the Go module proxy they can reach.
set -euo pipefail

PULUMI_VERSION="${OUTPOST_PULUMI_VERSION:-v3.274.1}"
CACHE="${OUTPOST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/outpost}"
DEST="$CACHE/pulumi/$PULUMI_VERSION"

# The engine starts this for Node.js dynamic providers (outpost's DeviceConfig, Account,
# RoleGroup). Pulumi's releases ship it beside the CLI; a CLI built from Go lacks it. It
# runs @pulumi/pulumi's provider host, found from the project folder or NODE_PATH (which
# `outpost infra` sets to its own node_modules).
write_launcher() {
  local bin="$1"
  cat > "$bin/pulumi-resource-pulumi-nodejs.tmp" <<'SH'
#!/bin/sh
exec node "$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/dynamic-provider"))')" "$@"
SH
  chmod 755 "$bin/pulumi-resource-pulumi-nodejs.tmp"
  mv "$bin/pulumi-resource-pulumi-nodejs.tmp" "$bin/pulumi-resource-pulumi-nodejs"
}

if [ -x "$DEST/bin/pulumi" ]; then
  [ -x "$DEST/bin/pulumi-resource-pulumi-nodejs" ] || write_launcher "$DEST/bin"
  echo "$DEST/bin"
  exit 0
fi
# One build at a time per machine: a second caller waits and then reuses the first's.
mkdir -p "$CACHE/pulumi"
exec 9>"$CACHE/pulumi/$PULUMI_VERSION.lock"
flock 9
if [ -x "$DEST/bin/pulumi" ]; then
  [ -x "$DEST/bin/pulumi-resource-pulumi-nodejs" ] || write_launcher "$DEST/bin"
  echo "$DEST/bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "outpost setup: Go is needed to build the Pulumi engine (none on PATH)" >&2
  exit 2
fi

start=$(date +%s)
work="$(mktemp -d "${TMPDIR:-/tmp}/outpost-pulumi-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "outpost setup: building the Pulumi engine $PULUMI_VERSION (once; cached in $DEST)" >&2

# pkg/v3 carries replace directives, so `go install pkg@version` refuses it: a throwaway
# module requiring pkg and sdk at the same version builds the command the usual way.
cd "$work"
cat > go.mod <<MOD
module outpost.local/pulumi-engine

go 1.24
MOD
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO
export GOFLAGS=-mod=mod
go get "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION" >&2
mkdir -p "$DEST.partial/bin"
go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
  -o "$DEST.partial/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
write_launcher "$DEST.partial/bin"
rm -rf "$DEST"
mv "$DEST.partial" "$DEST"
echo "outpost setup: Pulumi engine built in $(( $(date +%s) - start )) s" >&2
echo "$DEST/bin"
