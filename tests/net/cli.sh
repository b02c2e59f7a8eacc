#!/bin/bash
# ilbadm and the netlink API from the outside: save/restore round trip,
# bad input rejected with one clear line, raw malformed netlink messages
# rejected with an extack, unprivileged callers refused.
. "$(dirname "$0")/lib.sh"
require_ilb
require_cmd python3 setpriv
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit $KSFT_SKIP; }

tap_plan 8
ns_add n1
A() { ilbadm n1 "$@"; }

A service add tcp 198.51.100.10:80 sched wlc fwd nat
A service add udp 198.51.100.10:53 sched mh fwd dr
A service add tcp 198.51.100.9:443 sched sh
A server add tcp 198.51.100.10:80 198.18.3.102:8080 weight 5
A server add tcp 198.51.100.10:80 198.18.3.101 weight 0 state down
A server add udp 198.51.100.10:53 198.18.3.103
A server add tcp 198.51.100.9:443 198.18.3.101 fwd local
A timeout set tcp 600 tcpfin 60 udp 30

A save >/tmp/ilb-save1
A save >/tmp/ilb-save2
sed 's/^/# /' /tmp/ilb-save1
if cmp -s /tmp/ilb-save1 /tmp/ilb-save2 && [ "$(grep -c . /tmp/ilb-save1)" = 8 ]; then
	tap_ok "save prints the 8-line configuration, twice byte-identical"
else
	tap_fail "save not stable or not complete"
fi
A flush
empty=$(A -j service show)
A restore </tmp/ilb-save1
A save >/tmp/ilb-save3
if [ "$empty" = "[]" ] && cmp -s /tmp/ilb-save1 /tmp/ilb-save3; then
	tap_ok "save | flush | restore | save round-trips byte-identically"
else
	tap_fail "restore round trip: after flush '$empty'; diff: $(diff /tmp/ilb-save1 /tmp/ilb-save3 | tr '\n' ' ')"
fi

# Bad input: non-zero exit and exactly one line on stderr, nothing changed.
bad=(
	"service add tcp 198.51.100.1:0"
	"service add tcp 198.51.100.1:65536"
	"service add tcp 1.2.3:80"
	"service add tcp 256.1.1.1:80"
	"service add sctp 198.51.100.1:80"
	"service add tcp 198.51.100.1:80 sched fastest"
	"service add tcp 198.51.100.1:80 fwd tunnel"
	"service add tcp 198.51.100.1:80 sched"
	"service add tcp 198.51.100.1:80 sched rr sched wrr"
	"server add tcp 198.51.100.10:80 198.18.3.1 weight 70000"
	"server add tcp 198.51.100.10:80 198.18.3.1 weight -1"
	"server add tcp 198.51.100.10:80 198.18.3.1 state sideways"
	"server add tcp 198.51.100.10:80 198.18.3.101 weight 2"
	"server del tcp 198.51.100.10:80 198.18.3.200"
	"service del tcp 198.51.100.77:80"
	"timeout set tcp 0"
	"timeout set udp abc"
	"frobnicate"
	"service explode"
)
nbad=0
for cmd in "${bad[@]}"; do
	# shellcheck disable=SC2086
	err=$(A $cmd 2>&1 >/dev/null)
	rc=$?
	lines=$(printf '%s\n' "$err" | grep -c .)
	tap_diag "ilbadm $cmd -> $rc: $(printf '%s' "$err" | head -n 1)"
	if [ $rc = 0 ] || { [ "$lines" != 1 ] && [ $rc = 1 ]; }; then
		nbad=$((nbad + 1))
	fi
	case $err in ilbadm:*|usage:*|Usage:*) ;; *) nbad=$((nbad + 1)) ;; esac
done
A save >/tmp/ilb-save4
if [ $nbad = 0 ] && cmp -s /tmp/ilb-save1 /tmp/ilb-save4; then
	tap_ok "${#bad[@]} bad commands rejected with one 'ilbadm:' line, configuration unchanged"
else
	tap_fail "$nbad bad commands not rejected cleanly"
fi

err=$(A service del tcp 198.51.100.77:80 2>&1)
[ "$err" = "ilbadm: service tcp 198.51.100.77:80: no such service" ] &&
	tap_ok "missing service: '$err'" || tap_fail "missing service: '$err'"

js=$(A -j -s service show)
if python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert len(d)==3 and all("servers" in s and "stats" in s for s in d)' "$js"; then
	tap_ok "service show -j -s is valid JSON with servers and stats"
else
	tap_fail "service show -j: $js"
fi

# Raw generic netlink: malformed requests never get through.
out=$(ns n1 "$ILB_REPO/build/tests/nlbad" 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /' | head -n 60
total=$(printf '%s\n' "$out" | grep -c '^ok\|^not ok')
if [ $rc = 0 ] && [ "$total" -ge 20 ]; then
	tap_ok "$total malformed netlink requests all rejected, each with an error"
else
	tap_fail "nlbad: rc $rc over $total cases"
fi
A save >/tmp/ilb-save5
cmp -s /tmp/ilb-save1 /tmp/ilb-save5 && tap_ok "configuration intact after the malformed requests" ||
	tap_fail "malformed requests changed the configuration"

# Without CAP_NET_ADMIN: refused.
err=$(ns n1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$ILBADM" service add tcp 198.51.100.11:80 2>&1)
rc=$?
tap_diag "unprivileged: $rc $err"
[ $rc != 0 ] && printf '%s' "$err" | grep -qi 'permission' &&
	tap_ok "an unprivileged caller is refused (permission denied)" ||
	tap_fail "unprivileged caller: rc $rc '$err'"
tap_done
