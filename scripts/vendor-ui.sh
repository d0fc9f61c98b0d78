#!/usr/bin/env bash
# Re-fetches the web UI's vendored chart library (uPlot) from the npm registry at the pinned version and checks
# the package's SHA-256, so the committed files under src/Keel.Web/wwwroot/lib/uplot/ can be reproduced.
# The build itself never needs npm: the files are committed and embedded into Keel.Web.dll.
set -euo pipefail

UPLOT_VERSION=1.6.32
UPLOT_SHA256=4b8a8191e425658e3ea8c8c1314b0fc679c861ee3a1af2b20c7b16ba50b5133d

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/src/Keel.Web/wwwroot/lib/uplot"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

(cd "$scratch" && npm pack --silent "uplot@$UPLOT_VERSION" >/dev/null)
tarball="$scratch/uplot-$UPLOT_VERSION.tgz"
echo "$UPLOT_SHA256  $tarball" | sha256sum --check --quiet
tar -xzf "$tarball" -C "$scratch"

mkdir -p "$target"
cp "$scratch/package/dist/uPlot.iife.min.js" "$target/uPlot.iife.min.js"
cp "$scratch/package/dist/uPlot.min.css" "$target/uPlot.min.css"
cp "$scratch/package/LICENSE" "$target/LICENSE"
echo "uplot@$UPLOT_VERSION" > "$target/VERSION"
echo "vendored uplot@$UPLOT_VERSION into ${target#"$root"/}"
