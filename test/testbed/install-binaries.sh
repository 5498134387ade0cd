#!/usr/bin/env bash
# Installs the testbed's control-plane binaries into the cache directory:
# etcd from Debian's etcd-server; kube-apiserver, kube-controller-manager (and
# kubectl when none is on PATH) built from Debian's kubernetes source package.
# Idempotent: binaries already in the cache are kept.
set -euo pipefail

cache="${KUBECTL_ANTREA_CERTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-antrea-certs}"
bin="$cache/bin"
mkdir -p "$bin"

# Bumped whenever the build changes, so that older cached binaries are rebuilt.
build_stamp="reflect2-1.0.2"
need=(kube-apiserver kube-controller-manager)
command -v kubectl >/dev/null 2>&1 || need+=(kubectl)
if [ "$(cat "$bin/.build-stamp" 2>/dev/null)" != "$build_stamp" ]; then
  for b in kube-apiserver kube-controller-manager kubectl; do rm -f "$bin/$b"; done
fi
missing=()
for b in "${need[@]}"; do [ -x "$bin/$b" ] || missing+=("$b"); done
if [ ! -x "$bin/etcd" ] && ! command -v etcd >/dev/null 2>&1; then etcd_missing=1; else etcd_missing=0; fi

if [ ${#missing[@]} -eq 0 ] && [ $etcd_missing -eq 0 ]; then
  echo "testbed binaries already in $bin"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The testbed needs etcd and kube-apiserver/kube-controller-manager built from Debian's kubernetes source package, which takes root and apt-get; run 'npm run testbed -- install' as root on Debian, or put the binaries in $bin." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_install() {
  if [ $apt_updated -eq 0 ]; then apt-get update -qq; apt_updated=1; fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ $etcd_missing -eq 1 ]; then
  echo "installing etcd-server"
  apt_install etcd-server
fi
# Debian's etcd-server starts a system etcd on 2379; the testbed runs its own.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now etcd >/dev/null 2>&1 || true; fi
pkill -x etcd -f '^/usr/bin/etcd$' >/dev/null 2>&1 || true
ln -sf "$(command -v etcd)" "$bin/etcd"

[ ${#missing[@]} -eq 0 ] && exit 0

# A deb-src entry derived from the machine's own Debian sources.
if ! apt-get source --print-uris kubernetes >/dev/null 2>&1; then
  src=/etc/apt/sources.list.d/kubectl-antrea-certs-src.sources
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed -e 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$src"
  elif [ -f /etc/apt/sources.list ]; then
    grep -E '^deb ' /etc/apt/sources.list | sed -e 's/^deb /deb-src /' > /etc/apt/sources.list.d/kubectl-antrea-certs-src.list
  fi
  apt_updated=0
fi
apt_install golang-go rsync jq dpkg-dev ca-certificates golang-github-modern-go-reflect2-dev

work="$cache/build"
mkdir -p "$work"
cd "$work"
tree=$(find . -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)
if [ -z "$tree" ]; then
  echo "fetching Debian's kubernetes source package"
  apt-get source -qq --download-only kubernetes >/dev/null
  dpkg-source -x --no-check ./kubernetes_*.dsc >/dev/null
  tree=$(find . -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)
fi
tree=$(cd "$tree" && pwd)

# Kubernetes 1.20 vendors modern-go/reflect2 1.0.1, whose map iteration crashes
# binaries built with Go 1.18 and later ("unexpected fault address" in
# mapiterinit as soon as the apiserver encodes a map). 1.0.2 fixes it; Debian
# packages it.
reflect2_src=/usr/share/gocode/src/github.com/modern-go/reflect2
reflect2_dst="$tree/vendor/github.com/modern-go/reflect2"
if ! grep -q "reflect2 v1.0.2" "$tree/vendor/modules.txt"; then
  find "$reflect2_dst" -maxdepth 1 -type f -name '*.go' -delete
  find "$reflect2_dst" -maxdepth 1 -type f -name '*.s' -delete
  cp "$reflect2_src"/*.go "$reflect2_dst"/
  rm -f "$reflect2_dst"/*_test.go
  sed -i 's#github.com/modern-go/reflect2 v1.0.1#github.com/modern-go/reflect2 v1.0.2#g' "$tree/vendor/modules.txt" "$tree/go.mod"
  sed -i 's#github.com/modern-go/reflect2 v1.0.1#github.com/modern-go/reflect2 v1.0.2#g' "$tree/staging/src/k8s.io/"*/go.mod 2>/dev/null || true
fi
mkdir -p "$tree/.go/src/k8s.io"
ln -sfn "$tree" "$tree/.go/src/k8s.io/kubernetes"

cd "$tree/.go/src/k8s.io/kubernetes"
for b in "${missing[@]}"; do
  echo "building $b (several minutes)"
  rm -f "_output/bin/$b" "_output/local/bin/linux/amd64/$b"
  start=$(date +%s)
  GOPATH="$tree/.go" CGO_ENABLED=0 make WHAT="cmd/$b" >"$work/build-$b.log" 2>&1 || {
    echo "building $b failed; the last lines of $work/build-$b.log:" >&2
    tail -n 20 "$work/build-$b.log" >&2
    exit 1
  }
  out=$(find _output -type f -name "$b" | head -n1)
  [ -s "$out" ] || { echo "building $b produced no binary; see $work/build-$b.log" >&2; exit 1; }
  install -m 0755 "$out" "$bin/$b"
  echo "built $b in $(( $(date +%s) - start ))s"
done
echo "$build_stamp" > "$bin/.build-stamp"
