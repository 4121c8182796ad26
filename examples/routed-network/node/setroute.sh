#!/bin/sh
# Docker Image Wrapper action "setroute": add (or replace) a static route.
#   /setroute.sh --net 10.231.2.0/24 --via 10.231.1.254
# Runs `ip route replace NET via VIA`, so running it twice is harmless.
# Needs the NET_ADMIN capability. Exits non-zero with a message on bad input.
set -eu

usage() {
	echo "usage: $0 --net A.B.C.D/N --via A.B.C.D" >&2
	exit 2
}
die() {
	echo "setroute: $*" >&2
	exit 1
}

octet='(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
ipv4="$octet\\.$octet\\.$octet\\.$octet"

net=
via=
while [ $# -gt 0 ]; do
	case $1 in
	--net | -n)
		[ $# -ge 2 ] || usage
		net=$2
		shift 2
		;;
	--via | -v)
		[ $# -ge 2 ] || usage
		via=$2
		shift 2
		;;
	--help | -h) usage ;;
	*) die "unknown argument: $1" ;;
	esac
done

[ -n "$net" ] || die "missing --net"
[ -n "$via" ] || die "missing --via"
printf '%s\n' "$net" | grep -Eqx "$ipv4/(3[0-2]|[12]?[0-9])" ||
	die "invalid --net '$net' (expected a subnet such as 10.231.2.0/24)"
printf '%s\n' "$via" | grep -Eqx "$ipv4" ||
	die "invalid --via '$via' (expected an IPv4 address such as 10.231.1.254)"

if ! out=$(ip route replace "$net" via "$via" 2>&1); then
	die "ip route replace $net via $via: $out"
fi
echo "setroute: $net via $via"
ip route show
