#!/bin/bash
# make bench: plain forwarding, IPVS and ilb through the same node in one
# VM boot. Prints one table; every figure is also given as a ratio to
# plain forwarding. TCG makes absolute numbers small and noisy: compare
# the columns of one run, not runs.
. "$(dirname "$0")/../../tests/net/lib.sh"
DUR=${BENCH_SECONDS:-5}
FLOOD=$ILB_REPO/build/udpflood

# IPVS and ilb are configured side by side on different VIPs and measured
# in interleaved rounds; each figure is the median of the rounds.
ROUNDS=${BENCH_ROUNDS:-5}
V_IPVS_NAT=198.51.100.1 V_IPVS_DR=198.51.100.2
V_ILB_NAT=198.51.100.3 V_ILB_DR=198.51.100.4
TOPO_RT_BACK=1 topo_build 1 1 2
for v in $V_IPVS_DR $V_ILB_NAT $V_ILB_DR; do
	ns rt ip route add "$v/32" via "$NET_FRONT.11"
done
for v in $V_IPVS_NAT $V_IPVS_DR $V_ILB_NAT $V_ILB_DR; do
	ns ilb1 ip addr add "$v/32" dev lo	# IPVS wants local VIPs
done
# Separate server ports keep the NAT configurations' reply tuples apart:
# a NAT balancer rewrites any packet that matches one of its reply tuples.
#   80: IPVS NAT and both DR, 8080: plain forwarding, 8081: ilb NAT
for i in 1 2; do
	nginx_start "srv$i" 80 "srv$i"
	nginx_start "srv$i" 8080 "srv$i"
	nginx_start "srv$i" 8081 "srv$i"
	dr_server "srv$i" "$V_IPVS_DR"
	dr_server "srv$i" "$V_ILB_DR"
	# The configurations share client->server tuples; servers' TIME_WAIT
	# from one would stall the SYNs of the next (1 s retransmits).
	ns "srv$i" sysctl -qw net.ipv4.tcp_max_tw_buckets=0
done
ns c1 sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
S1=$(server_addr 1) S2=$(server_addr 2)
modprobe ip_vs && modprobe ip_vs_rr

ipvs() { ns ilb1 ipvsadm "$@"; }
for v in $V_IPVS_NAT $V_IPVS_DR; do
	m=-m
	[ "$v" = "$V_IPVS_DR" ] && m=-g
	ipvs -A -t "$v:80" -s rr
	ipvs -A -u "$v:9" -s rr
	for s in "$S1" "$S2"; do
		ipvs -a -t "$v:80" -r "$s:80" $m
		ipvs -a -u "$v:9" -r "$s:9" $m
	done
done
for v in $V_ILB_NAT $V_ILB_DR; do
	f=nat
	[ "$v" = "$V_ILB_DR" ] && f=dr
	ilbadm ilb1 service add tcp "$v:80" fwd $f
	ilbadm ilb1 service add udp "$v:9" fwd $f
	p=80
	[ $f = nat ] && p=8081
	for s in "$S1" "$S2"; do
		ilbadm ilb1 server add tcp "$v:80" "$s:$p"
		ilbadm ilb1 server add udp "$v:9" "$s:$((p == 80 ? 9 : 19))"
	done
done

wrk_rate() {	# wrk_rate URL [close]: requests per second
	local hdr=()
	[ "${2:-}" = close ] && hdr=(-H "Connection: close")
	ns c1 wrk -t1 -c32 -d"${DUR}s" "${hdr[@]}" "$1" 2>/dev/null |
		awk '/^Requests\/sec:/ { printf "%d", $2 }'
}

udp_in() {	# datagrams that reached the servers (delivered or no port)
	local s=0 i v
	for i in 1 2; do
		v=$(ns "srv$i" awk '/^Udp: [0-9]/ { print $2 + $3 }' /proc/net/snmp)
		s=$((s + v))
	done
	echo "$s"
}

udp_rate() {	# udp_rate ADDR: datagrams per second reaching the servers
	local before after
	before=$(udp_in)
	ns c1 "$FLOOD" "$1" 9 "$DUR" 64 64 >/dev/null
	sleep 1
	after=$(udp_in)
	echo $(((after - before) / DUR))
}

declare -A R ADDR=([plain]=$S1:8080 [ipvs-nat]=$V_IPVS_NAT [ilb-nat]=$V_ILB_NAT
		   [ipvs-dr]=$V_IPVS_DR [ilb-dr]=$V_ILB_DR)
cols=(plain ipvs-nat ilb-nat ipvs-dr ilb-dr)
echo "== measuring: $ROUNDS rounds, ${DUR}s per figure, wrk -c32, udpflood 64 flows x 64 B"
for r in $(seq 1 "$ROUNDS"); do
	for c in "${cols[@]}"; do
		a=${ADDR[$c]}
		R[$c,new]+=" $(wrk_rate "http://$a/" close)"
		R[$c,ka]+=" $(wrk_rate "http://$a/")"
		R[$c,udp]+=" $(udp_rate "${a%:*}")"
	done
	echo "  round $r done"
done
median() { printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] + 0 }'; }
for c in "${cols[@]}"; do
	for m in new ka udp; do
		echo "  $c $m: ${R[$c,$m]}"
		R[$c,$m]=$(median "${R[$c,$m]}")
	done
done
ilbadm ilb1 stats show | sed 's/^/  ilb node: /'

echo
echo "== ilb vs IPVS vs plain forwarding, $(uname -r), $(nproc) vCPU (TCG), ratio to plain in ()"
printf '%-26s' metric
for c in "${cols[@]}"; do printf '%17s' "$c"; done
echo
for m in new ka udp; do
	case $m in
	new) name="new connections/s" ;;
	ka) name="keep-alive requests/s" ;;
	udp) name="UDP packets/s" ;;
	esac
	printf '%-26s' "$name"
	for c in "${cols[@]}"; do
		v=${R[$c,$m]:-0}
		p=${R[plain,$m]:-0}
		if [ "$p" -gt 0 ]; then
			printf '%10s (%4s)' "$v" "$(awk -v a="$v" -v b="$p" 'BEGIN { printf "%.2f", a / b }')"
		else
			printf '%17s' "$v"
		fi
	done
	echo
done
printf '%-26s' "ilb / IPVS (NAT, DR)"
for m in new ka udp; do
	printf ' %s %s/%s' "$m" \
		"$(awk -v a="${R[ilb-nat,$m]:-0}" -v b="${R[ipvs-nat,$m]:-1}" 'BEGIN { printf "%.2f", a / b }')" \
		"$(awk -v a="${R[ilb-dr,$m]:-0}" -v b="${R[ipvs-dr,$m]:-1}" 'BEGIN { printf "%.2f", a / b }')"
done
echo
echo
echo "== connection entry size (slab object size, bytes)"
for c in ilb_conn ip_vs_conn; do
	if [ -r "/sys/kernel/slab/$c/object_size" ]; then
		echo "  $c: object $(cat "/sys/kernel/slab/$c/object_size"), slot $(cat "/sys/kernel/slab/$c/slab_size")"
	fi
done
echo "ok 1 - benchmark ran"
