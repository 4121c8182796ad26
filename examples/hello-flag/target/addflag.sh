#!/bin/sh
# Docker Image Wrapper action "addflag": write a flag into a file.
#   /addflag.sh --flag FLAG --path /absolute/path/to/file
# The file is created (with its directory) readable by everyone; when it is
# under /home/<user>/ it is owned by that user.
set -eu

usage() {
	echo "usage: $0 --flag FLAG --path /ABSOLUTE/PATH" >&2
	exit 2
}
die() {
	echo "addflag: $*" >&2
	exit 1
}

flag=
path=
while [ $# -gt 0 ]; do
	case $1 in
	--flag | -f)
		[ $# -ge 2 ] || usage
		flag=$2
		shift 2
		;;
	--path | -p)
		[ $# -ge 2 ] || usage
		path=$2
		shift 2
		;;
	--help | -h) usage ;;
	*) die "unknown argument: $1" ;;
	esac
done

[ -n "$flag" ] || die "missing --flag"
[ -n "$path" ] || die "missing --path"
case $flag in *"
"*) die "the flag must be a single line" ;; esac
# Same rule as the image label actions.addflag.args.path.rule.pattern.
if ! printf '%s\n' "$path" | grep -Eqx '/[a-zA-Z0-9_./-]+'; then
	die "invalid path '$path' (absolute; letters, digits, _ . / - only)"
fi
case /$path/ in */../* | */./*) die "invalid path '$path' (no . or .. components)" ;; esac
case $path in */) die "invalid path '$path' (names a directory)" ;; esac

dir=${path%/*}
mkdir -p "${dir:-/}"
printf '%s\n' "$flag" >"$path"
chmod 644 "$path"
case $path in
/home/*/*)
	user=${path#/home/}
	user=${user%%/*}
	ids=$(awk -F: -v u="$user" '$1 == u { print $3 ":" $4; exit }' /etc/passwd)
	[ -z "$ids" ] || chown "$ids" "$path"
	;;
esac
echo "addflag: wrote flag to $path"
