#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a downloaded browser) and screenshots need a
# real CJK font. Install both when missing and we are root; otherwise say how.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
ldconfig -p 2>/dev/null | grep -q libpangoft2 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "The browser tests need Debian packages: ${missing[*]}." >&2
echo "Install them with: sudo apt-get install ${missing[*]}" >&2
exit 1
