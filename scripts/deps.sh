#!/bin/bash
# Install what ilb's build, tests, demo and benchmarks need on Debian.
# Idempotent and quick when everything is there; runs as root (or via sudo).
#   scripts/deps.sh          install what is missing
#   scripts/deps.sh --check  exit 1 if something is missing, install nothing
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)

PKGS=(
	# build
	gcc make libc6-dev pkg-config perl kmod
	linux-headers-amd64 linux-source-6.1 xz-utils
	libnl-3-dev libnl-genl-3-dev libcmocka-dev libssl-dev libb2-dev
	# the test VM
	linux-image-amd64 qemu-system-x86 busybox-static cpio gzip
	# inside the VM: topology and traffic
	iproute2 iputils-ping procps psmisc iptables ethtool
	nginx-light socat wrk httperf netcat-openbsd python3 ipvsadm tcpdump
)

missing=()
for p in "${PKGS[@]}"; do
	case $p in \#*) continue ;; esac
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

# checkpatch.pl comes from Debian's linux-source-6.1, unpacked under build/.
CP=$REPO/build/checkpatch/scripts/checkpatch.pl
need_cp=0
[ -f "$CP" ] || need_cp=1

if [ "${1:-}" = --check ]; then
	[ ${#missing[@]} -eq 0 ] && [ $need_cp = 0 ] && exit 0
	echo "deps: missing: ${missing[*]} $([ $need_cp = 1 ] && echo checkpatch)"
	exit 1
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The headers and the image must be the same kernel: the VM boots the kernel
# that ilb.ko is built for.
kver=$(basename "$(dirname "$("$REPO/scripts/kdir.sh")")")
if [ ! -r "/boot/vmlinuz-$kver" ]; then
	echo "deps: installing linux-image-$kver to match the headers"
	$SUDO apt-get install -y -q --no-install-recommends "linux-image-$kver"
fi
if [ $need_cp = 1 ]; then
	echo "deps: unpacking checkpatch.pl from linux-source-6.1"
	mkdir -p "$REPO/build/checkpatch"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$REPO/build/checkpatch" \
		--strip-components=1 linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi
# nginx is started by the tests inside their namespaces, never as a service.
if command -v systemctl >/dev/null && systemctl is-active -q nginx 2>/dev/null; then
	$SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
fi
exit 0
