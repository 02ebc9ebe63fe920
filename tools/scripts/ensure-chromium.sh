#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium, for the dashboard's browser test (driven by
# playwright-core; `npx playwright install` cannot download a browser here). As root on Debian it
# installs the chromium package; elsewhere it says what to install.
set -euo pipefail
bin=/usr/bin/chromium
check() { [[ -x $bin ]] && $bin --version >/dev/null 2>&1; }
if check; then echo "ensure-chromium: $($bin --version 2>/dev/null | head -n1) at $bin"; exit 0; fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1 && [[ -r /etc/debian_version ]]; then
  echo "ensure-chromium: installing Debian's chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Other set-up scripts may hold the dpkg lock: wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium >/dev/null
  check && { echo "ensure-chromium: installed $($bin --version 2>/dev/null | head -n1)"; exit 0; }
fi
echo "ensure-chromium: Chromium is needed at $bin for the dashboard's browser test (Debian/Ubuntu as root: apt-get install chromium; elsewhere install Chromium and link it to $bin)" >&2
exit 1
