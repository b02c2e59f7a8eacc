#!/bin/bash
# shellcheck disable=SC2317 # lists, reclaimed_more: run by wait_for
# What a member may do to the others, even one that holds the key: claim
# no more weight than the receivers' max-weight, change the view no more
# than once a second however fast it flaps, and give its slot back once it
# has been dead long enough, after which it may join again. Three keyed
# nodes on one link, dead-ms 1500: a member may change the view once every
# 2 x dead-ms (3 s), and its slot is freed after 10 x dead-ms (15 s). On a
# kernel ILB_SLOW times slower (the debug kernel), dead-ms and every bound
# that follows from it scale by ILB_SLOW.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd python3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }
if ! "$ILBADM" cluster genkey >/dev/null 2>&1; then
	echo "1..0 # SKIP ilbadm has no cluster genkey (wire version 2)"
	exit $KSFT_SKIP
fi

# ids NS: the IDs a node lists as alive (self included), comma-separated
ids() {
	cluster_show "$1" | python3 -c '
import json, sys
print(",".join(str(m["id"]) for m in json.load(sys.stdin)["members"]
               if m["state"] in ("self", "alive")))'
}

tap_plan 6
S=${ILB_SLOW:-1}
DEAD=$((1500 * S))
D="hello-ms 100 dead-ms $DEAD"
topo_build 1 3 1
# shellcheck disable=SC2086 # $D: options
cluster_join ilb1 1 max-weight 10 $D
# shellcheck disable=SC2086
cluster_join ilb2 2 $D
# shellcheck disable=SC2086
cluster_join ilb3 3 weight 20 $D
sleep 2

# --- max-weight ---------------------------------------------------------------
f0=$(cluster_stat ilb1 foreign)
sleep 2
f1=$(cluster_stat ilb1 foreign)
v1=$(ids ilb1) v2=$(ids ilb2)
tap_diag "ilb1 (max-weight 10) lists $v1, foreign +$((f1 - f0)) in 2 s; ilb2 (no limit) lists $v2"
if [ "$v1" = 1,2 ] && [ "$v2" = 1,2,3 ] && [ $((f1 - f0)) -ge 10 ]; then
	tap_ok "a member claiming weight 20 is refused by a node with max-weight 10 (its heartbeats counted)"
else
	tap_fail "max-weight: ilb1 lists $v1 (want 1,2), ilb2 $v2, foreign +$((f1 - f0))"
fi
# lists NS IDS: the node lists exactly these members alive (for wait_for)
lists() { [ "$(ids "$1")" = "$2" ]; }
ilbadm ilb3 cluster set weight 5
if wait_for $((10 * S)) lists ilb1 1,2,3 &&
   wait_for $((10 * S)) cluster_converged 3 ilb1 ilb2 ilb3; then
	tap_ok "at weight 5 it is a member for every node"
else
	tap_fail "at weight 5: ilb1 lists $(ids ilb1)"
fi
if err=$(ilbadm ilb1 cluster set weight 11 2>&1); then
	tap_fail "ilb1 took weight 11 above its own max-weight 10"
else
	tap_ok "a node's own weight stays within its max-weight: $err"
fi

# --- a flapping member ---------------------------------------------------------
# ilb3 leaves and joins again 10 times as fast as ilbadm goes; each join is
# a new incarnation: without a limit, 20 view changes on every other node
c0=$(cluster_stat ilb1 view_changes)
t0=$SECONDS
for i in $(seq 1 10); do
	ilbadm ilb3 cluster leave
	# shellcheck disable=SC2086
	cluster_join ilb3 3 weight 5 $D
done
dt=$((SECONDS - t0))
wait_for $((15 * S)) cluster_converged 3 ilb1 ilb2 ilb3
c1=$(cluster_stat ilb1 view_changes)
# a join every 2 x dead-ms, as many leaves, and two of slack
per=$((2 * DEAD / 1000))
lim=$((2 * (dt / per + 2) + 2))
tap_diag "10 leaves and joins of ilb3 in ${dt} s: ilb1's view changed $((c1 - c0)) times (unlimited: 20; allowed: a join every $per s, every leave: at most $lim)"
if [ $((c1 - c0)) -le $lim ] && [ $((c1 - c0)) -lt 20 ] &&
   cluster_converged 3 ilb1 ilb2 ilb3; then
	tap_ok "a flapping member changes the view at most once per 2 x dead-ms, then is a member again"
else
	tap_fail "flapping: $((c1 - c0)) view changes in ${dt} s (limit $lim), view $(ids ilb1)"
fi

# --- a dead member's slot ---------------------------------------------------------
r0=$(cluster_stat ilb1 reclaimed)
inc=$(json_get "$(cluster_show ilb3)" incarnation)
# reclaimed_more: ilb1 freed a slot since r0 (for wait_for)
reclaimed_more() { [ "$(cluster_stat ilb1 reclaimed)" -gt "$r0" ]; }
ilbadm ilb3 cluster leave
gone=0
if wait_for $((45 * S)) reclaimed_more; then
	gone=1
fi
listed=$(cluster_show ilb1 | python3 -c '
import json, sys
print(",".join(str(m["id"]) for m in json.load(sys.stdin)["members"]))')
tap_diag "after ilb3 left: ilb1 reclaimed +$(($(cluster_stat ilb1 reclaimed) - r0)), lists $listed"
if [ $gone = 1 ] && [ "$listed" = 1,2 ]; then
	tap_ok "a member dead for 10 x dead-ms gives its slot back (reclaimed, no longer listed)"
else
	tap_fail "reclaim: ilb1 lists $listed, reclaimed +$(($(cluster_stat ilb1 reclaimed) - r0))"
fi
# shellcheck disable=SC2086
cluster_join ilb3 3 weight 5 $D
inc2=$(json_get "$(cluster_show ilb3)" incarnation)
if wait_for $((15 * S)) cluster_converged 3 ilb1 ilb2 ilb3; then
	tap_ok "it joins again afterwards (incarnation $inc, then $inc2)"
else
	tap_fail "ilb3 did not join again after its slot was reclaimed: ilb1 lists $(ids ilb1)"
fi
tap_done
