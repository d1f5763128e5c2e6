#!/usr/bin/env bash
# System libraries the test suite needs and pip cannot provide: Qt's runtime libraries for the
# offscreen GUI tests, and LibreOffice to check that reports open in a real spreadsheet app.
# Installs only what is missing, and only where it can (root with apt); otherwise it says what
# to install and the tests that need it skip with that reason.
set -euo pipefail
needed=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libxcb-cursor0 poppler-utils libreoffice-calc-nogui)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages (install them with your package manager): ${missing[*]}" >&2
fi
