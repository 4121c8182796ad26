#!/bin/sh
# Docker Image Wrapper action "adduser": create a login user with a password.
#   /adduser.sh --name NAME --password PASSWORD
# Debian's busybox has no adduser/chpasswd applets, so this writes
# /etc/passwd, /etc/group and /etc/shadow itself (the hash comes from
# busybox mkpasswd). Running it again for an existing user only resets the
# password. Exits non-zero with a message on bad input.
set -eu

usage() {
	echo "usage: $0 --name NAME --password PASSWORD" >&2
	exit 2
}
die() {
	echo "adduser: $*" >&2
	exit 1
}

name=
password=
while [ $# -gt 0 ]; do
	case $1 in
	--name | -n)
		[ $# -ge 2 ] || usage
		name=$2
		shift 2
		;;
	--password | -p)
		[ $# -ge 2 ] || usage
		password=$2
		shift 2
		;;
	--help | -h) usage ;;
	*) die "unknown argument: $1" ;;
	esac
done

[ -n "$name" ] || die "missing --name"
[ -n "$password" ] || die "missing --password"
# Same rule as the image label actions.adduser.args.name.rule.pattern.
if ! printf '%s\n' "$name" | grep -Eqx '[a-zA-Z0-9_-]+'; then
	die "invalid user name '$name' (allowed: letters, digits, _ and -)"
fi
case $name in -*) die "invalid user name '$name' (must not start with -)" ;; esac
[ ${#name} -le 32 ] || die "user name too long (32 characters at most)"
case $password in
*:* | *"
"*) die "the password must not contain ':' or a newline" ;;
esac

hash=$(printf '%s\n' "$password" | mkpasswd -m sha512 -P 0) || die "mkpasswd failed"
days=$(($(date +%s) / 86400))

if grep -q "^$name:" /etc/passwd; then
	# Existing user: only replace the password hash.
	tmp=$(mktemp /etc/shadow.XXXXXX)
	awk -F: -v OFS=: -v u="$name" -v h="$hash" -v d="$days" \
		'$1 == u { $2 = h; $3 = d; found = 1 } { print } END { if (!found) print u, h, d, 0, 99999, 7, "", "", "" }' \
		/etc/shadow >"$tmp"
	chmod 600 "$tmp"
	mv "$tmp" /etc/shadow
	echo "adduser: password of $name updated"
	exit 0
fi

# First free uid/gid from 1000.
id=1000
while grep -q "^[^:]*:[^:]*:$id:" /etc/passwd || grep -q "^[^:]*:[^:]*:$id:" /etc/group; do
	id=$((id + 1))
done
home=/home/$name

echo "$name:x:$id:$id:$name:$home:/bin/sh" >>/etc/passwd
echo "$name:x:$id:" >>/etc/group
echo "$name:$hash:$days:0:99999:7:::" >>/etc/shadow
[ ! -f /etc/gshadow ] || echo "$name:!::" >>/etc/gshadow
mkdir -p "$home"
chown "$id:$id" "$home"
chmod 750 "$home"
echo "adduser: created $name (uid $id, home $home)"
