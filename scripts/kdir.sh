#!/bin/sh
# Print the kernel build tree to build ilb.ko against: the running kernel's
# when it has one, else the newest one installed under /lib/modules.
set -e
run=/lib/modules/$(uname -r)/build
if [ -d "$run" ]; then
	echo "$run"
	exit 0
fi
best=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)
[ -n "$best" ] && echo "$best"
