#!/bin/bash
# Malformed and foreign cluster messages: every one is dropped and counted
# (bad_msg or foreign), the view stays as it was, and the kernel stays
# clean (the harness checks the log after the test).
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd python3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }
if ! "$ILBADM" -h 2>&1 | grep -q 'cluster join'; then
	echo "1..0 # SKIP ilbadm has no cluster commands"
	exit $KSFT_SKIP
fi
CLMSG="python3 $ILB_REPO/tests/net/tools/clmsg.py"

tap_plan 5
topo_build 1 2 1
ns_add evil
bridge_attach sync evil eth0 "$NET_SYNC.99/24"
ns sw ip link set sync type bridge mcast_snooping 0
cluster_join ilb1 1
cluster_join ilb2 2
if wait_for 15 cluster_converged 2 ilb1 ilb2; then
	tap_ok "2 nodes converge"
else
	tap_fail "2 nodes did not converge"
fi

# send KIND COUNT: from the evil netns to ilb1's cluster port
send() { ns evil $CLMSG "$NET_SYNC.1" 7219 "$1" "${2:-1}"; }

b0=$(cluster_stat ilb1 bad_msg)
f0=$(cluster_stat ilb1 foreign)
nb=0 nf=0
for k in garbage version sync-count0; do
	nb=$((nb + $(send $k 10)))
done
for k in foreign spoof sync-nonmember ack-nonmember fwd-nonmember; do
	nf=$((nf + $(send $k 10)))
done
wait_for 5 test "$(cluster_stat ilb1 bad_msg)" -ge $((b0 + nb))
b1=$(cluster_stat ilb1 bad_msg)
f1=$(cluster_stat ilb1 foreign)
tap_diag "sent $nb malformed, $nf foreign; bad_msg +$((b1 - b0)), foreign +$((f1 - f0))"
if [ $((b1 - b0)) = "$nb" ]; then
	tap_ok "each malformed message counted once in bad_msg ($nb)"
else
	tap_fail "bad_msg +$((b1 - b0)), sent $nb"
fi
if [ $((f1 - f0)) = "$nf" ]; then
	tap_ok "each foreign or non-member message counted once in foreign ($nf)"
else
	tap_fail "foreign +$((f1 - f0)), sent $nf"
fi

nr=$(send random 2000)
wait_for 10 test $(($(cluster_stat ilb1 bad_msg) + $(cluster_stat ilb1 foreign))) -ge $((b1 + f1 + nr))
b2=$(cluster_stat ilb1 bad_msg)
f2=$(cluster_stat ilb1 foreign)
tap_diag "$nr random datagrams: bad_msg +$((b2 - b1)), foreign +$((f2 - f1))"
if [ $((b2 - b1 + f2 - f1)) = "$nr" ]; then
	tap_ok "$nr random datagrams: every one dropped and counted"
else
	tap_fail "$nr random datagrams: counted $((b2 - b1 + f2 - f1))"
fi

sleep 1
if cluster_converged 2 ilb1 ilb2 &&
   [ "$(json_get "$(cluster_show ilb1)" stats view_changes)" = \
     "$(json_get "$(cluster_show ilb2)" stats view_changes)" ]; then
	tap_ok "the view is untouched: 2 members, one epoch, no extra change"
else
	tap_fail "the view changed: $(cluster_show ilb1 | head -c 300)"
fi
tap_done
