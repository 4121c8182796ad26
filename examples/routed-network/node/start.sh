#!/bin/sh
# Default PID 1 of dsp-examples/routed-node: start the web server when
# HTTPD_ROOT names a folder (the victim), then sleep. Like most lab images it
# does not handle SIGTERM, so a stop waits for the stop timeout before SIGKILL.
if [ -n "${HTTPD_ROOT:-}" ]; then
	httpd -p "${HTTPD_PORT:-80}" -h "$HTTPD_ROOT"
	echo "routed-node: httpd on :${HTTPD_PORT:-80} serving $HTTPD_ROOT"
fi
echo "routed-node: $(hostname) up"
ip -4 -o addr show scope global | awk '{ print "routed-node:   " $2 " " $4 }'
exec sleep infinity
