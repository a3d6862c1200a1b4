#!/usr/bin/env bash
# Before `npm test`: the clipboard test needs a real X display (Xvfb) and xsel, the dashboard's
# browser tests a real Chromium, and the README's CI example jq, all Debian packages. Install them
# when missing and we may (root with apt-get); otherwise say what to do.
missing=()
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
command -v xsel >/dev/null 2>&1 || missing+=(xsel)
command -v jq >/dev/null 2>&1 || missing+=(jq)
[ -x /usr/bin/chromium ] || [ -n "${CHROMIUM_PATH:-}" ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} for the clipboard, browser and README tests..." >&2
  if (apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; }); then
    exit 0
  fi
fi
echo "warning: ${missing[*]} not installed; the clipboard test (xvfb, xsel) and the README CI example's (jq) will fail, and the browser tests be skipped (they fail under CI=true). Install with: sudo apt-get install ${missing[*]}" >&2
exit 0
