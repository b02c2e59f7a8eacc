#!/bin/bash
# ilbadm apply on a node under load: 50 long downloads through the VIP run
# while a file changes a weight, adds a server, removes a server that
# carries no download and changes the scheduler. The dry run beforehand
# prints exactly those 4 changes; a file with an error at line N changes
# nothing and names N; a file whose last step the kernel refuses is rolled
# back; after the apply, save equals the file and a second apply prints
# nothing; every download completes byte-exact.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd nginx python3
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }
if ! "$ILBADM" -h 2>&1 | grep -q 'apply FILE'; then
	echo "1..0 # SKIP ilbadm has no apply"
	exit $KSFT_SKIP
fi

TMPD=$(mktemp -d -t "${ILB_PREFIX}apply.XXXXXX")
NDL=50
SVC="tcp $ILB_VIP:80"

tap_plan 15
topo_build 1 1 4
for i in 1 2 3 4; do
	nginx_start "srv$i" 80 "srv$i"
done
S1=$(server_addr 1) S2=$(server_addr 2) S3=$(server_addr 3) S4=$(server_addr 4)
BIGSHA=$(sha256sum </tmp/ilb-big.bin | cut -d' ' -f1)

A() { ilbadm ilb1 "$@"; }

# The node before: rr over srv1 and srv2; srv3 at weight 0 takes nothing.
A service add $SVC sched rr fwd nat
A server add $SVC "$S1" weight 1
A server add $SVC "$S2" weight 1
A server add $SVC "$S3" weight 0
A save >"$TMPD/save0"
sed 's/^/# before: /' "$TMPD/save0"
TIMEOUTS=$(grep '^timeout set' "$TMPD/save0")

# The node after, in save's words with comments and blank lines: wlc,
# srv1 weight 3, srv4 added, srv3 gone.
cat >"$TMPD/new.conf" <<EOF
# the node after the change (tests/net/apply.sh)

service add $SVC sched wlc fwd nat
server add $SVC $S1:80 weight 3 fwd nat state up
server add $SVC $S2:80 weight 1 fwd nat state up   # unchanged
server add $SVC $S4:80 weight 1 fwd nat state up
$TIMEOUTS
EOF
cat >"$TMPD/want" <<EOF
service set $SVC sched wlc
server add $SVC $S4:80 weight 1 fwd nat state up
server set $SVC $S1:80 weight 3
server del $SVC $S3:80
EOF
# save after the apply: the file without its comments and blank lines
sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$TMPD/new.conf" \
	>"$TMPD/new.norm"

# srv_conns ADDR: active + inactive connections of that server
srv_conns() {
	A -j service show $SVC | python3 -c '
import json, sys
s = json.load(sys.stdin)[0]
print(sum(d["active"] + d["inactive"] for d in s["servers"]
          if d["addr"] == sys.argv[1]))' "$1"
}

# established: established connections to the VIP, "N srv1=a srv2=b ..."
established() {
	A -j conn show $SVC | python3 -c '
import json, sys
c = [e for e in json.load(sys.stdin) if e["state"] == "ESTABLISHED"]
by = {}
for e in c:
    a = e["server"].split(":")[0]
    by[a] = by.get(a, 0) + 1
print(len(c), " ".join("%s=%d" % (k, by[k]) for k in sorted(by)))'
}

est_count() { established | cut -d' ' -f1; }
est_is() { [ "$(est_count)" = "$1" ]; }

save_is() {	# save_is FILE: the node's save equals FILE
	A save >"$TMPD/save.now" && cmp -s "$1" "$TMPD/save.now"
}

# The file of the rollback below: the changes, then a join the kernel
# refuses (an address that is not this node's).
cp "$TMPD/new.conf" "$TMPD/fail.conf"
echo "cluster join id 1 addr $NET_SYNC.99 dev eth2 insecure" >>"$TMPD/fail.conf"

# Under valgrind, before the downloads (it takes a minute under TCG, and
# the downloads must outlast what runs during them): a dry run and the
# rolled-back apply of fail.conf. Memory errors or leaks fail.
if command -v valgrind >/dev/null 2>&1; then
	vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=all
	    --error-exitcode=9)
	ns ilb1 "${vg[@]}" "$ILBADM" -j apply "$TMPD/fail.conf" dry-run \
		>/dev/null 2>"$TMPD/vg1"
	rc1=$?
	ns ilb1 "${vg[@]}" "$ILBADM" apply "$TMPD/fail.conf" \
		>/dev/null 2>"$TMPD/vg2"
	rc2=$?
	tap_diag "valgrind: dry-run -j rc $rc1, rolled-back apply rc $rc2 (1: the join refused)"
	if [ $rc1 = 0 ] && [ $rc2 = 1 ] && [ ! -s "$TMPD/vg1" ] &&
	   [ "$(grep -c . "$TMPD/vg2")" = 1 ] && save_is "$TMPD/save0"; then
		tap_ok "under valgrind, a dry run and a rolled-back apply: no memory error, no leak"
	else
		sed 's/^/# /' "$TMPD/vg1" "$TMPD/vg2" | head -n 40
		tap_fail "valgrind: rc $rc1 and $rc2"
	fi
else
	tap_skip "apply under valgrind" "valgrind not installed"
fi

# --- 50 long downloads: 1 MiB each at 17.5 kB/s, about 60 s ----------------------
# The apply runs well within them on the stock kernel under TCG: they
# outlast it on a VM twice that slow. ILB_SLOW times longer on a kernel
# that much slower (the debug kernel).
DL_T0=$SECONDS
ip netns exec "$(ns_name c1)" $SLOWGET --json -n $NDL \
	--rate $((17500 / ${ILB_SLOW:-1})) --deadline $((600 * ${ILB_SLOW:-1})) \
	--sha "$BIGSHA" "$ILB_VIP" 80 /big >"$TMPD/dl" 2>&1 &
DL=$!
wait_for 120 est_is $NDL
est0=$(established)
c3=$(srv_conns "$S3")
tap_diag "downloads established: $est0; $S3 has $c3 connections"
if [ "$(est_count)" = $NDL ] && [ "$c3" = 0 ]; then
	tap_ok "$NDL long downloads under way, none on the server to be removed ($S3: 0 connections)"
else
	tap_fail "downloads: $est0, want $NDL; $S3 has $c3 connections, want 0"
fi

# --- dry run: exactly the 4 changes, nothing changed ----------------------------
t0=$(date +%s.%N)
A apply "$TMPD/new.conf" dry-run >"$TMPD/dry" 2>"$TMPD/dry.err"
rc=$?
dt=$(python3 -c "print('%.2f' % ($(date +%s.%N) - $t0))")
sed 's/^/# dry-run: /' "$TMPD/dry"
if [ $rc = 0 ] && diff -u "$TMPD/want" "$TMPD/dry" >"$TMPD/dry.diff" &&
   [ ! -s "$TMPD/dry.err" ] && save_is "$TMPD/save0"; then
	tap_ok "dry-run printed exactly the 4 changes, line by line, in ${dt}s, and changed nothing"
else
	tap_fail "dry-run: rc $rc, $(tr '\n' ' ' <"$TMPD/dry.diff") $(cat "$TMPD/dry.err")"
fi

js=$(A -j apply "$TMPD/new.conf" dry-run)
tap_diag "dry-run -j: $js"
if python3 -c '
import json, sys
got = json.loads(sys.argv[1])
want = open(sys.argv[2]).read().splitlines()
assert [c["command"] for c in got] == want, "commands"
assert [c["line"] for c in got] == [3, 6, 4, 0], "lines"
assert [(c["object"], c["verb"]) for c in got] == [
    ("service", "set"), ("server", "add"), ("server", "set"),
    ("server", "del")], "objects"' "$js" "$TMPD/want"; then
	tap_ok "dry-run -j: a JSON array of the same 4 commands with their lines (3, 6, 4, none)"
else
	tap_fail "dry-run -j: $js"
fi

# --- a file with an error at line N changes nothing -----------------------------
sed 's/weight 3 fwd/weight 70000 fwd/' "$TMPD/new.conf" >"$TMPD/bad1.conf"
sed "s|^server add $SVC $S4:80 .*|server add $SVC $S4:8080 fwd dr|" \
	"$TMPD/new.conf" >"$TMPD/bad2.conf"
nbad=0
for b in bad1:4 bad2:6; do
	f=$TMPD/${b%:*}.conf n=${b#*:}
	out=$(A apply "$f" 2>"$TMPD/bad.err")
	rc=$?
	err=$(cat "$TMPD/bad.err")
	tap_diag "${b%:*} (error at line $n): rc $rc, stdout '$out', stderr: $err"
	if [ $rc != 1 ] || [ -n "$out" ] || [ "$(grep -c . "$TMPD/bad.err")" != 1 ] ||
	   ! grep -q "^ilbadm: apply: line $n: " "$TMPD/bad.err" ||
	   ! save_is "$TMPD/save0"; then
		nbad=$((nbad + 1))
	fi
done
if [ $nbad = 0 ]; then
	tap_ok "files with an error at line 4 (a bad weight) and line 6 (dr with another port): one error line naming it, nothing changed"
else
	tap_fail "$nbad bad files not refused cleanly"
fi

# --- the kernel refuses the last step: everything before it is undone -----------
# A join with an address that is not this node's: the parser and the
# file's checks take it (a unicast address, an existing dev), the module
# refuses it, after the 4 service and server changes.
nfail=$(grep -c '' "$TMPD/fail.conf")
A apply "$TMPD/fail.conf" dry-run >"$TMPD/fail.dry" 2>&1
out=$(A apply "$TMPD/fail.conf" 2>"$TMPD/fail.err")
rc=$?
err=$(cat "$TMPD/fail.err")
est1=$(established)
tap_diag "would do $(grep -c . "$TMPD/fail.dry") changes; rc $rc, stdout '$out', stderr: $err"
tap_diag "after the rollback: established $est1"
if [ $rc = 1 ] && [ -z "$out" ] && [ "$(grep -c . "$TMPD/fail.dry")" = 5 ] &&
   [ "$(grep -c . "$TMPD/fail.err")" = 1 ] &&
   grep -q "^ilbadm: apply: line $nfail: cluster join: .*(addr is not an address of this node)$" "$TMPD/fail.err" &&
   save_is "$TMPD/save0" && [ "$(est_count)" = $NDL ]; then
	tap_ok "a join the kernel refuses at line $nfail, after 4 changes: all undone (save as before), one error line with the kernel's message, $NDL downloads still established"
else
	tap_fail "rollback: rc $rc, '$err'; diff to before: $(diff "$TMPD/save0" "$TMPD/save.now" | tr '\n' ' ')"
fi

# --- the apply ------------------------------------------------------------------
t0=$(date +%s.%N)
A apply "$TMPD/new.conf" >"$TMPD/out" 2>"$TMPD/out.err"
rc=$?
dt=$(python3 -c "print('%.2f' % ($(date +%s.%N) - $t0))")
sed 's/^/# apply: /' "$TMPD/out"
if [ $rc = 0 ] && cmp -s "$TMPD/dry" "$TMPD/out" && [ ! -s "$TMPD/out.err" ]; then
	tap_ok "apply made and printed the 4 changes of the dry run in ${dt}s"
else
	tap_fail "apply: rc $rc, $(cat "$TMPD/out.err"); diff to the dry run: $(diff "$TMPD/dry" "$TMPD/out" | tr '\n' ' ')"
fi

A save >"$TMPD/save1"
sed 's/^/# after: /' "$TMPD/save1"
if cmp -s "$TMPD/new.norm" "$TMPD/save1"; then
	tap_ok "save after the apply equals the file (without its comments and blank lines)"
else
	tap_fail "save differs from the file: $(diff "$TMPD/new.norm" "$TMPD/save1" | tr '\n' ' ')"
fi

est2=$(established)
tap_diag "established after the apply, $((SECONDS - DL_T0)) s into the downloads: $est2 (before: $est0)"
if [ "$est2" = "$est0" ]; then
	tap_ok "the $NDL downloads' connections are kept, on the servers they had"
else
	tap_fail "connections changed: $est2, before $est0"
fi

out=$(A apply "$TMPD/new.conf" 2>&1)
rc=$?
if [ $rc = 0 ] && [ -z "$out" ]; then
	tap_ok "a second apply of the same file prints nothing and exits 0"
else
	tap_fail "second apply: rc $rc, '$out'"
fi

# wlc: the new server (weight 1, no connection) takes the new ones
r=$(ns c1 $HTTPC "$ILB_VIP" 80 10)
tap_diag "10 new connections: $r"
if [ "$(json_get "$r" ok)" = 10 ] && [ "$(json_get "$r" by_body srv4)" -ge 1 ] &&
   [ "$(json_get "$r" by_body srv3)" = 0 ]; then
	tap_ok "new connections reach the added server ($(json_get "$r" by_body srv4)/10 on srv4), none the removed one"
else
	tap_fail "new connections: $r"
fi

# --- every download completes byte-exact ------------------------------------------
wait $DL
summary=$(cat "$TMPD/dl")
tap_diag "downloads: $summary"
if python3 -c '
import json, sys
s = json.loads(sys.argv[1])
n = int(sys.argv[2])
print("# started %d, completed %d, byte-exact %d, failed %d, duration %.1f..%.1f s" % (
      s["started"], s["completed"], s["exact"], s["failed"], s["dur_min"] or 0,
      s["dur_max"] or 0))
sys.exit(0 if s["exact"] == n and not s["failed"] else 1)' "$summary" $NDL; then
	tap_ok "all $NDL downloads completed byte-exact across the dry run, the rollback and the apply"
else
	tap_fail "downloads: $summary"
fi

# --- the cluster, once the downloads are done: join, set in place, leave ---------
# key_id FILE: the id the module gives the key in FILE (cluster-protocol.rst)
key_id() {
	python3 -c '
import base64, hashlib, sys
k = base64.b64decode(open(sys.argv[1]).read().strip())
t = hashlib.blake2s(b"ilb key id v2".ljust(28, b"\0") + bytes(4), key=k,
                    digest_size=16).digest()
print(t[0] or 1)' "$1"
}
KEY1=$(cluster_key)
KEY2=$(mktemp -t "${ILB_PREFIX}key2.XXXXXX")
# a second key with another id (the module refuses one with the same)
for _ in 1 2 3 4 5; do
	"$ILBADM" cluster genkey >"$KEY2"
	[ "$(key_id "$KEY2")" != "$(key_id "$KEY1")" ] && break
done
KEY1=$(realpath "$KEY1") KEY2=$(realpath "$KEY2")

# a short join: the defaults are the module's, the key file a name
{ cat "$TMPD/new.norm"; echo "cluster join id 1 addr $NET_SYNC.1 dev eth2 key $KEY1"; } \
	>"$TMPD/cl1.conf"
out=$(A apply "$TMPD/cl1.conf" 2>&1)
rc=$?
A save >"$TMPD/save2"
join=$(grep '^cluster join' "$TMPD/save2")
again=$(A apply "$TMPD/cl1.conf" 2>&1)
rc2=$?
tap_diag "join: rc $rc: $out"
tap_diag "save: $join; second apply rc $rc2: '$again'"
if [ $rc = 0 ] && [ "$out" = "$join" ] && [ $rc2 = 0 ] && [ -z "$again" ] &&
   [ "$(grep -vc '^cluster' "$TMPD/save2")" = "$(grep -c . "$TMPD/new.norm")" ]; then
	tap_ok "a join by apply prints the join as save prints it; applied again (defaults, cache, key id compared) nothing"
else
	tap_fail "join by apply: rc $rc '$out', save '$join', again rc $rc2 '$again'"
fi

# weight and key in place: no leave, the same incarnation
inc0=$(json_get "$(cluster_show ilb1)" incarnation)
sed -e "s| weight 1 score | weight 2 score |" -e "s|key $KEY1\$|key $KEY2|" \
	"$TMPD/save2" >"$TMPD/cl2.conf"
out=$(A apply "$TMPD/cl2.conf" 2>&1)
rc=$?
key_stable() { [ "$(json_get "$(cluster_show ilb1)" key_state)" = stable ]; }
wait_for 20 key_stable
cl=$(cluster_show ilb1)
inc1=$(json_get "$cl" incarnation)
want=$(printf 'cluster set weight 2\ncluster set key %s' "$KEY2")
tap_diag "in place: rc $rc: $(echo "$out" | tr '\n' ';'); incarnation $inc0 -> $inc1, weight $(json_get "$cl" weight), key $(json_get "$cl" key_state) $(json_get "$cl" key_file)"
if [ $rc = 0 ] && [ "$out" = "$want" ] && [ "$inc0" = "$inc1" ] &&
   save_is "$TMPD/cl2.conf" && [ -z "$(A apply "$TMPD/cl2.conf" 2>&1)" ]; then
	tap_ok "weight and key change in place (cluster set weight, cluster set key: the same incarnation), save equals the file"
else
	tap_fail "in place: rc $rc '$out', want '$want'; incarnation $inc0 -> $inc1"
fi

# no join in the file: leave
out=$(A apply "$TMPD/new.norm" 2>&1)
rc=$?
err=$(A cluster show 2>&1)
tap_diag "leave: rc $rc: $out; then: $err"
if [ $rc = 0 ] && [ "$out" = "cluster leave" ] && save_is "$TMPD/new.norm" &&
   [ "$err" = "ilbadm: cluster show: not in a cluster" ]; then
	tap_ok "a file without a join makes the node leave (cluster leave), save equals the file"
else
	tap_fail "leave: rc $rc '$out', then '$err'"
fi
tap_done
