#!/bin/bash
# Installs what building and testing coop needs on Debian 12. Idempotent; quick when all is there.
set -euo pipefail
pkgs=(openjdk-17-jdk-headless maven gcc libc6-dev busybox-static runc iproute2 procps umoci skopeo zstd docker-registry)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "coop: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# docker-registry's package may start a system-wide registry; the tests start their own on loopback.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
  systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi
