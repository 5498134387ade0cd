#!/usr/bin/env bash
# Builds the image of Containerfile without a registry, with buildah from scratch: the linux executable
# that `npm run package` made, the shared libraries ldd names, nonroot (65532) in /etc/passwd, and the
# user, port, entrypoint and labels of Containerfile. Writes dist/image/*.oci.tar, prints its config,
# and runs the executable in it with podman, or says what refused. Needs root; ldd limits it to the
# host's arch.  Usage: scripts/image.sh [amd64|arm64]  (default amd64)
set -euo pipefail

arch=${1:-amd64}
cd "$(dirname "$0")/.."
start=$(date +%s%N)

case $(uname -m) in
  x86_64) host=amd64 ;;
  aarch64) host=arm64 ;;
  *) host=$(uname -m) ;;
esac
if [[ $arch != "$host" ]]; then
  echo "image.sh: ldd cannot read a linux_$arch executable on this $host host" >&2
  exit 1
fi
if [[ $(id -u) != 0 ]]; then
  echo "image.sh: run as root (or in buildah unshare)" >&2
  exit 1
fi

exe=dist/sea/linux_$arch/kubectl-antrea_certs
if [[ ! -x $exe ]]; then
  echo "image.sh: $exe is missing: run npm run package" >&2
  exit 1
fi
version=$(node -p 'require("./package.json").version')
out=dist/image/kubectl-antrea-certs-exporter_linux_$arch.oci.tar
ref=kubectl-antrea-certs-exporter:v$version

instruction() { sed -n "s/^$1 //p" Containerfile; }
user=$(instruction USER)
port=$(instruction EXPOSE)
[[ $port == */* ]] || port=$port/tcp
entrypoint=$(instruction ENTRYPOINT)
labels=()
while IFS= read -r label; do
  value=${label#*=}
  value=${value#\"}
  value=${value%\"}
  # shellcheck disable=SC2016 # the ${VERSION} of Containerfile, as text
  labels+=(--label "${label%%=*}=${value//'${VERSION}'/$version}")
done < <(instruction LABEL)
if [[ -z $user || -z $port || -z $entrypoint || ${#labels[@]} == 0 ]]; then
  echo "image.sh: Containerfile has no USER, EXPOSE, ENTRYPOINT or LABEL line" >&2
  exit 1
fi

# A store of its own, removed at the end: nothing is left in /var/lib/containers. vfs works wherever
# root does (no overlay mount); STORAGE_DRIVER=overlay is faster where the kernel allows it.
store=$(mktemp -d "${TMPDIR:-/tmp}/antrea-certs-image.XXXXXX")
storage=(--root "$store/root" --runroot "$store/run" --storage-driver "${STORAGE_DRIVER:-vfs}")
container=
cleanup() {
  if [[ -n $container ]]; then buildah "${storage[@]}" rm "$container" >/dev/null || true; fi
  podman "${storage[@]}" rm -a -f -t 0 >/dev/null 2>&1 || true
  podman "${storage[@]}" rmi -a -f >/dev/null 2>&1 || true
  rm -rf "$store"
}
trap cleanup EXIT

container=$(buildah "${storage[@]}" from scratch)
root=$(buildah "${storage[@]}" mount "$container")

# Puts a host path in the image as the host has it: each symlink on the way (/lib64 -> usr/lib64,
# libstdc++.so.6 -> libstdc++.so.6.0.30) is made again and followed, then the file is copied.
copy_path() {
  local prefix='' rest=${1#/} part here target
  while [[ -n $rest ]]; do
    part=${rest%%/*}
    if [[ $rest == */* ]]; then rest=${rest#*/}; else rest=''; fi
    here=$prefix/$part
    if [[ -L $here ]]; then
      target=$(readlink "$here")
      [[ -L $root$here ]] || ln -s "$target" "$root$here"
      # prefix holds no symlink, so ".." in a relative target can be resolved as text (realpath -s).
      [[ $target == /* ]] || target=$prefix/$target
      copy_path "$(realpath -m -s "$target${rest:+/$rest}")"
      return
    elif [[ -d $here ]]; then
      mkdir -p "$root$here"
    else
      cp -a "$here" "$root$here"
    fi
    prefix=$here
  done
}

install -m 0755 "$exe" "$root/kubectl-antrea_certs"
while read -r lib; do copy_path "$lib"; done < <(ldd "$exe" | grep -o '/[^ ]*')
mkdir -p "$root/etc" "$root/home/nonroot"
printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' \
  'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'nonroot:x:65532:' >"$root/etc/group"
# Without it glibc asks DNS before /etc/hosts.
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
chmod 0644 "$root/etc/passwd" "$root/etc/group" "$root/etc/nsswitch.conf"
chown 65532:65532 "$root/home/nonroot"
chmod 0700 "$root/home/nonroot"
install -d -m 1777 "$root/tmp"
buildah "${storage[@]}" umount "$container" >/dev/null

# PATH and the working directory as distroless sets them.
buildah "${storage[@]}" config --user "$user" --port "$port" --entrypoint "$entrypoint" \
  --workingdir /home/nonroot --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --os linux --arch "$arch" --created-by scripts/image.sh "${labels[@]}" "$container"
mkdir -p "$(dirname "$out")"
rm -f "$out"
buildah "${storage[@]}" commit -q --format oci "$container" "oci-archive:$out:$ref" >/dev/null
built=$(date +%s%N)

skopeo inspect --config "oci-archive:$out"
# shellcheck disable=SC2016 # JavaScript
skopeo inspect --raw "oci-archive:$out" | node -e '
  for (const l of JSON.parse(require("fs").readFileSync(0, "utf8")).layers)
    console.log(`layer ${l.digest}: ${l.size} bytes (${l.mediaType})`);'
echo "$out: $(stat -c %s "$out") bytes, built in $(awk "BEGIN { printf \"%.1f\", ($built - $start) / 1e9 }") s"

# The run proves the executable and its libraries work in the image. runc, not crun: crun refuses
# hybrid cgroups (v1 with an empty v2). The ulimits are low because podman's defaults raise the hard
# limits, which a root without CAP_SYS_RESOURCE (this sandbox's) may not do.
podman=(podman "${storage[@]}" --runtime "$(command -v runc || echo crun)")
run=(--network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --entrypoint /kubectl-antrea_certs)
if ! loaded=$("${podman[@]}" load -q -i "$out" 2>&1); then
  echo "podman cannot load the image here: $loaded"
  exit 0
fi
image=${loaded##*: }
if ! output=$("${podman[@]}" run --rm "${run[@]}" "$image" version --client 2>&1); then
  echo "podman cannot run the image here: $output"
  exit 0
fi
echo "podman run $image version --client: $output"
# The uid seen from the host, while the executable waits for a kubeconfig on its standard input.
if id=$("${podman[@]}" run -d -i "${run[@]}" "$image" status --kubeconfig /dev/stdin 2>&1) &&
  pid=$("${podman[@]}" inspect --format '{{.State.Pid}}' "$id" 2>&1) &&
  ids=$(grep -E '^(Uid|Gid):' "/proc/$pid/status" 2>&1); then
  echo "podman: the executable runs as ${ids//[$'\t\n']/ }"
else
  echo "podman: the uid could not be read: ${ids:-${pid:-$id}}"
fi
