#!/usr/bin/env bash
# Install the Debian packages TwoMaps needs, only those missing; fast (a dpkg query) when all are there.
# As root on Debian/Ubuntu it installs them; elsewhere it prints exactly what to install and fails.
set -euo pipefail

pg_major() {
  local newest
  newest=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
  echo "${newest:-15}"
}

MAJOR=$(pg_major)
PACKAGES=(
  "postgresql-${MAJOR}"                 # server binaries for the embedded cluster
  "postgresql-${MAJOR}-postgis-3"       # PostGIS
  "postgresql-${MAJOR}-pgrouting"       # road distance for evacuation and depot reach
  gdal-bin                              # ogrinfo/ogr2ogr: interop tests, imports
  chromium                              # headless browser tests and PNG/PDF briefings
  fonts-noto-cjk                        # Chinese glyphs in screenshots and PDFs
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Tools judged by whether they work, not by package name: a Node.js from another vendor bundles its own npm (and
# conflicts with Debian's), and a Python may come with venv built in.
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "twomaps: missing system packages; install them with: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "twomaps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
