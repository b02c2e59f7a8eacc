#!/bin/bash
# Who may configure ilb, and what a namespace may make the kernel allocate.
# - An unprivileged user in a user and network namespace of their own
#   (unshare -Urn) is refused by every command: ilb's ops need CAP_NET_ADMIN
#   in the initial user namespace, as IPVS's do. The same user can configure
#   a dummy link there (the positive control), so the refusal is ilb's.
# - Loaded with userns=1, ilb takes that user's configuration, and a memory
#   cgroup limit on the user caps it: the kernel refuses the next service
#   with ENOMEM, no OOM kill, no splat, and the charge goes when the
#   namespace does.
# - service_max and server_max refuse with ENOSPC and a message.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd unshare setpriv modprobe
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }
NLBAD=$ILB_REPO/build/tests/nlbad
KO=${ILB_KO:-$ILB_REPO/kmod/ilb.ko}
P=/sys/module/ilb/parameters

tap_plan 9
modprobe dummy 2>/dev/null

# as nobody, in a new user and network namespace
U() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	unshare -Urn "$@"; }

out=$(U sh -c 'ip link add d0 type dummy && ip -o link show d0' 2>&1)
rc=$?
tap_diag "positive control: rc $rc: $(printf '%s' "$out" | head -n 1 | cut -c1-80)"
[ $rc = 0 ] &&
	tap_ok "control: the unprivileged user namespace can add a dummy link (CAP_NET_ADMIN there)" ||
	tap_fail "control: the unprivileged user namespace cannot add a dummy link: rc $rc"

refused=0 cmds=0
for c in "service add tcp 198.51.100.20:80" "service show" "timeout set tcp 60" \
	 "cluster show" "flush"; do
	cmds=$((cmds + 1))
	# shellcheck disable=SC2086
	err=$(U "$ILBADM" $c 2>&1 >/dev/null)
	rc=$?
	tap_diag "ilbadm $c -> rc $rc: $err"
	[ $rc != 0 ] && printf '%s' "$err" | grep -qi 'permission' && refused=$((refused + 1))
done
[ $refused = $cmds ] &&
	tap_ok "without userns=1: $refused of $cmds commands refused with 'permission denied'" ||
	tap_fail "without userns=1: only $refused of $cmds commands refused"

# --- limits, as root -------------------------------------------------------
ns_add lim
smax=$(cat $P/service_max) rmax=$(cat $P/server_max)
echo 5 >$P/service_max
echo 3 >$P/server_max
ok=0
for i in 1 2 3 4 5; do
	ilbadm lim service add tcp 198.51.100.$i:80 && ok=$((ok + 1))
done
err=$(ilbadm lim service add tcp 198.51.100.6:80 2>&1)
rc=$?
tap_diag "service_max 5: $ok added; the 6th: rc $rc: $err"
[ $ok = 5 ] && [ $rc != 0 ] && printf '%s' "$err" | grep -q service_max &&
	tap_ok "service_max 5: 5 services added, the 6th refused naming the limit" ||
	tap_fail "service_max: $ok added, 6th rc $rc '$err'"
ok=0
for i in 1 2 3; do
	ilbadm lim server add tcp 198.51.100.$i:80 198.18.3.10$i && ok=$((ok + 1))
done
err=$(ilbadm lim server add tcp 198.51.100.4:80 198.18.3.104 2>&1)
rc=$?
tap_diag "server_max 3 (over all services): $ok added; the 4th: rc $rc: $err"
[ $ok = 3 ] && [ $rc != 0 ] && printf '%s' "$err" | grep -q server_max &&
	tap_ok "server_max 3: 3 servers added over 3 services, the 4th refused naming the limit" ||
	tap_fail "server_max: $ok added, 4th rc $rc '$err'"
ilbadm lim server del tcp 198.51.100.1:80 198.18.3.101
ilbadm lim server add tcp 198.51.100.4:80 198.18.3.104 &&
	tap_ok "a deleted server frees its place under server_max" ||
	tap_fail "server_max: no place after a delete"
echo "$smax" >$P/service_max
echo "$rmax" >$P/server_max
ns_del lim

# --- userns=1 ----------------------------------------------------------------
if ! rmmod ilb || ! insmod "$KO" userns=1; then
	tap_fail "reload with userns=1"
	tap_done
fi
out=$(U sh -c "'$ILBADM' service add tcp 198.51.100.20:80 &&
	'$ILBADM' server add tcp 198.51.100.20:80 198.18.3.101 weight 2 && '$ILBADM' save" 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# userns=1: /'
[ $rc = 0 ] && printf '%s' "$out" | grep -q 'server add tcp 198.51.100.20:80 198.18.3.101' &&
	tap_ok "with userns=1: the unprivileged namespace's root configures its own node" ||
	tap_fail "with userns=1: rc $rc"

# A memory cgroup for the unprivileged user: its namespace's services are
# charged to it until the kernel refuses one.
CGR=/sys/fs/cgroup
mountpoint -q $CGR || mount -t cgroup2 none $CGR
if ! grep -qw memory $CGR/cgroup.controllers 2>/dev/null; then
	tap_skip "memory cgroup cap" "no memory controller"
	tap_skip "memory cgroup: uncharged" "no memory controller"
	tap_skip "kernel log" "no memory controller"
else
	echo +memory >$CGR/cgroup.subtree_control 2>/dev/null
	CG=$CGR/ilbt$$
	mkdir $CG
	echo 24M >$CG/memory.max
	echo 1000000 >$P/service_max
	out=$(sh -c "echo \$\$ >$CG/cgroup.procs && exec setpriv --reuid=65534 \
		--regid=65534 --clear-groups --inh-caps=-all unshare -Urn \
		'$NLBAD' -f 1000000" 2>&1)
	rc=$?
	peak=$(cat $CG/memory.peak 2>/dev/null || echo 0)
	maxev=$(awk '$1 == "max" { print $2 }' $CG/memory.events)
	oomk=$(awk '$1 == "oom_kill" { print $2 }' $CG/memory.events)
	added=$(printf '%s' "$out" | sed -n 's/^fill: added \([0-9]*\) .*/\1/p')
	tap_diag "memory.max 24M: $(printf "%s" "$out" | grep -v "^#" | tail -n 1); peak $peak B, max events $maxev, oom kills $oomk"
	[ "${added:-0}" -gt 0 ] && tap_diag "about $((peak / added)) B charged per service"
	[ $rc = 1 ] && printf '%s' "$out" | grep -q 'errno 12' && [ "${added:-0}" -gt 1000 ] &&
		[ "${oomk:-1}" = 0 ] &&
		tap_ok "memory cgroup cap: $added services, then ENOMEM; no OOM kill" ||
		tap_fail "memory cgroup cap: rc $rc, added '$added', oom kills '$oomk'"
	# the namespace goes with the process, its services (one pass over the
	# connection table for all of them) and its charge with it
	t0=$(date +%s.%N)
	wait_for 120 sh -c "[ \$(cat $CG/memory.current) -lt $((peak / 5)) ]"
	cur=$(cat $CG/memory.current)
	tap_diag "memory.current $cur B (peak $peak B) $(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null ||
		echo "?") s after the namespace with $added services went"
	[ "$cur" -lt $((peak / 5)) ] &&
		tap_ok "memory cgroup: the charge is released with the namespace ($cur B left)" ||
		tap_fail "memory cgroup: $cur B still charged"
	rmdir $CG 2>/dev/null
	echo "$smax" >$P/service_max
	log=$(dmesg | grep -E 'WARNING|BUG|Oops|invoked oom-killer' | head -n 3)
	[ -z "$log" ] && tap_ok "kernel log: no splat, no OOM killer" ||
		tap_fail "kernel log: $log"
fi

rmmod ilb && insmod "$KO" $ILB_MODPARAMS || tap_fail "reload without userns"
tap_done
