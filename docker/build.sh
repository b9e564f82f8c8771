#!/usr/bin/env bash
# Builds amqha's single node image from Debian's packages, with no registry:
# mmdebstrap writes a rootfs tarball that `docker import` turns into an image.
# The tag is a hash of this script and packages.txt, so an unchanged rerun
# costs one `docker image inspect`. docker/image.go computes the same tag.
# Without a Debian mirror on the host it falls back to Dockerfile.registry.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
suite=bookworm
hash=$(cat "$here/build.sh" "$here/packages.txt" "$here/Dockerfile.registry" | sha256sum | cut -c1-12)
image="amqha.local/node:$hash"

log() { printf '[images] %s\n' "$*" >&2; }

if ! docker version >/dev/null 2>&1; then
  log "docker engine is not reachable"; exit 2
fi
if docker image inspect "$image" >/dev/null 2>&1; then
  log "$image is up to date"; echo "$image"; exit 0
fi
if [ "$(id -u)" != 0 ]; then
  log "building the image needs root (mmdebstrap --mode=root)"; exit 2
fi
command -v mmdebstrap >/dev/null || {
  log "installing mmdebstrap"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
}

# The mirror comes from the host's apt configuration; no host name lives in this repo.
find_mirror() {
  local m
  m=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 2>/dev/null |
      awk -v s="$suite" '$2==s {print $1; exit}')
  if [ -z "$m" ]; then
    m=$(awk '/^URIs:/ {u=$2} /^Suites:/ { for (i=2;i<=NF;i++) if ($i==s) {print u; exit} }' s="$suite" \
        /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
  fi
  if [ -z "$m" ]; then
    m=$(grep -hE "^deb(\s+\[[^]]*\])?\s+\S+\s+$suite(\s|$)" /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed -E 's/^deb(\s+\[[^]]*\])?\s+//' | awk '{print $1; exit}')
  fi
  printf '%s' "$m"
}
mirror=${AMQHA_DEBIAN_MIRROR:-$(find_mirror)}
if [ -z "$mirror" ]; then
  # No Debian mirror on this host (an Ubuntu runner, say): where a registry
  # is reachable, the same packages come from the debian:bookworm image.
  log "no $suite mirror in the host's apt configuration; trying the registry path (docker build FROM debian:bookworm)"
  docker build --label "amqha.inputs=$hash" -t "$image" -f "$here/Dockerfile.registry" "$here" >&2 ||
    { log "registry path failed too; set AMQHA_DEBIAN_MIRROR to a Debian mirror URL"; exit 2; }
  echo "$image"; exit 0
fi
eval "$(apt-config shell http_proxy Acquire::http::Proxy)"
[ -n "${http_proxy:-}" ] && export http_proxy

pkgs=$(grep -vE '^\s*(#|$)' "$here/packages.txt" | paste -sd, -)
log "building $image from Debian $suite ($(echo "$pkgs" | tr ',' '\n' | wc -l) packages); this takes 2-4 minutes"

start=$(date +%s)
# A temporary tarball, not a pipe: a failed mmdebstrap must never be imported.
tar=$(mktemp --suffix=.tar)
trap 'rm -f "$tar"' EXIT
mmdebstrap --variant=minbase --mode=root --format=tar --include="$pkgs" \
  --aptopt='Acquire::Check-Valid-Until "false"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --customize-hook='chroot "$1" pg_dropcluster 15 main || true' \
  --customize-hook='chroot "$1" sh -c "getent passwd zookeeper || useradd --system --home-dir /srv/zk --shell /usr/sbin/nologin zookeeper"' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/usr/share/man/*; : > "$1"/etc/resolv.conf' \
  "$suite" "$tar" "$mirror" 2>&1 | sed -u 's/^/[images] /' >&2
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  --change 'WORKDIR /' \
  --change 'LABEL org.opencontainers.image.title=amqha-node' \
  --change "LABEL amqha.inputs=$hash" \
  --change 'CMD ["/bin/bash"]' \
  "$tar" "$image" >/dev/null
log "built $image in $(( $(date +%s) - start ))s"
# Earlier recipes' images are dead weight (about 700 MB each); one still in
# use by a container is kept by Docker itself.
for old in $(docker images amqha.local/node --format '{{.Repository}}:{{.Tag}}' | grep -vx "$image"); do
  docker rmi "$old" >/dev/null 2>&1 && log "removed stale $old" || true
done
echo "$image"
