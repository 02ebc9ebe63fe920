#!/usr/bin/env bash
# npm test's pretest: makes sure what the tests need outside npm is installed: etcd, Debian's python3
# grpcio, Go, Chromium. Each check is quick when the thing is there (no apt-get update); each script
# installs what is missing as root on Debian, and otherwise says exactly what to install.
set -uo pipefail
cd "$(dirname "$0")"
missing=()
for script in ensure-etcd.sh ensure-python-grpc.sh ensure-go.sh ensure-chromium.sh; do
  bash "$script" || missing+=("$script")
done
if ((${#missing[@]} > 0)); then
  echo "ensure-test-deps: missing what ${missing[*]} checks for (see above); install it, then run npm test again" >&2
  exit 1
fi
