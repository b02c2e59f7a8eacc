#!/bin/bash
# shellcheck disable=SC2086,SC2317 # command lines in variables; functions run by wait_for
# Cluster authentication (wire version 2) under attack: 3 keyed ILBs
# behind an ECMP router, direct routing to 3 nginx servers, like
# cluster.sh; on the cluster link also two rogue nodes (one with a wrong
# key of the right id, one insecure, both of weight 65535) and "evil", a
# host that replays, flips and forges. Checks:
#   a. the rogues never enter a keyed member's view, no packet is forwarded
#      to them, 50 downloads are byte-exact, every rogue heartbeat counted
#   b. a replay of a capture of ilb1's cluster traffic (across a leave and
#      rejoin of ilb3) changes no view and no connection, every replayed
#      datagram is counted as a replay (or stale, or not for us)
#   c. every byte of 10 captured messages flipped in turn: each one counted
#      as refused, no view change
#   d. a forged sync session start "from ilb2" (wrong key, then untagged)
#      is refused and counted; 20 downloads survive the loss of ilb2
#   e. a rolling key rotation under 50 downloads: every node on the new
#      key within 15 s, all downloads byte-exact, no view change
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd nginx python3 tcpdump
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit "$KSFT_SKIP"; }
if ! "$ILBADM" -h 2>&1 | grep -q 'cluster join'; then
	echo "1..0 # SKIP ilbadm has no cluster commands"
	exit "$KSFT_SKIP"
fi
if ! "$ILBADM" cluster genkey >/dev/null 2>&1; then
	echo "1..0 # SKIP ilbadm has no cluster genkey (wire version 2)"
	exit "$KSFT_SKIP"
fi

TOOLS=$ILB_REPO/tests/net/tools
CLMSG="python3 $TOOLS/clmsg.py"
CLREPLAY="python3 $TOOLS/clreplay.py"
TMPD=$(mktemp -d "/tmp/${ILB_PREFIX}auth.XXXXXX")
NODES=(ilb1 ilb2 ilb3)
MEMBERS=$NET_SYNC.1,$NET_SYNC.2,$NET_SYNC.3
REFUSE="bad_msg foreign unknown_key mac_fail replay stale_incarnation not_for_us ttl"
KEY=$(cluster_key)
KID=$($CLMSG --key "$KEY" --key-id)
BIGSHA=
# a generous failure detector: this test is about who may speak, and a
# stalled TCG VM (a busy host) must not pass for an attack that moved a view;
# on a kernel ILB_SLOW times slower (the debug kernel), it and the
# downloads' deadlines scale by ILB_SLOW
S=${ILB_SLOW:-1}
DEAD_MS=$((1500 * S))

# setup: the topology, the DR service on every ILB, nginx on the servers;
# the rogues and evil on the sync bridge
setup() {
	local i j
	topo_ecmp 2 3 || return 1
	for i in 1 2 3; do
		nginx_start "srv$i" 80 "srv$i" || return 1
		dr_server "srv$i" "$ILB_VIP"
	done
	for i in 1 2 3; do
		ilbadm "ilb$i" service add tcp "$ILB_VIP:80" sched wlc fwd dr ||
			return 1
		for j in 1 2 3; do
			ilbadm "ilb$i" server add tcp "$ILB_VIP:80" \
				"$(server_addr "$j")" || return 1
		done
	done
	ns_add rogue1 && bridge_attach sync rogue1 eth0 "$NET_SYNC.4/24" &&
		ns_add rogue2 && bridge_attach sync rogue2 eth0 "$NET_SYNC.5/24" &&
		ns_add evil && bridge_attach sync evil eth0 "$NET_SYNC.99/24" ||
		return 1
	# the rogues would serve the VIP too, were they let in
	for n in rogue1 rogue2; do
		ilbadm "$n" service add tcp "$ILB_VIP:80" sched wlc fwd dr &&
			for j in 1 2 3; do
				ilbadm "$n" server add tcp "$ILB_VIP:80" \
					"$(server_addr "$j")"
			done
	done >/dev/null 2>&1
	BIGSHA=$(sha256sum </tmp/ilb-big.bin | cut -d' ' -f1)
}

join_all() {
	local i
	for i in 1 2 3; do
		cluster_join "ilb$i" "$i" dead-ms $DEAD_MS 2>&1 || return 1
	done
}

now() { date +%s.%N; }

num() {	# num STRING: STRING if it is a number, else 0
	if [[ $1 =~ ^[0-9]+$ ]]; then echo "$1"; else echo 0; fi
}

# brief NS: one line about a node's view
brief() {
	python3 -c '
import json, sys
try:
    c = json.loads(sys.argv[2])
    print("%s: id %d epoch 0x%08x key %s 0x%02x inc %s, members %s" % (
          sys.argv[1], c["id"], c["epoch"], c.get("key_state", "?"),
          c.get("key_id", 0), c.get("incarnation", "?"), ", ".join(
          "%d %s epoch 0x%08x inc %s key 0x%02x" % (m["id"], m["state"],
          m["epoch"], m.get("incarnation", "?"), m.get("key_id", 0))
          for m in c["members"])))
except (ValueError, KeyError, TypeError):
    print("%s: cluster show: %s" % (sys.argv[1], " ".join(sys.argv[2].split())))
' "$1" "$(cluster_show "$1" 2>&1)"
}

# snap TAG: every keyed node's cluster show -j into $TMPD/TAG-NODE
snap() {
	local n
	for n in "${NODES[@]}"; do
		cluster_show "$n" >"$TMPD/$1-$n" 2>&1
	done
}

# delta TAG0 TAG1 NODE KEY...: the summed growth of counters of a node
delta() {
	python3 - "$TMPD/$1-$3" "$TMPD/$2-$3" "${@:4}" <<'PY'
import json, sys
a, b = (json.load(open(f))["stats"] for f in sys.argv[1:3])
print(sum(b.get(k, 0) - a.get(k, 0) for k in sys.argv[3:]))
PY
}

# counters_of TAG0 TAG1 KEY...: "ilb1 k+d ...; ilb2 ..." growth per node
counters_of() {
	local n out=
	for n in "${NODES[@]}"; do
		out+="$n $(python3 - "$TMPD/$1-$n" "$TMPD/$2-$n" "${@:3}" <<'PY'
import json, sys
a, b = (json.load(open(f))["stats"] for f in sys.argv[1:3])
print(" ".join("%s+%d" % (k, b.get(k, 0) - a.get(k, 0)) for k in sys.argv[3:]))
PY
); "
	done
	echo "${out%; }"
}

refused_sum() {	# refused_sum NS...: the refusal counters, summed over nodes
	local n t=0 v
	for n in "$@"; do
		v=$(cluster_show "$n" | python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]
print(sum(s.get(k, 0) for k in sys.argv[1:]))' $REFUSE)
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

# only_members IDS NS...: every listed node lists no member but IDS (a,b,c)
only_members() {
	local ids=$1 n
	shift
	for n in "$@"; do
		cluster_show "$n" | python3 -c '
import json, sys
ok = set(int(i) for i in sys.argv[1].split(","))
sys.exit(0 if all(m["id"] in ok for m in json.load(sys.stdin)["members"])
         else 1)' "$ids" || return 1
	done
}

views_same() {	# views_same TAG0 TAG1: no node's view_changes moved
	local n
	for n in "${NODES[@]}"; do
		[ "$(delta "$1" "$2" "$n" view_changes)" = 0 ] || return 1
	done
}

# Fail every test left in the plan (the setup broke).
bail() {
	# shellcheck disable=SC2154 # _tap_n is lib.sh's
	local left=$(($1 - _tap_n))
	shift
	while [ "$left" -gt 0 ]; do
		tap_fail "$* (not run)"
		left=$((left - 1))
	done
	tap_done
}

PLAN=17
setup || { tap_plan 1; tap_fail "setup of the ECMP topology, services and rogue hosts"; tap_done; }
if ! err=$(join_all); then
	if grep -qi 'not supported' <<<"$err"; then
		echo "TAP version 13"
		echo "1..0 # SKIP the module has no cluster support: $err"
		exit "$KSFT_SKIP"
	fi
	tap_plan 1
	tap_fail "cluster join: $err"
	tap_done
fi
tap_plan $PLAN
tap_diag "router: $(ecmp_nexthops | tr -s '\n\t ' ' ')"
tap_diag "cluster key id $KID; hello-ms $(json_get "$(cluster_show ilb1)" hello_ms), dead-ms $(json_get "$(cluster_show ilb1)" dead_ms)"
if wait_for 20 cluster_converged 3 "${NODES[@]}"; then
	tap_ok "3 keyed nodes converge: 3 members alive, one epoch"
else
	for n in "${NODES[@]}"; do tap_diag "$(brief "$n")"; done
	tap_fail "3 keyed nodes did not converge within 20 s"
	bail $PLAN "no converged cluster"
fi

# --- a. rogue nodes -------------------------------------------------------------
tap_diag "section a at ${SECONDS} s"
# rogue1: a wrong key with the id of the right one (every heartbeat costs a
# MAC check and fails it: mac_fail); rogue2: insecure (unknown_key)
$CLMSG --key "$KEY" --same-id-key >"$TMPD/wrong.key"
chmod 600 "$TMPD/wrong.key"
tap_diag "rogue1's key id $($CLMSG --key "$TMPD/wrong.key" --key-id) (the cluster's: $KID)"
for n in rogue1 rogue2; do
	ns "$n" iptables -I INPUT -p udp --dport 7219 -d "$NET_SYNC.${n#rogue}" \
		>/dev/null 2>&1
done
# unicast_rx NS: cluster datagrams to the rogue's own address ("-": unknown)
unicast_rx() {
	ns "$1" iptables -nvxL INPUT 2>/dev/null |
		awk '/dpt:7219/ { print $1; f = 1 } END { if (!f) print "-" }'
}
snap a0
ta0=$(now)
e1=$(ilbadm rogue1 cluster join id 4 addr "$NET_SYNC.4" dev eth0 \
	key "$TMPD/wrong.key" weight 65535 2>&1) || tap_diag "rogue1 join: $e1"
e2=$(ilbadm rogue2 cluster join id 5 addr "$NET_SYNC.5" dev eth0 \
	insecure weight 65535 2>&1) || tap_diag "rogue2 join: $e2"
r1h0=$(num "$(cluster_stat rogue1 hello_tx 2>/dev/null)")
r2h0=$(num "$(cluster_stat rogue2 hello_tx 2>/dev/null)")
sleep 3
for n in "${NODES[@]}"; do tap_diag "$(brief "$n")"; done
tap_diag "$(brief rogue1)"
tap_diag "$(brief rogue2)"
if cluster_converged 3 "${NODES[@]}" && only_members 1,2,3 "${NODES[@]}"; then
	tap_ok "rogues: after 3 s the keyed members list only each other (3 alive, one epoch, never 4 or 5)"
else
	tap_fail "rogues: a keyed member's view is not {1,2,3}"
fi
f0=$(cluster_stat_sum fwd_tx "${NODES[@]}")
x0=$(cluster_stat_sum fwd_rx "${NODES[@]}")
ns c1 $SLOWGET -n 25 --deadline $((120 * S)) --sha "$BIGSHA" --json "$ILB_VIP" 80 /big \
	>"$TMPD/a1" 2>&1 &
A1=$!
ns c2 $SLOWGET -n 25 --deadline $((120 * S)) --sha "$BIGSHA" --json "$ILB_VIP" 80 /big \
	>"$TMPD/a2" 2>&1 &
A2=$!
wait "$A1" "$A2"
sum=$(slowget_sum "$TMPD/a1" "$TMPD/a2")
read -r _st co ex fa dmin dmax <<<"$sum"
tap_diag "50 downloads of 1 MiB with the rogues on the link: completed $co, byte-exact $ex, failed $fa; duration $dmin..$dmax s"
printf '%s\n' "$sum" | tail -n +2 | sed 's/^/# /'
if [ "$ex" = 50 ]; then
	tap_ok "rogues: all 50 downloads complete byte-exact"
else
	tap_fail "rogues: $ex/50 downloads byte-exact"
fi
sleep 1
f1=$(cluster_stat_sum fwd_tx "${NODES[@]}")
x1=$(cluster_stat_sum fwd_rx "${NODES[@]}")
rf1=$(num "$(cluster_stat rogue1 fwd_rx 2>/dev/null)")
rf2=$(num "$(cluster_stat rogue2 fwd_rx 2>/dev/null)")
ru1=$(unicast_rx rogue1)
ru2=$(unicast_rx rogue2)
tap_diag "during them: fwd_tx +$((f1 - f0)), fwd_rx +$((x1 - x0)) over ilb1..3; rogues: fwd_rx $rf1, $rf2; cluster datagrams to their own address: $ru1, $ru2"
if [ $((f1 - f0)) = $((x1 - x0)) ] && [ "${rf1:-0}" = 0 ] &&
   [ "${rf2:-0}" = 0 ] && [ "$ru1" != "-" ] && [ "$ru1" = 0 ] &&
   [ "$ru2" = 0 ]; then
	tap_ok "rogues: every forwarded packet went to a keyed member ($((f1 - f0)) sent, $((x1 - x0)) received), none to a rogue"
else
	tap_fail "rogues: fwd_tx +$((f1 - f0)) vs fwd_rx +$((x1 - x0)); rogue fwd_rx $rf1 $rf2, unicast to rogues $ru1 $ru2"
fi
snap a1
ta1=$(now)
el=$(python3 -c "print('%.1f' % ($ta1 - $ta0))")
need=$(python3 -c "print(int(($ta1 - $ta0) * 10 / 2))")
r1h=$(($(num "$(cluster_stat rogue1 hello_tx 2>/dev/null)") - r1h0))
r2h=$(($(num "$(cluster_stat rogue2 hello_tx 2>/dev/null)") - r2h0))
tap_diag "rogue heartbeats over ${el} s: rogue1 sent $r1h after its first, rogue2 $r2h; each keyed member must count >= $need of each"
tap_diag "refused: $(counters_of a0 a1 mac_fail unknown_key bad_msg foreign)"
tap_diag "rogues: rogue1 $(cluster_show rogue1 | python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]
print("mac_fail %d unknown_key %d" % (s["mac_fail"], s["unknown_key"]))'), rogue2 $(cluster_show rogue2 | python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]
print("mac_fail %d unknown_key %d" % (s["mac_fail"], s["unknown_key"]))')"
ok=1
for n in "${NODES[@]}"; do
	[ "$(delta a0 a1 "$n" mac_fail)" -ge "$need" ] || ok=0
	[ "$(delta a0 a1 "$n" unknown_key)" -ge "$need" ] || ok=0
done
if [ $ok = 1 ] && only_members 1,2,3 "${NODES[@]}"; then
	tap_ok "rogues: every keyed member refused both rogues' heartbeats (mac_fail and unknown_key each >= $need in ${el} s), still lists only 1..3"
else
	tap_fail "rogues: heartbeats counted $(counters_of a0 a1 mac_fail unknown_key), need >= $need each"
fi
ns_del rogue1
ns_del rogue2

# --- b. replay of captured traffic ------------------------------------------
tap_diag "section b at ${SECONDS} s"
CAP=$TMPD/cluster.pcap
# not through ns(): $! must be tcpdump itself (ip netns exec execs it)
ip netns exec "$(ns_name ilb1)" tcpdump -Z root -i eth2 -U -s 0 -w "$CAP" \
	'udp port 7219 or (ip[6:2] & 0x1fff != 0)' 2>"$TMPD/tcpdump.err" &
TCPD=$!
wait_for 10 grep -q 'listening on' "$TMPD/tcpdump.err"
ns c1 $HTTPC "$ILB_VIP" 80 20 >"$TMPD/b-h1" 2>&1 &
H1=$!
sleep 1
ilbadm ilb3 cluster leave
sleep 1
cluster_join ilb3 3 dead-ms $DEAD_MS
ns c2 $HTTPC "$ILB_VIP" 80 20 >"$TMPD/b-h2" 2>&1 &
H2=$!
wait_for 15 cluster_converged 3 "${NODES[@]}"
sleep 1
wait "$H1" "$H2"
kill -TERM "$TCPD" 2>/dev/null
for _ in $(seq 50); do
	kill -0 "$TCPD" 2>/dev/null || break
	sleep 0.2
done
kill -KILL "$TCPD" 2>/dev/null
wait "$TCPD" 2>/dev/null
tap_diag "capture: $(tail -n 3 "$TMPD/tcpdump.err" | tr '\n' ' ')"
tap_diag "requests during it: $(cat "$TMPD/b-h1" "$TMPD/b-h2" | tr '\n' ' ' | head -c 300)"
ns evil $CLREPLAY list "$CAP" >"$TMPD/cap.txt"
# what the capture holds: messages by type, ilb3's incarnations, leaving
# hellos, and those addressed to ilb3 that predate its rejoin (from its
# new instance's point of view never seen)
python3 - "$TMPD/cap.txt" "$NET_SYNC.3" >"$TMPD/cap.sum" <<'PY'
import sys
rows = []
for ln in open(sys.argv[1]):
    f = ln.split()
    if len(f) < 15 or f[4] != "v2":
        continue
    d = dict(zip(f[6::2], f[7::2]))
    rows.append((float(f[1]), f[2], f[3], f[5], d))
types = {}
for r in rows:
    types[r[3]] = types.get(r[3], 0) + 1
inc3 = sorted({int(r[4]["inc"]) for r in rows if r[4]["sender"] == "3"})
new3 = [r[0] for r in rows if r[4]["sender"] == "3" and inc3 and
        int(r[4]["inc"]) == inc3[-1]]
t3 = min(new3) if new3 else None
leav = sum(1 for r in rows if r[3] == "hello" and r[4].get("flags") in
           ("1", "3"))
pre = sum(1 for r in rows if t3 is not None and r[0] < t3 and
          r[4]["sender"] != "3" and r[2] in (sys.argv[2], "239.255.76.66"))
print("capture: %d messages (%s); ilb3 incarnations %s; %d leaving hellos; "
      "%d addressed to ilb3 before its rejoin" % (len(rows), " ".join(
      "%s %d" % kv for kv in sorted(types.items())), inc3, leav, pre))
print(pre)
PY
tap_diag "$(head -n 1 "$TMPD/cap.sum")"
PRE3=$(tail -n 1 "$TMPD/cap.sum")
sleep 3
snap b0
for n in "${NODES[@]}"; do
	ilbadm "$n" -j conn show >"$TMPD/conn0-$n" 2>&1
done
ns evil $CLREPLAY replay "$CAP" --members "$MEMBERS" >"$TMPD/replay.json" 2>&1
sleep 2
snap b1
for n in "${NODES[@]}"; do
	ilbadm "$n" -j conn show >"$TMPD/conn1-$n" 2>&1
done
tap_diag "replayed: $(cat "$TMPD/replay.json")"
for n in "${NODES[@]}"; do tap_diag "$(brief "$n")"; done
tap_diag "after the replay: $(counters_of b0 b1 view_changes replay stale_incarnation not_for_us ttl mac_fail unknown_key bad_msg foreign)"
tap_diag "accepted meanwhile (live traffic too): $(counters_of b0 b1 hello_rx sync_rx ack_rx fwd_rx session_reset)"
if views_same b0 b1 && cluster_converged 3 "${NODES[@]}" &&
   only_members 1,2,3 "${NODES[@]}"; then
	tap_ok "replay: no view change on any node, 3 members alive with one epoch, none evicted"
else
	tap_fail "replay: the views changed: $(counters_of b0 b1 view_changes)"
fi
r=$(python3 - "$TMPD" "${NODES[@]}" <<'PY'
import json, os, sys
d, nodes = sys.argv[1], sys.argv[2:]
changed, new, total = [], [], [0, 0]
for n in nodes:
    tabs = []
    for i in (0, 1):
        try:
            tabs.append({(e["client"], e["vip"]): (e.get("server"),
                         e.get("role")) for e in json.load(open(
                         os.path.join(d, "conn%d-%s" % (i, n))))})
        except (OSError, ValueError):
            tabs.append(None)
    if None in tabs:
        print("fail %s: no conn show" % n)
        sys.exit(0)
    a, b = tabs
    total[0] += len(a)
    total[1] += len(b)
    changed += ["%s %s %s->%s" % (n, k[0], a[k], b[k]) for k in a
                if k in b and a[k] != b[k]]
    new += ["%s %s %s" % (n, k[0], b[k]) for k in b if k not in a]
print("%s entries %d before, %d after; %d changed, %d new%s" % (
      "fail" if changed or new else "ok", total[0], total[1], len(changed),
      len(new), ": " + "; ".join((changed + new)[:6]) if changed or new
      else ""))
PY
)
case $r in
ok*) tap_ok "replay: the connection tables are unchanged (${r#ok })" ;;
*) tap_fail "replay: connection tables: ${r#fail }" ;;
esac
ok=1 line=
for i in 1 2 3; do
	want=$(python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["to"].get(sys.argv[2], -1))' \
		"$TMPD/replay.json" "$NET_SYNC.$i" 2>/dev/null)
	got=$(delta b0 b1 "ilb$i" replay stale_incarnation not_for_us ttl)
	line+="ilb$i $got of ${want:-?}; "
	[ -n "$want" ] && [ "$want" -gt 0 ] && [ "$got" -ge "$want" ] || ok=0
done
tap_diag "replay + stale_incarnation + not_for_us + ttl grew by / replayed datagrams each should get: ${line%; }"
if [ $ok = 1 ]; then
	tap_ok "replay: every replayed datagram counted as a replay or stale on its receivers (${line%; })"
else
	tap_fail "replay: refusals below the datagrams replayed to a node: ${line%; } (of those to ilb3, ${PRE3:-?} were sent before its rejoin, unseen by its new instance)"
fi

# --- c. bit flips -------------------------------------------------------------
tap_diag "section c at ${SECONDS} s"
s0=$(refused_sum "${NODES[@]}")
sleep 2
s1=$(refused_sum "${NODES[@]}")
if [ "$s0" = "$s1" ]; then
	tap_ok "flips: without an attack the refusal counters stay put over 2 s ($s1)"
else
	tap_fail "flips: refusals grew by $((s1 - s0)) in 2 s without an attack"
fi
snap c0
ns evil $CLREPLAY flip "$CAP" --max 10 --members "$MEMBERS" >"$TMPD/flip.json" 2>&1
want=$(python3 -c '
import json, sys
print(sum(json.load(open(sys.argv[1]))["to"].values()))' "$TMPD/flip.json" 2>/dev/null)
wait_for 30 eval '[ "$(refused_sum "${NODES[@]}")" -ge $((s1 + ${want:-0})) ]'
sleep 1
s2=$(refused_sum "${NODES[@]}")
snap c1
tap_diag "flipped: $(python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
print("sent %d, by type %s, to %s" % (j["sent"], j["by_type"], j["to"]))
for m in j.get("messages", []):
    print("#   " + m)' "$TMPD/flip.json" 2>&1 || cat "$TMPD/flip.json")"
tap_diag "refused: $(counters_of c0 c1 $REFUSE)"
if [ -n "$want" ] && [ "$want" -gt 0 ] && [ $((s2 - s1)) = "$want" ]; then
	tap_ok "flips: each of the $want flipped datagrams (per receiver) refused and counted once"
else
	tap_fail "flips: refusals grew by $((s2 - s1)), datagrams per receiver ${want:-?}"
fi
if views_same b0 c1 && cluster_converged 3 "${NODES[@]}"; then
	tap_ok "flips: no view change"
else
	tap_fail "flips: views changed: $(counters_of b0 c1 view_changes)"
fi

# --- d. forged session start --------------------------------------------------
tap_diag "section d at ${SECONDS} s"
snap d0
m1=$(ns evil $CLMSG --key "$KEY" --src "$NET_SYNC.2" --from-hello "$NET_SYNC.2" \
	--msg sync --session 1 --sync-seq 1 "$NET_SYNC.1" 7219 wrongkey 1 2>&1)
m2=$(ns evil $CLMSG --src "$NET_SYNC.2" --from-hello "$NET_SYNC.2" \
	--msg sync --session 1 --sync-seq 1 "$NET_SYNC.1" 7219 untagged 1 2>&1)
sleep 1
snap d1
mf=$(delta d0 d1 ilb1 mac_fail)
uk=$(delta d0 d1 ilb1 unknown_key)
all=$(delta d0 d1 ilb1 $REFUSE)
tap_diag "forged sync session 1 seq 1 as ilb2 to ilb1: sent $m1 (wrong key) + $m2 (untagged); ilb1 mac_fail +$mf, unknown_key +$uk, all refusals +$all; $(counters_of d0 d1 sync_rx session_reset)"
if [ "$m1" = 1 ] && [ "$m2" = 1 ] && [ "$mf" = 1 ] && [ "$uk" = 1 ] &&
   [ "$all" = 2 ]; then
	tap_ok "forged session start: refused, counted once in mac_fail and once in unknown_key"
else
	tap_fail "forged session start: mac_fail +$mf, unknown_key +$uk (all +$all), sent $m1 $m2"
fi
slowget_bg c1 "$TMPD/d1" -n 10 --rate 70000 --deadline $((180 * S)) --sha "$BIGSHA" \
	"$ILB_VIP" 80 /big
D1=$!
slowget_bg c2 "$TMPD/d2" -n 10 --rate 70000 --deadline $((180 * S)) --sha "$BIGSHA" \
	"$ILB_VIP" 80 /big
D2=$!
sleep 4
ilb_cut ilb2
wait_for 15 cluster_converged 2 ilb1 ilb3 ||
	tap_diag "ilb1 and ilb3 did not drop ilb2 within 15 s"
wait "$D1" "$D2"
sum=$(slowget_sum "$TMPD/d1" "$TMPD/d2")
read -r _st co ex fa dmin dmax <<<"$sum"
tap_diag "20 downloads across the cut of ilb2: completed $co, byte-exact $ex, failed $fa; duration $dmin..$dmax s"
printf '%s\n' "$sum" | tail -n +2 | sed 's/^/# /'
snap d2
tap_diag "$(counters_of d1 d2 promoted sync_rx session_reset)"
if [ "$ex" = 20 ]; then
	tap_ok "forged session start: all 20 downloads byte-exact across the loss of ilb2 (the real channel kept syncing)"
else
	tap_fail "forged session start: $ex/20 downloads byte-exact after ilb2 was cut"
fi

# --- e. rolling key rotation under load ---------------------------------------
tap_diag "section e at ${SECONDS} s"
ns ilb2 ip link set eth0 up
ns ilb2 ip link set eth1 up
ns ilb2 ip link set eth2 up
ns ilb2 ip route replace default via "$(ecmp_rt_addr 2)"
if wait_for 30 cluster_converged 3 "${NODES[@]}"; then
	tap_ok "ilb2 is back: 3 members alive, one epoch"
else
	for n in "${NODES[@]}"; do tap_diag "$(brief "$n")"; done
	tap_fail "ilb2 did not come back within 30 s"
fi
NEWKEY=$TMPD/new.key
for _ in $(seq 20); do
	(umask 077 && "$ILBADM" cluster genkey >"$NEWKEY")
	NID=$($CLMSG --key "$NEWKEY" --key-id)
	[ "$NID" != "$KID" ] && break
done
# on_key ID: every node stable on key ID, every member it lists sending with it
on_key() {
	local n
	for n in "${NODES[@]}"; do
		cluster_show "$n" | python3 -c '
import json, sys
c, kid = json.load(sys.stdin), int(sys.argv[1])
sys.exit(0 if c.get("key_state") == "stable" and c.get("key_id") == kid and
         all(m.get("key_id", kid) == kid for m in c["members"]
             if m["state"] == "alive") else 1)' "$1" || return 1
	done
}
snap e0
slowget_bg c1 "$TMPD/e1" -n 25 --rate 70000 --deadline $((180 * S)) --sha "$BIGSHA" \
	"$ILB_VIP" 80 /big
E1=$!
slowget_bg c2 "$TMPD/e2" -n 25 --rate 70000 --deadline $((180 * S)) --sha "$BIGSHA" \
	"$ILB_VIP" 80 /big
E2=$!
sleep 2
line=
for n in "${NODES[@]}"; do
	if err=$(ilbadm "$n" cluster set key "$NEWKEY" 2>&1); then
		line+="$n set; "
	else
		line+="$n: $err; "
	fi
	tap_diag "$(brief "$n")"
	sleep 2
done
te0=$(now)
stable=0
wait_for 15 on_key "$NID" && stable=1
te=$(python3 -c "print('%.1f' % ($(now) - $te0))")
for n in "${NODES[@]}"; do tap_diag "$(brief "$n")"; done
tap_diag "rotation to key id $NID (from $KID): ${line%; }; $( [ $stable = 1 ] && echo "every node stable on it ${te} s after the last set" || echo "not stable after 15 s")"
if [ $stable = 1 ]; then
	tap_ok "rotation: every node stable on the new key (id $NID) within 15 s (${te} s)"
else
	tap_fail "rotation: not every node stable on key id $NID within 15 s"
fi
wait "$E1" "$E2"
snap e1
sum=$(slowget_sum "$TMPD/e1" "$TMPD/e2")
read -r _st co ex fa dmin dmax <<<"$sum"
tap_diag "50 downloads across the rotation: completed $co, byte-exact $ex, failed $fa; duration $dmin..$dmax s"
printf '%s\n' "$sum" | tail -n +2 | sed 's/^/# /'
tap_diag "during the rotation: $(counters_of e0 e1 key_switch view_changes mac_fail unknown_key)"
if [ "$ex" = 50 ]; then
	tap_ok "rotation: all 50 downloads byte-exact"
else
	tap_fail "rotation: $ex/50 downloads byte-exact"
fi
if views_same e0 e1; then
	tap_ok "rotation: no view change on any node"
else
	tap_fail "rotation: views changed: $(counters_of e0 e1 view_changes)"
fi
tap_diag "done at ${SECONDS} s"
rm -rf "$TMPD"
tap_done
