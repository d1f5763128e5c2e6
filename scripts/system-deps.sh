#!/usr/bin/env bash
# System packages that pip cannot provide, in two sets:
#   gui   what the desktop window needs (make run): Qt's runtime libraries, and the X libraries of
#         its xcb platform plugin; without them the app aborts with "Could not load the Qt platform
#         plugin xcb" on a fresh Debian desktop
#   test  (the default) the gui set, plus what the test suite needs (make test): Xvfb, a real X
#         server for the smoke test that opens the window with the xcb plugin; LibreOffice (soffice)
#         to check that reports open in a real spreadsheet app; poppler-utils (pdfinfo, pdftotext)
#         to read the PDFs it prints
# They are part of the set-up: a test whose tool is missing fails, it does not skip. Installs what is
# missing where it can (root with apt, e.g. a fresh Debian machine or CI); otherwise it names the
# packages and exits 1.
set -euo pipefail
set_name="${1:-test}"
# Qt's libraries, then the xcb plugin's (Qt >= 6.5 also needs libxcb-cursor0).
gui=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
     libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0
     libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-cursor0)
case "$set_name" in
  gui) needed=("${gui[@]}"); tools=() ;;
  test) needed=("${gui[@]}" xvfb poppler-utils libreoffice-calc-nogui); tools=(Xvfb soffice pdfinfo pdftotext) ;;
  *) echo "usage: $0 [gui|test]" >&2; exit 2 ;;
esac
if ! command -v dpkg-query >/dev/null; then  # not Debian: check the tools themselves, name what is missing
  for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null || {
      echo "$tool is missing: install Xvfb, LibreOffice Calc and poppler-utils with your package manager" >&2
      exit 1
    }
  done
  exit 0
fi
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
  echo "Missing system packages: ${missing[*]}; install them as root (sudo make system-deps) or with your" \
       "package manager (sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
