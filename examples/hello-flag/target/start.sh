#!/bin/sh
# PID 1 of dsp-examples/hello-target: telnetd on 23 and httpd on 80 in the
# background, then sleep. Like most lab images it does not handle SIGTERM,
# so a stop waits for the stop timeout (x-dsp stop_timeout) before SIGKILL.
telnetd -p 23 -l /bin/login
httpd -p 80 -h /var/www
echo "hello-target: telnetd on :23, httpd on :80"
exec sleep infinity
