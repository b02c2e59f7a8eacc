#!/bin/bash
# Persistence in a cluster of 3 ILBs behind an ECMP router (seed 001's
# read-miss-create, without a leader): the router spreads one client's
# source ports over all three ILBs, yet the first connections of a client
# network, racing, all reach one server. A persistent service's
# connections are owned by their record's key (masked client, VIP, group),
# so the record's owner alone schedules them, under its bucket lock. The
# owner keeps its backup's copy current: the record expires on both, and
# when the owner dies its backup goes on with the same server.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd nginx python3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }
if ! "$ILBADM" -h 2>&1 | grep -q 'persist show'; then
	echo "1..0 # SKIP ilbadm has no persistence"
	exit $KSFT_SKIP
fi

BURST="python3 $ILB_REPO/tests/net/tools/burst.py"
NODES=(ilb1 ilb2 ilb3)
RUNS=10

setup() {
	local i j
	topo_ecmp 1 3 || return 1
	# direct routing: the servers answer straight to the router, so a
	# dead ILB is not on any reply's path
	for i in 1 2 3; do
		nginx_start "srv$i" 80 "srv$i" || return 1
		dr_server "srv$i" "$ILB_VIP"
	done
	for i in 1 2 3; do
		ilbadm "ilb$i" service add tcp "$ILB_VIP:80" sched rr fwd dr \
			persist 300 || return 1
		for j in 1 2 3; do
			ilbadm "ilb$i" server add tcp "$ILB_VIP:80" \
				"$(server_addr "$j")" || return 1
		done
	done
	SRCS=()
	for i in 150 151 152 153 154; do
		ns c1 ip addr add "$NET_CLIENT.$i/24" dev eth0 || return 1
		SRCS+=("$NET_CLIENT.$i")
	done
	for i in 1 2 3; do
		cluster_join "ilb$i" "$i" || return 1
	done
}

if ! setup; then
	tap_plan 1
	tap_fail "setup of the ECMP cluster and its persistent service"
	tap_done
fi
tap_plan 7
if wait_for 15 cluster_converged 3 "${NODES[@]}"; then
	tap_ok "3 nodes converge"
else
	tap_fail "3 nodes did not converge within 15 s"
fi

# servers JSON: "how-many-servers answered who"
servers() {
	python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print(len(r["by_body"]), r["ok"], ",".join(
    "%s=%d" % kv for kv in sorted(r["by_body"].items())))' "$1"
}
# holders [NODE...]: "node:role>server" of every node (default: all) that
# holds a record
holders() {
	local n out=
	[ $# -gt 0 ] || set -- "${NODES[@]}"
	for n in "$@"; do
		out+=$(ilbadm "$n" -j persist show | python3 -c '
import json, sys
print(" ".join("%s:%s>%s" % (sys.argv[1], r.get("role", "local"),
                             r["server"])
               for r in json.load(sys.stdin)))' "$n")
		out+=" "
	done
	echo "$out" | tr -s ' '
}
# copies_agree: one owned copy and one backup copy, naming one server
copies_agree() {
	local h
	h=$(holders)
	[ "$(wc -w <<<"$h")" = 2 ] && [[ $h == *:owned\>* ]] &&
		[[ $h == *:backup\>* ]] &&
		[ "$(tr ' ' '\n' <<<"$h" | sed -n 's/.*>//p' | sort -u | wc -l)" = 1 ]
}
no_copies() { [ -z "$(holders | tr -d ' ')" ]; }
flush_all() {
	local n
	for n in "${NODES[@]}"; do
		ilbadm "$n" persist flush
	done
}

# rounds WHAT SRC...: RUNS rounds of 30 racing first connections; prints
# how many rounds reached exactly one server with all 30 answered (the
# counters and holders are read around the first round only: each read
# starts processes, slow under TCG)
rounds() {
	local what=$1 run one=0 r n ok who f0 f1 h=
	shift
	for run in $(seq 1 $RUNS); do
		flush_all
		[ "$run" = 1 ] && f0=$(cluster_stat_sum fwd_tx "${NODES[@]}")
		r=$(ns c1 $BURST "$ILB_VIP" 80 30 "$@")
		read -r n ok who <<<"$(servers "$r")"
		if [ "$run" = 1 ]; then
			f1=$(cluster_stat_sum fwd_tx "${NODES[@]}")
			h="; forwarded to the owner: $((f1 - f0)); record held by:$(holders)"
		else
			h=
		fi
		[ "$n" = 1 ] && [ "$ok" = 30 ] && one=$((one + 1))
		echo "# $what round $run: $ok/30 answered by $who$h" >&2
	done
	echo "$one"
}

one=$(rounds "one client" "$(client_addr 1)")
tap_diag "one client, persist 300: $one of $RUNS rounds reached exactly one server"
if [ "$one" = $RUNS ]; then
	tap_ok "30 racing first connections of one client, spread over 3 ILBs, reach one server in $RUNS of $RUNS rounds"
else
	tap_fail "one client: $one of $RUNS rounds reached one server"
fi
if wait_for $((10 * ${ILB_SLOW:-1})) copies_agree; then
	tap_ok "the record lives on its owner and its backup, naming one server:$(holders)"
else
	tap_fail "record holders:$(holders) (want one owned and one backup copy of one server)"
fi

for n in "${NODES[@]}"; do
	ilbadm "$n" service set tcp "$ILB_VIP:80" netmask /24
done
one=$(rounds "5 hosts of a /24" "${SRCS[@]}")
tap_diag "5 hosts of one /24, netmask /24: $one of $RUNS rounds reached exactly one server"
if [ "$one" = $RUNS ]; then
	tap_ok "30 racing connections from 5 hosts of one /24 reach one server in $RUNS of $RUNS rounds"
else
	tap_fail "/24: $one of $RUNS rounds reached one server"
fi

# --- the timeout, on every node -------------------------------------------------
# Connections hold the record; closed ones linger tcpfin seconds. The
# timeout leaves room to see both copies first (reading all three nodes
# takes seconds under TCG).
P=$((6 * ${ILB_SLOW:-1}))
for n in "${NODES[@]}"; do
	ilbadm "$n" service set tcp "$ILB_VIP:80" persist $P
	ilbadm "$n" timeout set tcpfin 1
done
r=$(ns c1 $BURST "$ILB_VIP" 80 5 "${SRCS[@]}")
t0=$SECONDS
copies_agree
agree=$?
h=$(holders)
if [ $agree = 0 ] && wait_for $((6 * P)) no_copies; then
	tap_ok "with persist $P the idle record expires on its owner and its backup ($h gone $((SECONDS - t0)) s after its connections closed)"
else
	tap_fail "persist $P: held by$h, then$(holders) after $((SECONDS - t0)) s"
fi

# --- the owner dies --------------------------------------------------------------
for n in "${NODES[@]}"; do
	ilbadm "$n" service set tcp "$ILB_VIP:80" persist 300
done
r=$(ns c1 $BURST "$ILB_VIP" 80 10 "${SRCS[@]}")
read -r n1 ok1 who <<<"$(servers "$r")"
wait_for 10 copies_agree
h=$(holders)
owner=$(tr ' ' '\n' <<<"$h" | sed -n 's/:owned>.*//p')
survivors=()
for n in "${NODES[@]}"; do
	[ "$n" = "$owner" ] || survivors+=("$n")
done
tap_diag "before: $who, record held by$h; cutting $owner"
t0=$SECONDS
ilb_cut "$owner"
if [ -n "$owner" ] &&
   wait_for $((15 * ${ILB_SLOW:-1})) cluster_converged 2 "${survivors[@]}"; then
	r=$(ns c1 $BURST "$ILB_VIP" 80 20 "${SRCS[@]}")
	read -r n2 ok2 who2 <<<"$(servers "$r")"
	tap_diag "after $owner was cut (converged in $((SECONDS - t0)) s): $ok2/20 answered by $who2; record held by$(holders "${survivors[@]}")"
	if [ "$n1" = 1 ] && [ "$ok1" = 10 ] && [ "$n2" = 1 ] && [ "$ok2" = 20 ] &&
	   [ "$who2" = "${who%=*}=20" ]; then
		tap_ok "the record's owner dies: the new connections of its clients still reach ${who%=*}, through the survivors"
	else
		tap_fail "failover: before $who, after $ok2/20 by $who2"
	fi
else
	tap_fail "no owner ($h), or the survivors did not converge"
fi

# the control: without persistence the same bursts spread
for n in "${survivors[@]}"; do
	ilbadm "$n" service set tcp "$ILB_VIP:80" persist 0
done
r=$(ns c1 $BURST "$ILB_VIP" 80 30 "${SRCS[@]}")
read -r n ok who <<<"$(servers "$r")"
tap_diag "persist 0: $ok/30 answered by $who"
if [ "$n" -ge 2 ] && [ "$ok" = 30 ]; then
	tap_ok "without persistence the same burst reaches $n servers (the control)"
else
	tap_fail "persist 0: $ok/30 by $who"
fi
tap_done
