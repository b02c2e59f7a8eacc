#!/bin/bash
# What `make demo` shows inside the VM (grows with the project): one ilb
# node with a NAT and a DR service, then a 3-node cluster behind an ECMP
# router that serves clients, refuses two rogue nodes (a wrong key, no
# key), loses a node under load without losing a connection, keeps a
# client network on one server with persistence, and schedules and caps
# connections on the cluster's shared counts. Exits non-zero if
# anything the demo claims did not happen.
. "$(dirname "$0")/../../tests/net/lib.sh"
say() { printf '\n== %s\n' "$*"; }
FAILED=0
fail() {	# fail WHAT: say so and make the demo's exit status non-zero
	echo "  FAILED: $*"
	FAILED=$((FAILED + 1))
}
finish() {
	echo
	if [ "$FAILED" = 0 ]; then
		echo "demo: everything shown above worked"
		exit 0
	fi
	echo "demo: $FAILED thing(s) FAILED"
	exit 1
}
# httpc_ok JSON N: httpc's reply says all N requests were answered
httpc_ok() { [ "$(json_get "$1" ok 2>/dev/null)" = "$2" ]; }
now() { date +%s.%N; }
pct() { python3 -c "print('%.0f%%' % (100.0 * $1 / $2) if $2 > 0 else '-')"; }
VIP2=198.51.100.2

say "ilb.ko loaded in $(uname -r)"
for p in /sys/module/ilb/parameters/*; do
	echo "  $(basename "$p") = $(cat "$p")"
done

say "topology: client c1 -- router rt -- balancer ilb1 -- servers srv1..srv3"
echo "  (each a network namespace; each server runs nginx answering its name)"
TOPO_RT_BACK=1 topo_build 1 1 3 || { fail "topology"; finish; }
ns rt ip route add "$VIP2/32" via "$NET_FRONT.11"
for i in 1 2 3; do
	nginx_start "srv$i" 80 "srv$i" || fail "nginx on srv$i"
	dr_server "srv$i" "$VIP2"
done

say "configure: NAT service on $ILB_VIP:80 (wrr), DR service on $VIP2:80 (wlc)"
# adm ARGS...: show an ilbadm command run on ilb1, then run it
adm() {
	echo "  ilb1# ilbadm $*"
	ilbadm ilb1 "$@" || fail "ilbadm $*"
}
adm service add tcp "$ILB_VIP:80" sched wrr fwd nat
adm server add tcp "$ILB_VIP:80" "$(server_addr 1)" weight 1
adm server add tcp "$ILB_VIP:80" "$(server_addr 2)" weight 2
adm server add tcp "$ILB_VIP:80" "$(server_addr 3)" weight 3
adm service add tcp "$VIP2:80" sched wlc fwd dr
for i in 1 2 3; do adm server add tcp "$VIP2:80" "$(server_addr $i)"; done

say "traffic: 60 HTTP requests to each VIP from the client, a new connection each"
r=$(ns c1 $HTTPC "$ILB_VIP" 80 60)
echo "  NAT: $r"
httpc_ok "$r" 60 || fail "NAT: not all 60 requests answered"
r=$(ns c1 $HTTPC "$VIP2" 80 60)
echo "  DR:  $r"
httpc_ok "$r" 60 || fail "DR: not all 60 requests answered"
got=$(ns c1 $HTTPC --sha "$ILB_VIP" 80 /big)
want=$(sha256sum </tmp/ilb-big.bin | cut -d' ' -f1)
echo "  download of 1 MiB through NAT, sha256 ${got:0:16}... (server file ${want:0:16}...)"
[ "$got" = "$want" ] || fail "the NAT download differs from the server's file"

say "ilbadm -s service show"
ilbadm ilb1 -s -n service show
say "ilbadm conn show (first 8 of $(ilb_stat ilb1 conns))"
ilbadm ilb1 -n conn show | head -n 8
say "ilbadm stats show"
ilbadm ilb1 stats show
say "drain srv3 (weight 0): 30 more NAT requests"
adm server set tcp "$ILB_VIP:80" "$(server_addr 3)" weight 0
r=$(ns c1 $HTTPC "$ILB_VIP" 80 30)
echo "  NAT: $r"
httpc_ok "$r" 30 || fail "NAT after the drain: not all 30 requests answered"
[ "$(json_get "$r" by_body srv3 2>/dev/null)" = 0 ] ||
	fail "drained srv3 still got new connections"
say "ilbadm save"
ilbadm ilb1 save

# --- a cluster -----------------------------------------------------------------
cleanup_ns
NODES=(ilb1 ilb2 ilb3)
TMPD=$(mktemp -d "/tmp/${ILB_PREFIX}demo.XXXXXX")

# cstat NS KEY...: counters of a node's cluster show -j, space-separated
cstat() {
	cluster_show "$1" | python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]
print(*(s.get(k, 0) for k in sys.argv[1:]))' "${@:2}"
}

# route: the router's VIP route, indented
route() {
	ecmp_nexthops | sed 's/[[:space:]]*$//; s/^\t/  /; s/^/    /'
}

say "A 3-node ilb cluster behind an ECMP router"
cat <<'EOF'
  clients c1 c2 -- router rt ==ECMP==> ilb1 | ilb2 | ilb3 -- srv1 srv2 srv3
  The router spreads the VIP's flows over three ILBs by an L4 hash, each
  on its own link (a dead link's nexthop is dropped, as BFD would). The
  servers answer straight to the router (direct routing). The ILBs talk
  to each other on a cluster link (eth2): heartbeats, association sync,
  and packets forwarded to the ILB that owns their connection.
EOF
setup_ok=1
topo_ecmp 2 3 || setup_ok=0
for i in 1 2 3; do
	nginx_start "srv$i" 80 "srv$i" || setup_ok=0
	dr_server "srv$i" "$ILB_VIP"
done
echo "  once: ilbadm cluster genkey > cluster.key; chmod 600 cluster.key (copied to every node)"
echo "  on each of ilb1..ilb3 (N = 1..3):"
echo "    ilbadm service add tcp $ILB_VIP:80 sched wlc fwd dr"
echo "    ilbadm server add tcp $ILB_VIP:80 $(server_addr 1)   (and $(server_addr 2), $(server_addr 3))"
echo "    ilbadm cluster join id N addr $NET_SYNC.N dev eth2 key cluster.key"
for i in 1 2 3; do
	ilbadm "ilb$i" service add tcp "$ILB_VIP:80" sched wlc fwd dr ||
		setup_ok=0
	for j in 1 2 3; do
		ilbadm "ilb$i" server add tcp "$ILB_VIP:80" "$(server_addr "$j")" ||
			setup_ok=0
	done
done
[ "$setup_ok" = 1 ] || { fail "setting up the cluster topology"; finish; }
t0=$(now)
for i in 1 2 3; do
	cluster_join "ilb$i" "$i" || { fail "ilb$i could not join"; finish; }
done
if ! wait_for 30 cluster_converged 3 "${NODES[@]}"; then
	fail "the 3 nodes did not agree on one view within 30 s"
	ilbadm ilb1 cluster show
	finish
fi
echo "  all three see the same 3 members and epoch $(python3 -c "print('%.1f' % ($(now) - $t0))") s after the joins"
echo
echo "  router# ip route show $ILB_VIP"
route
echo
echo "  ilb1# ilbadm cluster show"
ilbadm ilb1 cluster show | sed 's/^/    /'
HELLO=$(json_get "$(cluster_show ilb1)" hello_ms)
DEAD=$(json_get "$(cluster_show ilb1)" dead_ms)

say "Serving clients"
echo "  300 short HTTP requests to $ILB_VIP, a new connection each, 150 from each client"
declare -A B
for n in "${NODES[@]}"; do B[$n]=$(cstat "$n" fwd_tx fwd_rx direct); done
ns c1 $HTTPC "$ILB_VIP" 80 150 >"$TMPD/b1" 2>&1 &
ns c2 $HTTPC "$ILB_VIP" 80 150 >"$TMPD/b2" 2>&1 &
wait
r=$(python3 -c '
import json, sys
ok = fail = 0
by = {}
for f in sys.argv[1:]:
    try:
        r = json.load(open(f))
    except (OSError, ValueError):
        fail += 150
        continue
    ok += r["ok"]
    fail += r["fail"]
    for k, v in r["by_body"].items():
        by[k] = by.get(k, 0) + v
print(ok, fail, ", ".join("%s %d" % (s, by.get(s, 0))
                          for s in ("srv1", "srv2", "srv3")))' "$TMPD/b1" "$TMPD/b2")
read -r ok nfail split <<<"$r"
echo "  $ok answered, $nfail failed; by server: $split"
[ "$ok" = 300 ] || { fail "only $ok of 300 requests answered"; head -c 600 "$TMPD/b1" "$TMPD/b2"; }
echo "  per ILB during them: connections it owns now, packets it forwarded to"
echo "  their owner (fwd_tx), received from a peer (fwd_rx), sent to a server"
echo "  (direct, the received ones included), and the share of the packets"
echo "  from the router that it had to forward to a peer"
echo "          owned  fwd_tx  fwd_rx  direct  forwarded"
tin=0 tfwd=0
for n in "${NODES[@]}"; do
	read -r f0 r0 d0 <<<"${B[$n]}"
	read -r f1 r1 d1 <<<"$(cstat "$n" fwd_tx fwd_rx direct)"
	f=$((f1 - f0)) rx=$((r1 - r0)) d=$((d1 - d0))
	nin=$((f + d - rx))	# packets that came from the router
	tin=$((tin + nin)) tfwd=$((tfwd + f))
	printf '    %s %6s %7d %7d %7d  %s of %s (%s)\n' "$n" \
		"$(cluster_self_owned "$n")" "$f" "$rx" "$d" "$f" "$nin" "$(pct "$f" "$nin")"
done
echo "  in all, $tfwd of $tin packets ($(pct "$tfwd" "$tin")) took one extra hop, to the ILB"
echo "  owning their connection; the ingress ILB sent the rest straight to a server"

say "Who owns what"
echo "  Every ILB computes the same (primary, backup) owner pair for a connection."
echo "  The primary schedules it (role owned), the backup keeps a copy to take"
echo "  over (role backup), and the ILB the router sent the first packet to keeps"
echo "  one to send later packets straight to the server (role cache)."
ilbadm ilb1 -n conn show >"$TMPD/conns"
echo "  ilb1# ilbadm -n conn show   ($(wc -l <"$TMPD/conns") entries: $(
	for r in owned backup cache; do printf '%s %s, ' "$(grep -c "role $r " "$TMPD/conns")" "$r"; done |
	sed 's/, $//'); 2 of each)"
for r in owned backup cache; do
	grep "role $r " "$TMPD/conns" | head -n 2
done | sed 's/^/    /'
grep -q "role owned " "$TMPD/conns" && grep -q "role backup " "$TMPD/conns" ||
	fail "ilb1 holds no owned or no backup entries"
# closed connections count until their FIN timeout: from here on they
# go after 5 s, so that the last part starts from empty servers soon
for n in "${NODES[@]}"; do
	ilbadm "$n" timeout set tcpfin 5 || fail "$n: timeout set tcpfin 5"
done

say "Rogue nodes on the cluster link"
echo "  Two more hosts on the cluster link run ilb and try to join with the"
echo "  largest weight, 65535: with it they would own almost every connection."
echo "  rogue1 has a key of its own, rogue2 joins without one (insecure)."
ns_add rogue1
ns_add rogue2
bridge_attach sync rogue1 eth0 "$NET_SYNC.66/24"
bridge_attach sync rogue2 eth0 "$NET_SYNC.67/24"
(umask 077; "$ILBADM" cluster genkey >"$TMPD/rogue.key")
declare -A R0
for n in "${NODES[@]}"; do R0[$n]=$(cstat "$n" mac_fail unknown_key); done
echo "  rogue1# ilbadm cluster join id 66 addr $NET_SYNC.66 dev eth0 weight 65535 key rogue.key"
ilbadm rogue1 cluster join id 66 addr "$NET_SYNC.66" dev eth0 weight 65535 \
	key "$TMPD/rogue.key" || fail "rogue1 could not even join its own cluster"
echo "  rogue2# ilbadm cluster join id 67 addr $NET_SYNC.67 dev eth0 weight 65535 insecure"
ilbadm rogue2 cluster join id 67 addr "$NET_SYNC.67" dev eth0 weight 65535 \
	insecure || fail "rogue2 could not even join its own cluster"
sleep 3
r=$(ns c1 $HTTPC "$ILB_VIP" 80 100)
httpc_ok "$r" 100 || fail "requests failed while the rogues were on the link"
echo "  after 3 s and 100 more requests (all answered: $(json_get "$r" ok)/100):"
echo "          members  refused: bad tag  unknown key"
for n in "${NODES[@]}"; do
	read -r m0 u0 <<<"${R0[$n]}"
	read -r m1 u1 <<<"$(cstat "$n" mac_fail unknown_key)"
	nm=$(cluster_show "$n" | python3 -c '
import json, sys
print(",".join(str(m["id"]) for m in json.load(sys.stdin)["members"]
               if m["state"] in ("self", "alive")))')
	printf '    %s %9s  %16d  %11d\n' "$n" "$nm" $((m1 - m0)) $((u1 - u0))
	case ",$nm," in *,66,* | *,67,*) fail "$n lists a rogue as a member" ;; esac
	[ $((m1 - m0 + u1 - u0)) -gt 0 ] || fail "$n did not count the rogues' heartbeats"
done
echo "  rogue1 sees $(cluster_show rogue1 | python3 -c '
import json, sys
c = json.load(sys.stdin)
print(sum(1 for m in c["members"] if m["state"] in ("self", "alive")),
      "member(s), and refused", c["stats"]["mac_fail"] + c["stats"]["unknown_key"],
      "messages of the real cluster")')"
echo "  (no key, or a key of another id: unknown_key; a wrong key that happens to"
echo "  have the cluster key's id, 1 in 255: its tags fail, mac_fail)"
ns_del rogue1
ns_del rogue2

say "Killing ilb2 under load"
BIGSHA=$(sha256sum </tmp/ilb-big.bin | cut -d' ' -f1)
echo "  40 downloads of 1 MiB (20 per client), each read at 87 kB/s (~12 s),"
echo "  every body checked against the file's sha256"
p0=
for n in ilb1 ilb3; do p0+="$(cstat "$n" promoted transferred) "; done
for c in 1 2; do
	slowget_bg "c$c" "$TMPD/d$c" -n 20 --rate 87000 --deadline 150 \
		--sha "$BIGSHA" "$ILB_VIP" 80 /big
done
sleep 4
ilbadm ilb2 -j conn show >"$TMPD/conn-ilb2" 2>/dev/null
echo "  after 4 s, ilb2 is $(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
live = [e for e in c if e.get("state") == "ESTABLISHED"]
n = lambda r: sum(1 for e in live if e.get("role") == r)
print("the owner of %d and the backup of %d of the downloads in flight"
      % (n("owned"), n("backup")))' "$TMPD/conn-ilb2" 2>&1)"
echo "  ilb_cut ilb2: all its links go down at once (ip -batch)"
tcut=$(now)
ilb_cut ilb2
tcut1=$(now)
echo "  router# ip route show $ILB_VIP   (the cut took $(python3 -c "print(int(($tcut1 - $tcut) * 1000))") ms)"
route
det=
if wait_for 30 cluster_converged 2 ilb1 ilb3; then
	# the moment of the view change: now - view_age_ms on each survivor,
	# in ms after the cut's last link went down
	det=$(for n in ilb1 ilb3; do
		a=$(now)
		age=$(json_get "$(cluster_show "$n")" view_age_ms)
		b=$(now)
		python3 -c "
t = ($a + $b) / 2 - $age / 1000.0
print('$n %d ms' % int((t - $tcut1) * 1000))"
	done | paste -sd, | sed 's/,/, /g')
else
	fail "ilb1 and ilb3 did not agree on a 2-member view within 30 s"
fi
echo "  waiting for the downloads..."
wait
sum=$(slowget_sum "$TMPD/d1" "$TMPD/d2")
read -r _ _ ex _ dmin dmax <<<"$(head -n 1 <<<"$sum")"
ex=${ex:-0}
dur="$dmin..$dmax s"
lost=$((40 - ex))
echo "  $ex/40 downloads completed byte-exact, $lost connections lost (each took $dur)"
if [ "$ex" != 40 ]; then
	tail -n +2 <<<"$sum" | sed 's/^/    /'
	fail "$lost of 40 downloads lost or corrupted"
fi
if [ -n "$det" ]; then
	echo "  detection: the survivors changed their view ($det) after ilb2's"
	echo "  last link went down; hello every $HELLO ms, dead after $DEAD ms of silence"
fi
read -r pr1 tr1 pr3 tr3 <<<"$p0"
read -r a1 b1 <<<"$(cstat ilb1 promoted transferred)"
read -r a3 b3 <<<"$(cstat ilb3 promoted transferred)"
echo "  ilb1 took over $((a1 - pr1)) of ilb2's connections (promoted), ilb3 $((a3 - pr3)); they sent"
echo "  $((b1 - tr1)) and $((b3 - tr3)) entries to the connections' new owners or backups (transferred)"

say "Sticky clients: persistence decided once, on the record's owner"
echo "  on ilb1 and ilb3: ilbadm service set tcp $ILB_VIP:80 persist 60 netmask /24"
for n in ilb1 ilb3; do
	ilbadm "$n" service set tcp "$ILB_VIP:80" persist 60 netmask /24 ||
		fail "$n: service set persist"
done
echo "  60 first connections at once, 30 from each client (both in $NET_CLIENT.0/24);"
echo "  the router spreads their source ports over both ILBs"
BURST="python3 $ILB_REPO/tests/net/tools/burst.py"
ns c1 $BURST "$ILB_VIP" 80 30 >"$TMPD/s1" 2>&1 &
ns c2 $BURST "$ILB_VIP" 80 30 >"$TMPD/s2" 2>&1 &
wait
read -r ok nsrv _ split <<<"$(by_server "$TMPD/s1" "$TMPD/s2")"
echo "  $ok answered, all by one server: $split"
[ "$ok" = 60 ] && [ "$nsrv" = 1 ] || fail "persistence: $ok answered by $nsrv servers ($split)"
for n in ilb1 ilb3; do
	echo "  $n# ilbadm persist show"
	ilbadm "$n" persist show | sed 's/^/    /'
done
echo "  The record's owner made it under one lock (read-miss-create) and keeps"
echo "  its backup's copy current: if the owner dies, the backup goes on with"
echo "  the same server (tests/net/cluster-persist.sh)."

say "One scheduler across the cluster: shared counts and max-conns"
echo "  Every member sends the others its own connections per server each"
echo "  heartbeat: wlc and max-conns count the whole cluster's."
echo "  Connections count until they are gone: closing ones (inactive) until"
echo "  their FIN timeout (5 s here since the rogue part: timeout set tcpfin 5;"
echo "  the default, 120 s, for those closed before), as in IPVS."
echo "  Waiting for the last ones to go..."
# idle NODE...: no connection to any server of the VIP, cluster-wide
idle() {
	local n
	for n in "$@"; do
		ilbadm "$n" -j service show tcp "$ILB_VIP:80" | python3 -c '
import json, sys
s = json.load(sys.stdin)[0]["servers"]
sys.exit(any(r["cl_active"] or r["cl_inactive"] for r in s))' || return 1
	done
}
t0=$(now)
# the last entries closed before tcpfin 5 last 120 s, and a second more
wait_for 150 idle ilb1 ilb3 || fail "connections left after 150 s"
echo "  ... gone after $(python3 -c "print('%.0f' % ($(now) - $t0))") s"
echo "  on ilb1 and ilb3: service set tcp $ILB_VIP:80 persist 0 sched wlc;"
echo "  server set ... max-conns 10 on each of the 3 servers"
for n in ilb1 ilb3; do
	ilbadm "$n" service set tcp "$ILB_VIP:80" persist 0 sched wlc ||
		fail "$n: service set sched wlc"
	for i in 1 2 3; do
		ilbadm "$n" server set tcp "$ILB_VIP:80" "$(server_addr "$i")" \
			max-conns 10 || fail "$n: server set max-conns"
	done
done
echo "  36 long-lived connections, 18 from each client, 3 at a time"
HOLD="python3 $ILB_REPO/tests/net/tools/hold.py"
hp=()
for c in 1 2; do
	ip netns exec "$(ns_name "c$c")" $HOLD --batch 3 --gap 0.5 --timeout 3 \
		--out "$TMPD/h$c" "$ILB_VIP" 80 18 >/dev/null 2>&1 &
	hp+=($!)
done
wait_for 120 test -f "$TMPD/h1" -a -f "$TMPD/h2"
read -r ok _ most split <<<"$(by_server "$TMPD/h1" "$TMPD/h2")"
echo "  $ok held, $((36 - ok)) refused at the limit; by server: $split"
for n in ilb1 ilb3; do
	echo "  $n# ilbadm service show tcp $ILB_VIP:80"
	ilbadm "$n" service show tcp "$ILB_VIP:80" | sed 's/^/    /'
done
echo "  active counts this node's entries (its own, its backup copies, its"
echo "  cache); cluster-active counts each connection of the cluster once."
[ "$ok" -ge 30 ] && [ "$most" -le 12 ] ||
	fail "max-conns 10 on 3 servers: $ok held, $split"
kill "${hp[@]}" 2>/dev/null
wait

echo
echo "  ilb1# ilbadm cluster show"
ilbadm ilb1 cluster show | sed 's/^/    /'
rm -rf "$TMPD"
finish
