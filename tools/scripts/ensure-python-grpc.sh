#!/usr/bin/env bash
# Makes sure Debian's python3 (/usr/bin/python3) has grpcio, grpc_tools and protobuf, for the
# foreign-client test. A pyenv python3 earlier on PATH cannot see these packages, so the tests call
# /usr/bin/python3 explicitly.
set -euo pipefail
py=/usr/bin/python3
check() { [[ -x $py ]] && $py -c 'import grpc, grpc_tools.protoc, google.protobuf' >/dev/null 2>&1; }
if check; then echo "ensure-python-grpc: $($py -c 'import grpc; print("grpcio", grpc.__version__)') ready"; exit 0; fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3 python3-grpcio python3-grpc-tools python3-protobuf >/dev/null
  check && { echo "ensure-python-grpc: installed"; exit 0; }
fi
echo "ensure-python-grpc: /usr/bin/python3 with grpcio, grpc_tools and protobuf is needed (Debian: apt-get install python3-grpcio python3-grpc-tools python3-protobuf)" >&2
exit 1
