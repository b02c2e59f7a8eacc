#!/bin/sh
# Print the kernel build tree to build ilb.ko against: the running kernel's
# when it has one, else that of Debian's stock kernel (the one the
# linux-headers-amd64 package points at), else the newest installed.
set -e
run=/lib/modules/$(uname -r)/build
if [ -d "$run" ]; then
	echo "$run"
	exit 0
fi
stock=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
if [ -n "$stock" ] && [ -d "/lib/modules/$stock/build" ]; then
	echo "/lib/modules/$stock/build"
	exit 0
fi
best=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)
[ -n "$best" ] && echo "$best"
