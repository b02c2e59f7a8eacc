#!/bin/bash
# Install what ilb needs on Debian 12. Idempotent and quick when everything
# is there; runs as root (or via sudo).
#
#   scripts/deps.sh [build]   what `make` needs: compiler, the kernel headers
#                             of Debian's stock kernel, libnl, libcrypto
#   scripts/deps.sh test      also what `make check`, `make check-debug`,
#                             `make demo`, `make deb` and the benchmarks
#                             need: cmocka, qemu, the test VM's userland, the
#                             packaging tools, the second kernel line (6.12,
#                             from bookworm-backports) and what building the
#                             debug kernel from linux-source-6.1 takes
#   scripts/deps.sh [build|test] --check   exit 1 if something is missing
#
# Neither set starts, stops or disables a service of the machine's own: the
# tests start their servers inside the VM's namespaces.
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)

SET=build
CHECK=0
for a in "$@"; do
	case $a in
	build | test) SET=$a ;;
	--check) CHECK=1 ;;
	*) echo "usage: $0 [build|test] [--check]" >&2; exit 2 ;;
	esac
done

BUILD_PKGS=(
	gcc make libc6-dev pkg-config kmod
	linux-headers-amd64
	libnl-3-dev libnl-genl-3-dev libssl-dev
)
TEST_PKGS=(
	# unit tests, style, benchmarks
	libcmocka-dev libb2-dev perl linux-source-6.1 xz-utils
	# make check-debug builds a kernel from linux-source-6.1
	flex bison bc libelf-dev
	# the test VM: Debian's kernels, booted under qemu
	linux-image-amd64 qemu-system-x86 busybox-static cpio gzip zstd
	# inside the VM: topology and traffic
	iproute2 iputils-ping procps psmisc iptables ethtool
	nginx-light socat wrk httperf netcat-openbsd python3 ipvsadm tcpdump
	hping3
	# packages: make deb, lintian, man pages, units
	debhelper dh-dkms dkms dpkg-dev fakeroot lintian python3-docutils
	bash-completion systemd man-db
)
# The second kernel line: the newest 6.12 of bookworm-backports (meta
# packages, so the stock 6.1 ones stay as they are).
BPO_SUITE=bookworm-backports
BPO_PKGS=(linux-image-6.12-amd64 linux-headers-6.12-amd64)

PKGS=("${BUILD_PKGS[@]}")
[ "$SET" = test ] && PKGS+=("${TEST_PKGS[@]}" "${BPO_PKGS[@]}")

missing=()
for p in "${PKGS[@]}"; do
	case $p in \#*) continue ;; esac
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

# checkpatch.pl comes from Debian's linux-source-6.1, unpacked under build/.
CP=$REPO/build/checkpatch/scripts/checkpatch.pl
need_cp=0
[ "$SET" = test ] && [ ! -f "$CP" ] && need_cp=1

if [ $CHECK = 1 ]; then
	[ ${#missing[@]} -eq 0 ] && [ $need_cp = 0 ] && exit 0
	echo "deps: missing: ${missing[*]} $([ $need_cp = 1 ] && echo checkpatch)"
	exit 1
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

# The URI of the machine's own Debian source (deb822 or one-line format):
# bookworm-backports is added next to it, from the same mirror.
debian_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '
			/^[[:space:]]*$/ { if (uri != "" && suite) { print uri; exit }
					   uri = ""; suite = 0; next }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++)
					if ($i == "bookworm") suite = 1 }
			END { if (uri != "" && suite) print uri }
		' "$f" | head -n 1
	done
	awk '$1 == "deb" && $0 !~ /\[/ && $3 == "bookworm" { print $2 }
	     $1 == "deb" && $0 ~ /\]/ { sub(/.*\] */, ""); if ($2 == "bookworm")
					   print $1 }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
}

add_backports() {
	local uri list=/etc/apt/sources.list.d/ilb-$BPO_SUITE.sources
	apt-cache policy 2>/dev/null | grep -q "[ /]$BPO_SUITE/main " && return 0
	uri=$(debian_uri | head -n 1)
	[ -n "$uri" ] || { echo "deps: no Debian bookworm apt source to reuse for $BPO_SUITE" >&2
			   return 1; }
	echo "deps: adding $BPO_SUITE from $uri ($list)"
	$SUDO tee "$list" >/dev/null <<EOF
Types: deb
URIs: $uri
Suites: $BPO_SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	[ "$SET" = test ] && add_backports
	$SUDO apt-get update -q
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Each kernel line needs its headers and its image: the VM boots the kernel
# that each ilb.ko is built for.
if [ "$SET" = test ]; then
	for kver in $("$REPO/scripts/kernels"); do
		[ -r "/boot/vmlinuz-$kver" ] && continue
		echo "deps: installing linux-image-$kver to match the headers"
		$SUDO apt-get install -y -q --no-install-recommends "linux-image-$kver"
	done
fi
if [ $need_cp = 1 ]; then
	echo "deps: unpacking checkpatch.pl from linux-source-6.1"
	mkdir -p "$REPO/build/checkpatch"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$REPO/build/checkpatch" \
		--strip-components=1 linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi
exit 0
