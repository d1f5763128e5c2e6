#!/usr/bin/env bash
# System packages the test suite needs and pip cannot provide: Qt's runtime libraries for the
# offscreen GUI tests, LibreOffice (soffice) to check that reports open in a real spreadsheet app,
# and poppler-utils (pdfinfo, pdftotext) to read the PDFs it prints. They are part of the set-up:
# a test whose tool is missing fails, it does not skip. Installs what is missing where it can
# (root with apt, e.g. a fresh Debian machine or CI); otherwise it names the packages and exits 1.
set -euo pipefail
tools=(soffice pdfinfo pdftotext)
if ! command -v dpkg-query >/dev/null; then  # not Debian: check the tools themselves, name what is missing
  for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: install LibreOffice Calc and poppler-utils" >&2; exit 1; }
  done
  exit 0
fi
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
  for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null || { echo "$tool is still missing after installing ${missing[*]}" >&2; exit 1; }
  done
else
  echo "Missing system packages: ${missing[*]}; install them as root (sudo make system-deps) or with your package manager" >&2
  exit 1
fi
