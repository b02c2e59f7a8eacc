#!/bin/bash
# Connection counts shared across a cluster of 3 ILBs (seed 001): each
# member sends the others its own connections per server once per
# heartbeat, so that lc and wlc schedule on the cluster's counts and
# max-conns caps a server's connections across the cluster, not per node.
# The router's ECMP weights skew ingress 80/10/10.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd nginx python3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }
if ! "$ILBADM" -h 2>&1 | grep -q 'max-conns'; then
	echo "1..0 # SKIP ilbadm has no max-conns"
	exit $KSFT_SKIP
fi

HOLD="python3 $ILB_REPO/tests/net/tools/hold.py"
NODES=(ilb1 ilb2 ilb3)
SLOW=${ILB_SLOW:-1}
# batches of 3 racing connections, 5 heartbeat intervals apart
GAP=$(python3 -c "print(0.5 * $SLOW)")
MAXC=15		# max-conns of each of two servers of port 81
BATCH=3
TMPD=$(mktemp -d "/tmp/${ILB_PREFIX}counts.XXXXXX")
HOLDERS=()
# shellcheck disable=SC2317 # called by the trap
cleanup_counts() {
	local p
	for p in "${HOLDERS[@]}"; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$TMPD"
}
trap 'cleanup_counts; cleanup_ns' EXIT

setup() {
	local i j
	topo_ecmp 1 3 || return 1
	for i in 1 2 3; do
		nginx_start "srv$i" 80 "srv$i" || return 1
		dr_server "srv$i" "$ILB_VIP"
	done
	for i in 1 2; do
		nginx_start "srv$i" 81 "srv$i" || return 1
	done
	for i in 1 2 3; do
		# closed connections leave the counts within seconds
		ilbadm "ilb$i" timeout set tcpfin 2 || return 1
		ilbadm "ilb$i" service add tcp "$ILB_VIP:80" sched wlc fwd dr ||
			return 1
		for j in 1 2 3; do
			ilbadm "ilb$i" server add tcp "$ILB_VIP:80" \
				"$(server_addr "$j")" || return 1
		done
		ilbadm "ilb$i" service add tcp "$ILB_VIP:81" sched rr fwd dr ||
			return 1
		for j in 1 2; do
			ilbadm "ilb$i" server add tcp "$ILB_VIP:81" \
				"$(server_addr "$j")" max-conns $MAXC ||
				return 1
		done
	done
	for i in 1 2 3; do
		cluster_join "ilb$i" "$i" || return 1
	done
	# ingress 80/10/10
	ns rt ip route replace "$ILB_VIP/32" \
		nexthop via "$(ecmp_ilb_addr 1)" dev eth1 weight 8 \
		nexthop via "$(ecmp_ilb_addr 2)" dev eth2 weight 1 \
		nexthop via "$(ecmp_ilb_addr 3)" dev eth3 weight 1
}

# hold_start PORT N OUT: hold.py in c1's netns, in the background
hold_start() {
	ip netns exec "$(ns_name c1)" $HOLD --batch $BATCH --gap "$GAP" \
		--timeout $((3 * SLOW)) --out "$3" "$ILB_VIP" "$1" "$2" \
		>/dev/null 2>&1 &
	HOLDERS+=($!)
}
hold_stop() {
	kill "${HOLDERS[-1]}" 2>/dev/null
	wait "${HOLDERS[-1]}" 2>/dev/null
	unset 'HOLDERS[-1]'
}
# held FILE: "ok refused by-server" of a holder's result
held() {
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["ok"], r["refused"], ",".join(
    "%s=%d" % kv for kv in sorted(r["by_body"].items())))' "$1"
}
# cl_counts NODE PORT: "srvN=cl_active/cl_inactive..." as NODE sees them
cl_counts() {
	ilbadm "$1" -j service show tcp "$ILB_VIP:$2" | python3 -c '
import json, sys
s = json.load(sys.stdin)[0]
print(",".join("srv%d=%d/%d" % (int(r["addr"].split(".")[3]) - 100,
                                r["cl_active"], r["cl_inactive"])
               for r in sorted(s["servers"], key=lambda r: r["addr"])))'
}
# counts_are PORT WANT: every node's cluster-wide active counts are WANT
# ("srv1=N,srv2=N..." as held() prints them)
counts_are() {
	local n c
	for n in "${NODES[@]}"; do
		c=$(cl_counts "$n" "$1" | sed 's#/[0-9]*##g')
		[ "$c" = "$2" ] || return 1
	done
}
# all_idle PORT: no connection left to any server of PORT on any node
all_idle() {
	local n
	for n in "${NODES[@]}"; do
		cl_counts "$n" "$1" | grep -Eq '=[1-9]|/[1-9]' && return 1
	done
	return 0
}
# ingress: packets each ILB received from the router so far
ingress() {
	local n
	for n in "${NODES[@]}"; do
		ns "$n" cat /sys/class/net/eth0/statistics/rx_packets
	done | paste -sd' '
}

if ! setup; then
	tap_plan 1
	tap_fail "setup of the ECMP cluster and its services"
	tap_done
fi
tap_plan 6
if wait_for 15 cluster_converged 3 "${NODES[@]}"; then
	tap_ok "3 nodes converge"
else
	tap_fail "3 nodes did not converge within 15 s"
fi

# --- wlc on the cluster's counts ----------------------------------------------
N=90
i0=$(ingress)
hold_start 80 $N "$TMPD/wlc"
wait_for $((120 * SLOW)) test -f "$TMPD/wlc"
read -r ok refused by <<<"$(held "$TMPD/wlc")"
i1=$(ingress)
tap_diag "ingress from the router, per ILB: $(python3 -c '
import sys
d = [b - a for a, b in zip(map(int, sys.argv[1].split()),
                           map(int, sys.argv[2].split()))]
print(" ".join("ilb%d %d (%.0f%%)" % (i + 1, v, 100.0 * v / max(sum(d), 1))
               for i, v in enumerate(d)))' "$i0" "$i1")"
tap_diag "wlc: $ok of $N long connections answered, by server: $by"
read -r spread <<<"$(python3 -c '
import sys
c = [int(kv.split("=")[1]) for kv in sys.argv[1].split(",") if kv]
c += [0] * (3 - len(c))
print(max(c) - min(c))' "$by")"
if [ "$ok" = $N ] && [ "$spread" -le $((N / 3 / 10)) ]; then
	tap_ok "wlc under 80/10/10 ingress: $N connections spread $by (max - min $spread, within 10%)"
else
	tap_fail "wlc: $ok/$N answered, by server $by (max - min $spread, want <= $((N / 3 / 10)))"
fi
want=$(tr ',' '\n' <<<"$by" | sort | paste -sd,)
if wait_for $((10 * SLOW)) counts_are 80 "$want"; then
	tap_ok "every node counts each server's connections across the cluster: $want"
else
	for n in "${NODES[@]}"; do
		tap_diag "$n: $(cl_counts "$n" 80) (active/inactive)"
	done
	tap_fail "the nodes' cluster-wide counts differ from what the servers hold ($want)"
fi
hold_stop
if wait_for $((20 * SLOW)) all_idle 80; then
	tap_ok "closed connections leave every node's counts"
else
	for n in "${NODES[@]}"; do
		tap_diag "$n: $(cl_counts "$n" 80)"
	done
	tap_fail "counts left after every connection closed"
fi

# --- max-conns on the cluster's counts -----------------------------------------
N=$((2 * MAXC + 2 * BATCH))
o0=$(ilb_stat_sum overload "${NODES[@]}")
hold_start 81 $N "$TMPD/max"
wait_for $((180 * SLOW)) test -f "$TMPD/max"
read -r ok refused by <<<"$(held "$TMPD/max")"
o1=$(ilb_stat_sum overload "${NODES[@]}")
# a server below its limit can take a whole batch racing to three owners
# that each see it below: BATCH - 1 over at most, each heartbeat apart
over=$(python3 -c '
import sys
c = [int(kv.split("=")[1]) for kv in sys.argv[1].split(",") if kv]
print(max([v - int(sys.argv[2]) for v in c] + [0]))' "$by" $MAXC)
tap_diag "max-conns $MAXC on 2 servers: $ok of $N answered ($by), $refused refused; most over the limit on one server: $over (bound: a batch of $BATCH racing, less one); SYNs refused for overload: $((o1 - o0))"
for n in "${NODES[@]}"; do
	tap_diag "$n: $(cl_counts "$n" 81) (active/inactive)"
done
if [ "$ok" -ge $((2 * MAXC)) ] && [ "$over" -le $((BATCH - 1)) ] &&
   [ $((o1 - o0)) -gt 0 ]; then
	tap_ok "max-conns $MAXC holds across the cluster: $ok of $N taken ($by), overshoot $over <= $((BATCH - 1)) a server"
else
	tap_fail "max-conns $MAXC: $ok of $N taken ($by; want each <= $((MAXC + BATCH - 1)), $((2 * MAXC)) in all), overload $((o1 - o0))"
fi
hold_stop
if wait_for $((20 * SLOW)) all_idle 81; then
	r=$(ns c1 python3 "$ILB_REPO/tests/net/tools/hold.py" --batch 3 \
		--timeout $((3 * SLOW)) --hold 0 "$ILB_VIP" 81 3)
	read -r ok2 _ <<<"$(python3 -c '
import json, sys
print(json.loads(sys.argv[1])["ok"])' "$r")"
else
	ok2=0
fi
if [ "$ok2" = 3 ]; then
	tap_ok "once the connections closed, the servers take new ones again"
else
	tap_fail "after the connections closed: $ok2 of 3 new ones answered"
fi
tap_done
