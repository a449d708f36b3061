#!/usr/bin/env bash
# Debian packages the app and its tests use: poppler-utils (PDF checks), espeak-ng (speech
# out), chromium (browser journeys), postgresql (the server the store tests also run on). Installs only what is missing; needs root or sudo.
set -euo pipefail
packages=(poppler-utils espeak-ng chromium fonts-hosny-amiri postgresql)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: apt-get not found; install ${missing[*]} by hand (tests that need them skip)" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "system-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
