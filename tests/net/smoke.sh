#!/bin/bash
echo "TAP version 13"
echo "1..1"
cat /proc/net/ilb/stats && echo "ok 1 - proc" || echo "not ok 1 - proc"
