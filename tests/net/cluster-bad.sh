#!/bin/bash
# shellcheck disable=SC2086,SC2317 # $CLMSG, $REFUSE: word lists; stat_ge runs by wait_for
# Malformed, foreign and forged cluster messages (wire version 2): two
# keyed nodes; each kind of bad message is dropped and counted exactly once
# in the counter its first failing check names (the receiver's order: not
# for us, TTL, header, cluster and sender, incarnation, replay window, key,
# tag, body), 2000 random datagrams are each counted once in some refusal
# counter, and the view stays as it was. The harness checks the kernel log
# after the test.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd python3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }
if ! "$ILBADM" -h 2>&1 | grep -q 'cluster join'; then
	echo "1..0 # SKIP ilbadm has no cluster commands"
	exit $KSFT_SKIP
fi
if ! "$ILBADM" cluster genkey >/dev/null 2>&1; then
	echo "1..0 # SKIP ilbadm has no cluster genkey (wire version 2)"
	exit $KSFT_SKIP
fi
CLMSG="python3 $ILB_REPO/tests/net/tools/clmsg.py"
KEY=$(cluster_key)
REFUSE="bad_msg foreign unknown_key mac_fail replay stale_incarnation not_for_us ttl"
N=5	# datagrams of each kind

# kind|counter|clmsg options (from evil, 198.18.4.99, to ilb1's cluster
# address; "as2": forged as member 2, from its address, with a header taken
# from one of its heartbeats)
KINDS=(
	"garbage|bad_msg|"
	"version|bad_msg|"
	"short|bad_msg|"
	"flags|bad_msg|--key $KEY"
	"hello-badfield|bad_msg|--key $KEY"
	"sync-empty|bad_msg|--key $KEY --sender 2 --incarnation INC2P1 --receiver 1"
	"foreign|foreign|--key $KEY"
	"self|foreign|--key $KEY --sender 1"
	"spoof|foreign|--key $KEY"
	"heavy|foreign|--key $KEY"
	"sync-nonmember|foreign|--key $KEY"
	"ack-nonmember|foreign|--key $KEY"
	"fwd-nonmember|foreign|--key $KEY"
	"untagged|unknown_key|"
	"otherkey|unknown_key|--key $KEY"
	"untagged|unknown_key|--msg sync as2"
	"untagged|unknown_key|--msg sync --recs count as2"
	"badtag|mac_fail|--key $KEY"
	"wrongkey|mac_fail|--key $KEY"
	"wrongkey|mac_fail|--key $KEY --msg ack as2"
	"wrongkey|mac_fail|--key $KEY --msg sync --recs count as2"
	"badtag|mac_fail|--key $KEY --msg sync --recs persist as2"
	"valid|bad_msg|--key $KEY --msg sync --recs count-over --receiver 1 as2"
	"lowttl|ttl|--key $KEY"
	"notforus|not_for_us|--key $KEY"
	"replay|replay|--key $KEY as2"
	"stale|stale_incarnation|--key $KEY as2"
	"leave-newer|stale_incarnation|--key $KEY as2"
)

tap_plan $((${#KINDS[@]} + 5))
topo_build 1 2 1
ns_add evil
bridge_attach sync evil eth0 "$NET_SYNC.99/24"
ns sw ip link set sync type bridge mcast_snooping 0
# a persistent service: what forged COUNT and PERSIST records aim at
for n in ilb1 ilb2; do
	ilbadm "$n" service add tcp "$ILB_VIP:80" persist 300
	ilbadm "$n" server add tcp "$ILB_VIP:80" "$(server_addr 1)"
done
# dead-ms 1500: a stalled TCG VM must not pass for a message that moved
# the view
cluster_join ilb1 1 dead-ms 1500
cluster_join ilb2 2 dead-ms 1500
if wait_for 15 cluster_converged 2 ilb1 ilb2; then
	tap_ok "2 keyed nodes converge"
else
	tap_fail "2 keyed nodes did not converge: $(cluster_show ilb1 | head -c 300)"
fi
v1_0=$(cluster_stat ilb1 view_changes)
v2_0=$(cluster_stat ilb2 view_changes)
# a heartbeat above max-weight is refused: ilb1 takes at most 100
mw=1
ilbadm ilb1 cluster set max-weight 100 >/dev/null 2>&1 || mw=0
inc2=$(cluster_show ilb1 | python3 -c '
import json, sys
print([m.get("incarnation", 0) for m in json.load(sys.stdin)["members"]
       if m["id"] == 2][0])')
tap_diag "key id $($CLMSG --key "$KEY" --key-id), ilb2's incarnation as ilb1 knows it: $inc2"

# deltas A B: "k=d" for each refusal counter between two cluster show -j
deltas() {
	python3 - "$1" "$2" $REFUSE <<'PY'
import json, sys
a, b = (json.loads(x)["stats"] for x in sys.argv[1:3])
print(" ".join("%s=%d" % (k, b.get(k, 0) - a.get(k, 0)) for k in sys.argv[3:]))
PY
}

refused_sum() {	# refused_sum NS: the refusal counters of a node, summed
	cluster_show "$1" | python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]
print(sum(s.get(k, 0) for k in sys.argv[1:]))' $REFUSE
}

stat_ge() { [ "$(cluster_stat "$1" "$2")" -ge "$3" ]; }

for spec in "${KINDS[@]}"; do
	IFS='|' read -r kind counter opts <<<"$spec"
	opts=${opts//INC2P1/$((inc2 + 1))}
	desc="$kind${opts:+ ($opts)}"
	desc=${desc//"$KEY"/KEY}
	if [ "$kind" = heavy ] && [ $mw = 0 ]; then
		tap_skip "$desc" "cluster set max-weight failed"
		continue
	fi
	args=()
	for o in $opts; do
		if [ "$o" = as2 ]; then
			args+=(--src "$NET_SYNC.2" --from-hello "$NET_SYNC.2" --key "$KEY")
		else
			args+=("$o")
		fi
	done
	before=$(cluster_show ilb1)
	b0=$(json_get "$before" stats "$counter")
	sent=$(ns evil $CLMSG "${args[@]}" "$NET_SYNC.1" 7219 "$kind" $N 2>&1)
	if ! [[ $sent =~ ^[0-9]+$ ]]; then
		tap_fail "$desc: clmsg failed: $(tail -n 1 <<<"$sent")"
		continue
	fi
	wait_for 5 stat_ge ilb1 "$counter" $((b0 + ${sent:-0}))
	sleep 0.3
	after=$(cluster_show ilb1)
	d=$(deltas "$before" "$after")
	vc=$(($(json_get "$after" stats view_changes) - $(json_get "$before" stats view_changes)))
	[ "$vc" = 0 ] || tap_diag "$kind: ilb1's view changed $vc times meanwhile"
	ok=1
	for kv in $d; do
		k=${kv%=*} v=${kv#*=}
		if [ "$k" = "$counter" ]; then
			[ "$v" = "$sent" ] || ok=0
		else
			[ "$v" = 0 ] || ok=0
		fi
	done
	if [ $ok = 1 ]; then
		tap_ok "$desc: $sent sent, each counted once in $counter"
	else
		tap_fail "$desc: $sent sent, expected $counter +$sent only; counted $d"
	fi
done

r0=$(refused_sum ilb1)
before=$(cluster_show ilb1)
nr=$(ns evil $CLMSG "$NET_SYNC.1" 7219 random 2000)
wait_for 15 eval '[ "$(refused_sum ilb1)" -ge $((r0 + nr)) ]'
sleep 1
r1=$(refused_sum ilb1)
tap_diag "$nr random datagrams (TTL 255): $(deltas "$before" "$(cluster_show ilb1)")"
if [ $((r1 - r0)) = "$nr" ]; then
	tap_ok "$nr random datagrams: every one dropped and counted once ($((r1 - r0)))"
else
	tap_fail "$nr random datagrams: $((r1 - r0)) counted in the refusal counters"
fi

# what the forged records claimed: 2^24 connections, a record of c1's /24
srv=$(ilbadm ilb1 -j service show tcp "$ILB_VIP:80" | python3 -c '
import json, sys
r = json.load(sys.stdin)[0]["servers"][0]
print(r.get("cl_active", "?"), r.get("cl_inactive", "?"), r["overloaded"])')
np=$(ilbadm ilb1 -j persist show | python3 -c '
import json, sys
print(len(json.load(sys.stdin)))')
tap_diag "ilb1 after the forged COUNT and PERSIST records: the server's cluster-wide active, inactive, overloaded: $srv; persistence records: $np"
if [ "$srv" = "0 0 False" ] && [ "$np" = 0 ]; then
	tap_ok "forged COUNT and PERSIST records moved no count and made no record"
else
	tap_fail "after forged records: counts $srv, records $np"
fi

# The positive control, and what a key holder can do: a COUNT record
# sent as member 2 with the key is taken, and member 2's own counts,
# resent in full every 16 heartbeats, put it right.
cl_active1() {
	ilbadm ilb1 -j service show tcp "$ILB_VIP:80" | python3 -c '
import json, sys
print(json.load(sys.stdin)[0]["servers"][0].get("cl_active", "?"))'
}
r0=$(cluster_stat ilb2 session_reset)
ns evil $CLMSG --src "$NET_SYNC.2" --from-hello "$NET_SYNC.2" --key "$KEY" \
	--msg sync --recs count --receiver 1 --session 100000 \
	"$NET_SYNC.1" 7219 valid 1 >/dev/null 2>&1
# the forged value lasts until member 2's next full round (1.6 s): seen
# if a sample falls in it
seen=0 healed=
t0=$SECONDS
while [ $((SECONDS - t0)) -lt $((10 * ${ILB_SLOW:-1})) ]; do
	v=$(cl_active1)
	[ "$v" = 16777216 ] && seen=1
	if [ "$v" = 0 ] && [ $((SECONDS - t0)) -ge 3 ]; then
		healed=$((SECONDS - t0))
		break
	fi
	sleep 0.2
done
r1=$(cluster_stat ilb2 session_reset)
tap_diag "a valid COUNT record as member 2 (the key known): taken by ilb1 (member 2 was told to restart its session: +$((r1 - r0))); 2^24 seen in ilb1's counts: $seen; back to 0 after ${healed:-never} s"
if [ $((r1 - r0)) -ge 1 ] && [ -n "$healed" ]; then
	tap_ok "a key holder's COUNT record is taken and member 2's own counts put it right (0 again after ${healed} s)"
else
	tap_fail "a valid COUNT record: ilb2's session resets +$((r1 - r0)), counts $(cl_active1) after 10 s"
fi

sleep 1
v1_1=$(cluster_stat ilb1 view_changes)
v2_1=$(cluster_stat ilb2 view_changes)
ids=$(for n in ilb1 ilb2; do cluster_show "$n" | python3 -c '
import json, sys
print(",".join(str(i) for i in sorted(m["id"] for m in
                                      json.load(sys.stdin)["members"])))'
done | tr '\n' ' ')
tap_diag "view changes: ilb1 $v1_0 -> $v1_1, ilb2 $v2_0 -> $v2_1; members listed: $ids"
if cluster_converged 2 ilb1 ilb2 && [ "$v1_0" = "$v1_1" ] &&
   [ "$v2_0" = "$v2_1" ] && [ "$ids" = "1,2 1,2 " ]; then
	tap_ok "the view is untouched: 2 members, one epoch, no view change, no other member listed"
else
	tap_fail "the view changed: $(cluster_show ilb1 | head -c 400)"
fi
tap_done
