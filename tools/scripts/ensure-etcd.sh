#!/usr/bin/env bash
# Makes sure etcd and etcdctl 3.4 or newer are on PATH. Where they are missing and apt-get is usable
# as root, installs Debian's etcd-server and etcd-client; elsewhere stops with how to install them.
set -euo pipefail

min_major=3
min_minor=4

version_ok() {
  # $1: a version string like 3.4.23
  local major minor
  major=${1%%.*}
  minor=${1#*.}
  minor=${minor%%.*}
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  ((major > min_major || (major == min_major && minor >= min_minor)))
}

have_etcd() {
  command -v etcd >/dev/null 2>&1 && command -v etcdctl >/dev/null 2>&1 || return 1
  local v
  v=$(etcd --version 2>/dev/null | sed -n 's/^etcd Version: *//p' | head -n1)
  version_ok "$v" || { echo "ensure-etcd: etcd $v on PATH is older than $min_major.$min_minor" >&2; return 1; }
  echo "ensure-etcd: etcd $v and $(etcdctl version 2>/dev/null | head -n1) are on PATH"
}

if have_etcd; then exit 0; fi

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-etcd: installing Debian's etcd-server and etcd-client" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends etcd-server etcd-client >/dev/null
  # Debian's package starts a system etcd on 2379; Flotilla's tests never use it, but stop it so
  # it holds no ports or CPU (there is no init system in containers, so this may be a no-op).
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now etcd >/dev/null 2>&1 || true; fi
  have_etcd && exit 0
fi

cat >&2 <<'MSG'
ensure-etcd: etcd 3.4+ (etcd and etcdctl) is not on PATH, and it cannot be installed here automatically.
Install it, then run this again:
  - Debian/Ubuntu (as root):  apt-get install etcd-server etcd-client
  - macOS (Homebrew):         brew install etcd
  - any Linux:                download a release from the etcd project and put etcd and etcdctl on PATH
Or point ETCD_BIN at an etcd binary.
MSG
exit 1
