#!/bin/bash
# Teardown at scale: a node with 2000 services and 10^5 connections, all in
# a memory cgroup of its own, is deleted with its namespace. The memory the
# namespace made the kernel allocate (table, services, servers, entries) is
# released within seconds: one pass over the table, not one per service.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd hping3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }

NSVC=2000
# 10^5 entries; on a kernel ILB_SLOW times slower (the debug kernel, whose
# KASAN made hping3's entries 60 times slower to come: 33,290 in 122 s)
# that many fewer: there the test is of the release, not of the scale
NCONN=$((100000 / ${ILB_SLOW:-1}))
tap_plan 4
CGR=/sys/fs/cgroup
mountpoint -q $CGR || mount -t cgroup2 none $CGR
# skip_all REASON: the four tests skipped
skip_all() {
	for d in "2000 services" "10^5 connections" "deleted" "charge released"; do
		tap_skip "$d" "$1"
	done
	tap_done
}
grep -qw memory $CGR/cgroup.controllers 2>/dev/null || skip_all "no memory controller"
echo +memory >$CGR/cgroup.subtree_control 2>/dev/null
CG=$CGR/${ILB_PREFIX}teardown
mkdir -p "$CG"
# shellcheck disable=SC2317 # called by the trap
finish() {
	echo $$ >$CGR/cgroup.procs
	cleanup_ns
	wait_for 60 rmdir "$CG"
}
trap finish EXIT

# kmem: the kernel memory charged to the cgroup (memory.stat "kernel":
# slab, percpu, vmalloc, stacks, page tables). memory.current would also
# count the page cache that the programs run here read, which stays
# charged after they exit.
kmem() {
	awk '$1 == "kernel" { print $2 }' "$CG/memory.stat"
}
# kmem_below BYTES: less than BYTES of kernel memory charged
kmem_below() {
	[ "$(kmem)" -lt "$1" ]
}
# conns_at_least N: the node tracks N entries or more
conns_at_least() {
	[ "$(ilb_stat node conns)" -ge "$1" ]
}
# This shell, and so the namespace it makes and the configuration it
# writes, belong to the cgroup: the namespace's memory is charged to it.
echo $$ >"$CG/cgroup.procs"
base=$(kmem)
[ -n "$base" ] || skip_all "memory.stat has no kernel counter"
ns_add node
ns_add gen
veth gen eth0 198.18.1.2/24 node eth0 198.18.1.1/24
ns gen ip route add "$ILB_VIP/32" via 198.18.1.1
ns node ip link add srv0 type dummy
ns node ip addr add 198.18.3.1/24 dev srv0
ns node ip link set srv0 up
ns node sysctl -qw net.ipv4.ip_forward=1
{
	echo "service add tcp $ILB_VIP:80 sched rr fwd nat"
	echo "server add tcp $ILB_VIP:80 198.18.3.101:80"
	for p in $(seq 10001 $((10000 + NSVC - 1))); do
		echo "service add udp $ILB_VIP:$p sched rr fwd nat"
		echo "server add udp $ILB_VIP:$p 198.18.3.$((101 + p % 100)):$p"
	done
} >"/tmp/${ILB_PREFIX}teardown.conf"
ilbadm node restore <"/tmp/${ILB_PREFIX}teardown.conf"
rm -f "/tmp/${ILB_PREFIX}teardown.conf"
nsvc=$(ilb_stat node services)
[ "$nsvc" = $NSVC ] && tap_ok "$NSVC services configured" ||
	tap_fail "$nsvc services configured, want $NSVC"

# SYNs from random sources: each makes an entry (SYN state, 60 s)
t0=$SECONDS
# (timeout, not kill: a background job of a script ignores SIGINT, and
# $! is the subshell running ns, not hping3)
ns gen timeout -s INT 150 hping3 -S --flood --rand-source -p 80 "$ILB_VIP" \
	>/dev/null 2>&1 &
HP=$!
wait_for 120 conns_at_least $NCONN
# shellcheck disable=SC2046 # one PID a word
kill -INT $(ip netns pids "$(ns_name gen)") 2>/dev/null
wait $HP 2>/dev/null
nconn=$(ilb_stat node conns)
tap_diag "hping3 made $nconn entries in $((SECONDS - t0)) s"
[ "$nconn" -ge $NCONN ] && tap_ok "$nconn connections in the table (>= $NCONN)" ||
	tap_fail "$nconn connections in the table, want $NCONN"

echo $$ >$CGR/cgroup.procs
# shellcheck disable=SC2046 # one PID a word
kill -9 $(ip netns pids "$(ns_name gen)") $(ip netns pids "$(ns_name node)") 2>/dev/null
peak=$(kmem)
used=$((peak - base))
t0=$(date +%s.%N)
ip netns del "$(ns_name node)"
ip netns del "$(ns_name gen)"
wait_for 120 kmem_below $((base + used / 10))
t=$(echo "$(date +%s.%N) - $t0" | bc)
left=$(($(kmem) - base))
tap_diag "kernel memory charged: $used B with $NSVC services and $nconn connections; $left B $t s after ip netns del"
[ "$(echo "$t < 60" | bc)" = 1 ] && tap_ok "the namespace is gone in $t s (< 60 s)" ||
	tap_fail "the namespace took $t s to go"
[ "$left" -lt $((used / 10)) ] && tap_ok "its kernel memory is released ($left of $used B left)" || {
	tap_fail "$left of $used B still charged"
	grep -E '^(kernel|slab|percpu|vmalloc|sock|kernel_stack|pagetables) ' "$CG/memory.stat" | sed 's/^/# /'
}
tap_done
