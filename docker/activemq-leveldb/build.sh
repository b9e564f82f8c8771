#!/usr/bin/env bash
# Builds amqha.local/activemq-leveldb:<version> for the "leveldb" profile.
#   docker/activemq-leveldb/build.sh apache-activemq-5.16.7-bin.tar.gz [jdk-8-linux-x64.tar.gz]
# Without a JDK tarball the Java comes from the JAVA_IMAGE base image
# (default eclipse-temurin:8-jre), which needs a reachable registry.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
amq=${1:?usage: build.sh apache-activemq-5.x-bin.tar.gz [jdk.tar.gz]}
jdk=${2:-}
version=$(basename "$amq" | sed -nE 's/^apache-activemq-(5\.[0-9]+\.[0-9]+)-bin\.tar\.gz$/\1/p')
case "$version" in
  5.9.*|5.1[0-6].*) ;;
  *) echo "need apache-activemq-5.9..5.16-bin.tar.gz (LevelDB left ActiveMQ in 5.17); got $(basename "$amq")" >&2; exit 2 ;;
esac
ctx=$(mktemp -d); trap 'rm -rf "$ctx"' EXIT
cp "$here/Dockerfile" "$here/run.sh" "$ctx/"
cp "$amq" "$ctx/apache-activemq-bin.tar.gz"
mkdir -p "$ctx/jdk"
args=()
if [ -n "$jdk" ]; then
  tar -xzf "$jdk" -C "$ctx/jdk" --strip-components=1
  # A local JDK needs no Java base image, only a libc: Debian's own.
  args+=(--build-arg "JAVA_IMAGE=${BASE_IMAGE:-$(bash "$here/../build.sh")}")
fi
docker build "${args[@]}" -t "amqha.local/activemq-leveldb:$version" -t amqha.local/activemq-leveldb:latest "$ctx"
echo "amqha.local/activemq-leveldb:$version"
