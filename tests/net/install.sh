#!/bin/bash
# The Debian packages on a node: dpkg -i build/deb/*.deb builds the module
# with DKMS for the running kernel, modprobe loads that build, the packaged
# ilbadm, manual pages and bash completion work, and ilb.service's own
# command lines (read from the installed unit: no systemd in the VM) bring
# back a configuration with services, servers, timeouts and a cluster join
# from /etc/ilb/ilb.conf after the module was unloaded. Runs in the VM's
# init netns, as the unit does. Needs make deb first (skips without
# build/deb). Then make install and uninstall on the node. Leaves the
# checkout's ilb.ko loaded, as it found it.
. "$(dirname "$0")/lib.sh"
set -u
require_cmd dpkg dkms modprobe modinfo man
DEBDIR=$ILB_REPO/build/deb
if ! ls "$DEBDIR"/ilb-dkms_*.deb "$DEBDIR"/ilb-tools_*.deb >/dev/null 2>&1; then
	echo "TAP version 13"
	echo "1..0 # SKIP no build/deb/ilb-{dkms,tools}_*.deb (run make deb)"
	exit $KSFT_SKIP
fi
ILB_KO=${ILB_KO:-$ILB_REPO/kmod/ilb.ko}
KVER=$(uname -r)
# DKMS builds against the running kernel's headers: Debian's kernels have
# a headers package, a kernel built here (the debug tier) has none
if [ ! -e "/lib/modules/$KVER/build" ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP no headers for $KVER (/lib/modules/$KVER/build): DKMS cannot build"
	exit $KSFT_SKIP
fi
# make check builds and installs the packages on its first kernel line
if [ "${ILB_PKG:-1}" = 0 ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP packages are tested on the first kernel line (ILB_PKG=0)"
	exit $KSFT_SKIP
fi
ADM=/usr/sbin/ilbadm
UNIT=/lib/systemd/system/ilb.service
CONF=/etc/ilb/ilb.conf
SYNCDEV=ilbsync0
T=$(mktemp -d /tmp/ilb-install.XXXXXX)

tap_plan 16

# On an early exit: the packages go and the checkout's module comes back.
restored=0
cleanup() {
	if [ $restored = 0 ]; then
		"$ADM" cluster leave >/dev/null 2>&1
		"$ADM" flush >/dev/null 2>&1
		rmmod ilb 2>/dev/null
		dpkg -r ilb-tools ilb-dkms >/dev/null 2>&1
		# shellcheck disable=SC2086
		insmod "$ILB_KO" ${ILB_MODPARAMS:-}
	fi
	ip link del "$SYNCDEV" 2>/dev/null
	rm -rf /etc/ilb "$T"
	cleanup_ns
}
trap cleanup EXIT

# unit_lines KEY: the command lines of KEY= in the installed unit
unit_lines() {
	sed -n "s/^$1=//p" "$UNIT"
}

# unit_run KEY: run those lines in order as systemd does (a '-' prefix
# ignores the line's failure); stops at the first failure, returns 1
unit_run() {
	local line ignore rc
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		ignore=0
		while [[ $line == [-@:+!]* ]]; do
			[[ $line == -* ]] && ignore=1
			line=${line:1}
		done
		# systemd's quoting of these lines is the shell's
		eval "set -- $line"
		"$@" </dev/null >>"$T/unit.log" 2>&1
		rc=$?
		echo "# $1 ... -> $rc" >>"$T/unit.log"
		if [ $rc != 0 ] && [ $ignore = 0 ]; then
			return 1
		fi
	done <<<"$(unit_lines "$1")"
	return 0
}

# unit_start / unit_stop: what systemctl start and stop run (ExecStopPost
# runs after a failed start too)
unit_start() {
	if ! unit_run ExecStart; then
		unit_run ExecStop
		unit_run ExecStopPost
		return 1
	fi
}

unit_stop() {
	unit_run ExecStop
	unit_run ExecStopPost
}

# The VM's devtmpfs has no /dev/fd (udev makes it on a node): dkms needs
# it for its <(...).
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd

# Before: no ilb module in the kernel's tree, only the checkout's loaded.
if modinfo -n ilb >/dev/null 2>&1; then
	tap_fail "precondition: no ilb module under /lib/modules/$KVER ($(modinfo -n ilb))"
else
	tap_ok "precondition: no ilb module under /lib/modules/$KVER, $ILB_KO loaded"
fi

# dpkg -i: DKMS builds ilb.ko for this kernel (the man-db trigger is
# left out: it would reindex the host's pages under TCG for nothing).
# DKMS builds for every kernel with headers; the other kernel line's run
# of this test covers its own, so its build tree is out of sight meanwhile
# (the VM's root is an overlay: nothing of the host's changes).
rm -f /var/lib/man-db/auto-update
hidden=()
for b in /lib/modules/*/build; do
	[ "$b" = "/lib/modules/$KVER/build" ] && continue
	mv "$b" "$b.ilb-hidden" 2>/dev/null && hidden+=("$b")
done
t0=$(date +%s)
dpkg -i "$DEBDIR"/ilb-dkms_*.deb "$DEBDIR"/ilb-tools_*.deb >"$T/dpkg.log" 2>&1
rc=$?
took=$(($(date +%s) - t0))
for b in "${hidden[@]}"; do
	mv "$b.ilb-hidden" "$b"
done
sed 's/^/# dpkg: /' "$T/dpkg.log" | grep -v '^# dpkg: \(Selecting\|Preparing\|Unpacking\|(Reading\)'
status=$(dkms status -m ilb -k "$KVER" 2>&1)
tap_diag "dkms status: $status"
tap_diag "dpkg -i with the DKMS build took ${took}s ($(nproc) CPUs, TCG)"
# make's own share: from the date make.log starts with to its last write
mlog=$(ls /var/lib/dkms/ilb/*/"$KVER"/*/log/make.log 2>/dev/null | head -n 1)
if [ -n "$mlog" ]; then
	mstart=$(date -d "$(sed -n 2p "$mlog")" +%s 2>/dev/null)
	[ -n "$mstart" ] &&
		tap_diag "of which make (dkms: $(grep -c 'CC \[M\]' "$mlog") files, -j$(nproc)): $(($(stat -c %Y "$mlog") - mstart))s"
fi
if [ $rc = 0 ] && [[ $status == *installed* ]]; then
	tap_ok "dpkg -i ilb-dkms ilb-tools: DKMS built and installed ilb for $KVER in ${took}s"
else
	tap_fail "dpkg -i: rc $rc, dkms status '$status'"
fi

path=$(modinfo -n ilb 2>&1)
tap_diag "$path: signer '$(modinfo -F signer "$path" 2>/dev/null)'"
rmmod ilb
if [[ $path == /lib/modules/$KVER/updates/dkms/ilb.ko* ]] && modprobe ilb &&
   [ -d /sys/module/ilb ]; then
	tap_ok "rmmod the checkout's ilb, modprobe ilb loads $path"
else
	tap_fail "modprobe ilb: modinfo -n says '$path', loaded: $([ -d /sys/module/ilb ] && echo yes || echo no)"
fi

# The packaged ilbadm against the DKMS module (the module dkms built;
# its flags are checked on the host: tests/pkg/host.sh).
"$ADM" service add tcp 198.51.100.200:80 sched wlc
"$ADM" server add tcp 198.51.100.200:80 198.18.3.101 weight 2
js=$("$ADM" -j service show 2>&1)
if python3 -c '
import json, sys
s = json.loads(sys.argv[1])
assert len(s) == 1 and s[0]["vip"] == "198.51.100.200" and s[0]["sched"] == "wlc"
assert s[0]["servers"][0]["addr"] == "198.18.3.101" and s[0]["servers"][0]["weight"] == 2
' "$js"; then
	tap_ok "$ADM adds and shows a service with a server"
else
	tap_fail "$ADM service show: $js"
fi

out=$(man -P cat ilbadm 2>/dev/null)
out7=$(man -P cat 7 ilb 2>/dev/null)
if [[ $out == *"ilbadm - configure"* ]] && [[ $out == *"cluster join"* ]] &&
   [[ $out7 == *conn_hash_bits* ]]; then
	tap_ok "man ilbadm ($(printf '%s\n' "$out" | wc -l) lines) and man 7 ilb print"
else
	tap_fail "man: ilbadm $(printf '%s' "$out" | wc -c) bytes, ilb(7) $(printf '%s' "$out7" | wc -c) bytes"
fi

# Bash completion, installed: COMP_WORDS/COMP_CWORD as bash sets them, and
# a whole line (COMP_LINE) with a VIP:PORT offered from ilbadm save.
comp() {	# comp LINE: the sorted completions at its end
	bash -c '
. /usr/share/bash-completion/completions/ilbadm
COMP_LINE=$1 COMP_POINT=${#1}
_ilbadm
printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' comp "$1"
}
got=$(bash -c '
. /usr/share/bash-completion/completions/ilbadm
COMP_WORDS=(ilbadm ser) COMP_CWORD=1
_ilbadm
printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "')
tap_diag "ilbadm ser<TAB>: $got"
c2=$(comp "ilbadm server add tcp 198.51")
c3=$(comp "ilbadm server set tcp 198.51.100.200:80 198.18.3.101 weight 2 ")
c4=$(comp "ilbadm cluster join addr 198.18.4.1 key /etc/ilb/k ")
tap_diag "server add tcp 198.51<TAB>: $c2; ... weight 2 <TAB>: $c3"
if [ "$got" = "server service " ] && [ "$c2" = "198.51.100.200:80 " ] &&
   [ "$c3" = "fwd max-conns min-conns state " ] &&
   [[ $c4 != *key* && $c4 != *insecure* && $c4 == *dev* ]]; then
	tap_ok "completion: 'ilbadm ser' offers server and service, then VIPs from save, keywords left"
else
	tap_fail "completion: '$got' / '$c2' / '$c3' / '$c4'"
fi

# The unit file as installed.
if [ -f "$UNIT" ] && unit_lines ExecStart | grep -q "$ADM restore" &&
   unit_lines ExecStart | grep -q "modprobe ilb"; then
	tap_ok "$UNIT: $(unit_lines ExecStart | wc -l) ExecStart, $(unit_lines ExecStopPost | wc -l) ExecStopPost lines"
else
	tap_fail "$UNIT missing or without modprobe and restore"
fi

# A node's configuration with a cluster join, saved as the unit reads it.
"$ADM" flush
ip link add "$SYNCDEV" type dummy && ip addr add 198.18.4.1/24 dev "$SYNCDEV" &&
	ip link set "$SYNCDEV" up
mkdir -p /etc/ilb
(umask 077; "$ADM" cluster genkey >/etc/ilb/cluster.key)
"$ADM" service add tcp 198.51.100.1:80 sched wlc fwd nat
"$ADM" service add udp 198.51.100.1:53 sched mh fwd dr
"$ADM" server add tcp 198.51.100.1:80 198.18.3.101 weight 3
"$ADM" server add tcp 198.51.100.1:80 198.18.3.102:8080 weight 0 state down
"$ADM" server add udp 198.51.100.1:53 198.18.3.103
"$ADM" timeout set tcp 600 tcpfin 60 udp 30
"$ADM" cluster join id 1 addr 198.18.4.1 dev "$SYNCDEV" hello-ms 50 \
	key /etc/ilb/cluster.key
"$ADM" save >"$CONF"
sed 's/^/# ilb.conf: /' "$CONF"
if [ "$(grep -c . "$CONF")" = 7 ] && grep -q "^cluster join id 1 .*key /etc/ilb/cluster.key$" "$CONF"; then
	tap_ok "ilbadm save: 7 lines ending with the cluster join"
else
	tap_fail "ilbadm save: $(grep -c . "$CONF") lines"
fi

# Stop: out of the cluster, nothing configured; then the module goes.
unit_stop
after=$("$ADM" -j service show 2>&1)
if ! "$ADM" cluster show >/dev/null 2>&1 && [ "$after" = "[]" ] && rmmod ilb &&
   [ ! -d /sys/module/ilb ]; then
	tap_ok "the unit's stop lines leave the cluster and flush; rmmod ilb"
else
	tap_fail "after stop: services '$after', cluster: $("$ADM" cluster show 2>&1 | head -n 1)"
fi

# Start (as at boot): modprobe and restore give back the same save.
if unit_start; then rc=0; else rc=1; fi
"$ADM" save >"$T/after.conf" 2>&1
if [ $rc = 0 ] && cmp -s "$CONF" "$T/after.conf" &&
   [ "$(modinfo -n ilb)" = "$path" ]; then
	tap_ok "the unit's start lines load the DKMS module and restore: save is byte-identical"
else
	tap_fail "start: rc $rc; diff: $(diff "$CONF" "$T/after.conf" | tr '\n' ' ')"
	sed 's/^/# /' "$T/unit.log"
fi
cl=$("$ADM" -j cluster show 2>&1)
if [ "$(json_get "$cl" id)" = 1 ] && [ "$(json_get "$cl" dev)" = "$SYNCDEV" ] &&
   [ "$(json_get "$cl" key_state)" = stable ]; then
	tap_ok "after the restore the node is member 1 on $SYNCDEV with its key"
else
	tap_fail "cluster after restore: $cl"
fi

# No configuration file: the start loads the module and configures nothing.
unit_stop
mv "$CONF" "$T/ilb.conf"
rmmod ilb
if unit_start && [ -d /sys/module/ilb ] && [ "$("$ADM" -j service show)" = "[]" ] &&
   ! "$ADM" cluster show >/dev/null 2>&1; then
	tap_ok "without $CONF the start succeeds with the module loaded and nothing configured"
else
	tap_fail "start without $CONF"
	sed 's/^/# /' "$T/unit.log"
fi

# A file that does not restore (its cluster interface is missing): the
# start fails, and the stop lines that follow leave nothing half-done.
sed "s/ dev $SYNCDEV / dev ilbnone0 /" "$T/ilb.conf" >"$CONF"
: >"$T/unit.log"
if unit_start; then rc=0; else rc=1; fi
left=$("$ADM" -j service show 2>&1)
if [ $rc = 1 ] && [ "$left" = "[]" ] && grep -q "ilbnone0" "$T/unit.log"; then
	tap_ok "a configuration that does not restore fails the start and is flushed"
else
	tap_fail "bad configuration: start rc $rc, services left '$left'"
	sed 's/^/# /' "$T/unit.log"
fi

# Back to the checkout's module; the packages go.
unit_stop
rmmod ilb
t0=$(date +%s)
dpkg -r ilb-tools ilb-dkms >"$T/dpkg-r.log" 2>&1
rc=$?
tap_diag "dpkg -r took $(($(date +%s) - t0))s"
if [ $rc = 0 ] && ! modinfo -n ilb >/dev/null 2>&1 && [ ! -e "$ADM" ]; then
	tap_ok "dpkg -r removes ilbadm and the DKMS module"
else
	tap_fail "dpkg -r: rc $rc, modinfo -n ilb: $(modinfo -n ilb 2>&1)"
	sed 's/^/# /' "$T/dpkg-r.log"
fi
# make install on the node, from a copy of the checkout with its build
# (mtimes kept: nothing is rebuilt): modprobe finds the module by depmod;
# make uninstall takes it all away again.
mkdir -p "$T/src"
tar -C "$ILB_REPO" -cf - Makefile Kbuild modules.order Module.symvers kmod \
	include scripts/kdir.sh tools Documentation build/module-build.log \
	build/ilbadm build/man 2>"$T/tar.log" | tar -C "$T/src" -xf -
# on a kernel line other than the stock one, the module built for it
# (make modules-all: build/ktree/KVER/)
order=$ILB_REPO/modules.order
if [ "$(modinfo -F vermagic "$T/src/kmod/ilb.ko" | cut -d' ' -f1)" != "$KVER" ] &&
   [ -d "$ILB_REPO/build/ktree/$KVER/kmod" ]; then
	cp -a "$ILB_REPO/build/ktree/$KVER/kmod/." "$T/src/kmod/"
	cp -a "$ILB_REPO/build/ktree/$KVER/Module.symvers" "$T/src/" 2>/dev/null
	order=$ILB_REPO/build/ktree/$KVER/modules.order
fi
# kbuild's modules.order names the module by the absolute path it was
# built at, in the line's own form (6.1: kmod/ilb.ko, 6.12: kmod/ilb.o);
# the copy's is its own
sed "s|^.*/kmod/|$T/src/kmod/|" "$order" >"$T/src/modules.order"
tap_diag "modules.order: $(cat "$T/src/modules.order")"
t0=$(date +%s)
make -C "$T/src" KDIR="/lib/modules/$KVER/build" install >"$T/install.log" 2>&1
rc=$?
tap_diag "make install took $(($(date +%s) - t0))s"
ipath=$(modinfo -n ilb 2>&1)
if [ $rc = 0 ] && [[ $ipath == /lib/modules/$KVER/extra/kmod/ilb.ko* ]] &&
   modprobe ilb && [ -d /sys/module/ilb ] && rmmod ilb &&
   [ -x /usr/local/sbin/ilbadm ] &&
   grep -q "/usr/local/sbin/ilbadm restore" /usr/local/lib/systemd/system/ilb.service &&
   t1=$(date +%s) &&
   make -C "$T/src" KDIR="/lib/modules/$KVER/build" uninstall >>"$T/install.log" 2>&1 &&
   tap_diag "make uninstall took $(($(date +%s) - t1))s" &&
   ! modinfo -n ilb >/dev/null 2>&1 && [ ! -e /usr/local/sbin/ilbadm ] &&
   [ ! -e /usr/local/lib/systemd/system/ilb.service ]; then
	tap_ok "make install: modprobe ilb loads $ipath; make uninstall removes it and the tools"
else
	tap_fail "make install: rc $rc, modinfo -n ilb '$ipath'"
	sed 's/^/# /' "$T/tar.log" "$T/install.log" | tail -n 20
	rmmod ilb 2>/dev/null
fi

# shellcheck disable=SC2086
if insmod "$ILB_KO" ${ILB_MODPARAMS:-} && [ -d /sys/module/ilb ]; then
	restored=1
	tap_ok "the checkout's $ILB_KO is loaded again"
else
	tap_fail "insmod $ILB_KO"
fi
tap_done
