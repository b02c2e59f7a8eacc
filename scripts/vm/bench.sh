#!/bin/bash
# make bench: plain forwarding, IPVS and ilb through the same node in one
# VM boot. Prints one table; every figure is also given as a ratio to
# plain forwarding. TCG makes absolute numbers small and noisy: compare
# the columns of one run, not runs.
. "$(dirname "$0")/../../tests/net/lib.sh"
DUR=${BENCH_SECONDS:-8}
VIP2=198.51.100.2
FLOOD=$ILB_REPO/build/udpflood

TOPO_RT_BACK=1 topo_build 1 1 2
ns rt ip route add "$VIP2/32" via "$NET_FRONT.11"
ns ilb1 ip addr add "$ILB_VIP/32" dev lo	# IPVS wants local VIPs
ns ilb1 ip addr add "$VIP2/32" dev lo
for i in 1 2; do
	nginx_start "srv$i" 80 "srv$i"
	dr_server "srv$i" "$VIP2"
done
S1=$(server_addr 1) S2=$(server_addr 2)
modprobe ip_vs && modprobe ip_vs_rr

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

declare -A R
measure() {	# measure COLUMN ADDR
	R[$1,new]=$(wrk_rate "http://$2/" close)
	R[$1,ka]=$(wrk_rate "http://$2/")
	R[$1,udp]=$(udp_rate "$2")
	echo "  $1: new ${R[$1,new]} conn/s, keep-alive ${R[$1,ka]} req/s, UDP ${R[$1,udp]} pkt/s"
}

echo "== measuring (${DUR}s per figure, wrk -c32, udpflood 64 flows x 64 B)"
measure plain "$S1"

ipvs() { ns ilb1 ipvsadm "$@"; }
ipvs -A -t "$ILB_VIP:80" -s rr
ipvs -A -u "$ILB_VIP:9" -s rr
for s in "$S1" "$S2"; do
	ipvs -a -t "$ILB_VIP:80" -r "$s:80" -m
	ipvs -a -u "$ILB_VIP:9" -r "$s:9" -m
done
measure ipvs-nat "$ILB_VIP"
ipvs -C
ipvs -A -t "$VIP2:80" -s rr
ipvs -A -u "$VIP2:9" -s rr
for s in "$S1" "$S2"; do
	ipvs -a -t "$VIP2:80" -r "$s:80" -g
	ipvs -a -u "$VIP2:9" -r "$s:9" -g
done
measure ipvs-dr "$VIP2"
ipvs -C

ilbadm ilb1 service add tcp "$ILB_VIP:80"
ilbadm ilb1 service add udp "$ILB_VIP:9"
ilbadm ilb1 service add tcp "$VIP2:80" fwd dr
ilbadm ilb1 service add udp "$VIP2:9" fwd dr
for s in "$S1" "$S2"; do
	ilbadm ilb1 server add tcp "$ILB_VIP:80" "$s"
	ilbadm ilb1 server add udp "$ILB_VIP:9" "$s"
	ilbadm ilb1 server add tcp "$VIP2:80" "$s"
	ilbadm ilb1 server add udp "$VIP2:9" "$s"
done
measure ilb-nat "$ILB_VIP"
measure ilb-dr "$VIP2"
ilbadm ilb1 stats show | sed 's/^/  ilb node: /'

cols=(plain ipvs-nat ilb-nat ipvs-dr ilb-dr)
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
