#!/bin/bash
# Builds a small root filesystem from Debian's busybox-static: /bin/busybox, one link per applet,
# and the few files a shell expects. Usage: build-rootfs.sh DIR
set -euo pipefail
dir=${1:?usage: build-rootfs.sh DIR}
bb=/bin/busybox
[ -x "$bb" ] || { echo "build-rootfs: $bb missing: apt-get install busybox-static" >&2; exit 1; }
tmp="$dir.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,var,home}
chmod 1777 "$tmp/tmp"
cp "$bb" "$tmp/bin/busybox"
for applet in $("$bb" --list-full); do
  [ -e "$tmp/$applet" ] || ln -s /bin/busybox "$tmp/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$tmp/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$tmp/etc/group"
rm -rf "$dir"
mv "$tmp" "$dir"
