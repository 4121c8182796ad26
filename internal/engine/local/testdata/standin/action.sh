#!/bin/sh
# Records "<script> <args...>" one argument per line block, so tests can
# check the exact argv an action received. adduser also creates the home.
name=$(basename "$0")
{
  echo "== $name"
  for a in "$@"; do echo "[$a]"; done
} >> /tmp/actions.log
if [ "$name" = adduser.sh ]; then
  while [ $# -gt 0 ]; do
    case "$1" in
      --name) mkdir -p "/home/$2"; shift 2 ;;
      *) shift ;;
    esac
  done
fi
exit 0
