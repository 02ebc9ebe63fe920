#!/usr/bin/env bash
# Makes sure Go and Debian's etcd client + grpc-go sources are installed, for the discovery interop
# tests (a Go client using etcd's official naming resolver, built in GOPATH mode, no module download).
set -euo pipefail
gopath=/usr/share/gocode
check() {
  command -v go >/dev/null 2>&1 &&
    [[ -d $gopath/src/go.etcd.io/etcd || -d $gopath/src/go.etcd.io/etcd/client ]] &&
    [[ -d $gopath/src/google.golang.org/grpc ]]
}
if check; then echo "ensure-go: $(go version) with etcd and grpc-go sources in $gopath"; exit 0; fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends golang-go golang-etcd-server-dev golang-google-grpc-dev >/dev/null
  check && { echo "ensure-go: installed $(go version)"; exit 0; }
fi
echo "ensure-go: Go with Debian's golang-etcd-server-dev and golang-google-grpc-dev is needed (apt-get install golang-go golang-etcd-server-dev golang-google-grpc-dev)" >&2
exit 1
