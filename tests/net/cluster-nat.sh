#!/bin/bash
# A cluster of 3 ILBs behind an ECMP router with NAT to 3 servers whose own
# default route is ECMP over the three ILBs: a reply reaches an arbitrary
# ILB, which maps it back to the connection's owner. Every request is
# served and downloads arrive intact. ilb3 runs without a cache (seed
# Fig. 5): it forwards whatever it does not own, and nothing breaks.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd nginx python3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }
if ! "$ILBADM" -h 2>&1 | grep -q 'cluster join'; then
	echo "1..0 # SKIP ilbadm has no cluster commands"
	exit $KSFT_SKIP
fi

TMPD=$(mktemp -d "/tmp/${ILB_PREFIX}cluster-nat.XXXXXX")
NODES=(ilb1 ilb2 ilb3)

setup() {
	local i j
	topo_ecmp 2 3 || return 1
	for i in 1 2 3; do
		nginx_start "srv$i" 80 "srv$i" || return 1
		# replies leave by any ILB, chosen by an L4 hash
		ns "srv$i" sysctl -qw net.ipv4.fib_multipath_hash_policy=1
		ns "srv$i" ip route replace default \
			nexthop via "$NET_BACK.1" dev eth0 weight 1 \
			nexthop via "$NET_BACK.2" dev eth0 weight 1 \
			nexthop via "$NET_BACK.3" dev eth0 weight 1 || return 1
	done
	for i in 1 2 3; do
		ilbadm "ilb$i" service add tcp "$ILB_VIP:80" sched wlc fwd nat ||
			return 1
		for j in 1 2 3; do
			ilbadm "ilb$i" server add tcp "$ILB_VIP:80" \
				"$(server_addr "$j")" || return 1
		done
	done
}

join_all() {
	local i
	cluster_join ilb1 1 2>&1 || return 1
	cluster_join ilb2 2 2>&1 || return 1
	cluster_join ilb3 3 cache 0 2>&1 || return 1
}

setup || { tap_plan 1; tap_fail "setup of the ECMP topology and services"; tap_done; }
if ! err=$(join_all); then
	if grep -qi 'not supported' <<<"$err"; then
		echo "TAP version 13"
		echo "1..0 # SKIP the module has no cluster support: $err"
		exit $KSFT_SKIP
	fi
	tap_plan 1
	tap_fail "cluster join: $err"
	tap_done
fi
tap_plan 6
tap_diag "router: $(ecmp_nexthops | tr -s '\n\t ' ' ')"
tap_diag "srv1: $(ns srv1 ip route show default | tr -s '\n\t ' ' ')"

if wait_for 15 cluster_converged 3 "${NODES[@]}"; then
	tap_ok "3 nodes converge: 3 members alive, one epoch"
else
	tap_fail "3 nodes did not converge within 15 s"
	for n in "${NODES[@]}"; do
		cluster_show "$n" 2>&1 | head -c 400 | sed 's/^/# /'
		echo
	done
fi

# 300 short requests from 2 clients
f0=$(cluster_stat_sum fwd_tx "${NODES[@]}")
ns c1 $HTTPC "$ILB_VIP" 80 150 >"$TMPD/r1" 2>&1 &
ns c2 $HTTPC "$ILB_VIP" 80 150 >"$TMPD/r2" 2>&1 &
wait
r=$(python3 -c '
import json, sys
ok, by = 0, {}
for f in sys.argv[1:]:
    try:
        r = json.load(open(f))
    except (OSError, ValueError):
        continue
    ok += r["ok"]
    for k, v in r["by_body"].items():
        by[k] = by.get(k, 0) + v
srv = ("srv1", "srv2", "srv3")
print(ok, ",".join("%s=%d" % (s, by.get(s, 0)) for s in srv),
      min(by.get(s, 0) for s in srv))' "$TMPD/r1" "$TMPD/r2")
read -r ok by smin <<<"$r"
f1=$(cluster_stat_sum fwd_tx "${NODES[@]}")
tap_diag "300 requests: $ok answered; by server $by"
tap_diag "packets forwarded to their owner during them: $((f1 - f0)) ($(cluster_counters fwd_tx fwd_rx direct))"
if [ "$ok" = 300 ]; then
	tap_ok "NAT cluster: all 300 short requests answered"
else
	tap_fail "NAT cluster: $ok/300 requests answered"
	sed 's/^/# /' "$TMPD/r1" "$TMPD/r2" | head -n 10
fi
if [ "${smin:-0}" -gt 0 ]; then
	tap_ok "every server answered some of them ($by)"
else
	tap_fail "a server got no request: $by"
fi

# 10 downloads of 1 MiB, checked byte for byte
sha=$(sha256sum </tmp/ilb-big.bin | cut -d' ' -f1)
r=$(ns c1 $SLOWGET -n 10 --deadline 120 --sha "$sha" --json "$ILB_VIP" 80 /big)
f2=$(cluster_stat_sum fwd_tx "${NODES[@]}")
tap_diag "10 downloads: $r"
tap_diag "packets forwarded to their owner during them: $((f2 - f1)); in all: $(cluster_counters fwd_tx fwd_rx fwd_adopt direct)"
if [ "$(json_get "$r" exact)" = 10 ]; then
	tap_ok "NAT cluster: 10 downloads of 1 MiB byte-exact"
else
	tap_fail "NAT cluster: $(json_get "$r" exact)/10 downloads byte-exact"
fi

# the node without a cache keeps only what it owns or backs up
roles=$(ilbadm ilb3 -j conn show | python3 -c '
import json, sys
c = {}
for e in json.load(sys.stdin):
    c[e.get("role", "?")] = c.get(e.get("role", "?"), 0) + 1
print(" ".join("%s=%d" % kv for kv in sorted(c.items())))')
f3=$(cluster_stat ilb3 fwd_tx)
tap_diag "ilb3 (cache 0): entries by role: $roles; fwd_tx $f3; cache $(json_get "$(cluster_show ilb3)" cache)"
if ! grep -q 'cache=' <<<"$roles" && [ "${f3:-0}" -gt 0 ]; then
	tap_ok "cache 0: ilb3 caches nothing and forwards what it does not own"
else
	tap_fail "cache 0: ilb3 entries $roles, fwd_tx $f3"
fi

loops=$(cluster_stat_sum fwd_loop "${NODES[@]}")
bad=$(cluster_stat_sum bad_msg "${NODES[@]}")
tap_diag "$(cluster_counters fwd_loop bad_msg foreign epoch_mismatch)"
[ "$loops" = 0 ] && [ "$bad" = 0 ] &&
	tap_ok "fwd_loop and bad_msg are 0 on every node" ||
	tap_fail "fwd_loop $loops, bad_msg $bad"
rm -rf "$TMPD"
tap_done
