#!/bin/bash
# Sets everything up on a fresh Debian 12 machine (as root) and runs coop's main job on the
# built-in default: a container from a busybox image built here, with limits, printing what it sees.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
mvn -B -q -DskipTests package
bash scripts/build-rootfs.sh build/rootfs
# The same root filesystem as an OCI image, made with umoci, imported into coop's store.
rm -rf build/busybox-oci build/bundle
umoci init --layout build/busybox-oci
umoci new --image build/busybox-oci:demo
umoci unpack --image build/busybox-oci:demo build/bundle >/dev/null
rm -rf build/bundle/rootfs && cp -a build/rootfs build/bundle/rootfs
umoci repack --image build/busybox-oci:demo build/bundle
umoci config --image build/busybox-oci:demo --config.cmd sh
rm -rf build/bundle
echo "== coop info"
bin/coop info
echo "== import the image"
bin/coop images import build/busybox-oci:demo --name busybox:demo
bin/coop images ls
echo "== a container from busybox:demo with --memory 64m --cpus 0.5 --pids-limit 64, printing what it sees"
bin/coop run --rm --memory 64m --cpus 0.5 --pids-limit 64 --stats busybox:demo sh -c '
  echo "pid:      $$ (of $(ls -d /proc/[0-9]* | wc -l) visible processes)"
  echo "hostname: $(hostname)"
  echo "user:     $(id)"
  echo "network:  $(ls /sys/class/net | tr "\n" " ")"
  if [ -f /sys/fs/cgroup/memory.max ]; then
    echo "memory:   $(cat /sys/fs/cgroup/memory.max)  cpu.max: $(cat /sys/fs/cgroup/cpu.max)  pids.max: $(cat /sys/fs/cgroup/pids.max)"
  else
    echo "memory:   $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)  cpu quota/period: $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)/$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)  pids.max: $(cat /sys/fs/cgroup/pids/pids.max)"
  fi'
echo
echo "== start latency: 50 containers against runc in the same run"
bin/coop bench start --rootfs build/rootfs --image busybox:demo -n 50 --cold 5
