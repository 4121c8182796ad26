// Package wrapper implements the Docker Image Wrapper convention of Docker
// Security Playground (DSP).
//
// A wrapped image declares metadata as dot-notation image labels: its type
// (server, entry_point, host, router), default ports, added capabilities,
// whether it runs privileged, and the parametric actions it offers, such as
//
//	actions.adduser.command=/adduser.sh
//	actions.adduser.args.name.val=user
//	actions.adduser.args.name.rule.pattern=^[a-zA-Z0-9_-]+$
//
// ParseLabels turns such labels into an ImageInfo. A lab asks to run actions
// after its containers start; Action.Validate checks the requested argument
// values against their rules and Action.Argv builds the argument vector to
// execute inside the container, as
//
//	<command words> --<arg> <value> ...
//
// The argument vector is meant to be passed to an exec API directly: values
// are never given to a shell, so shell metacharacters in them have no
// meaning. The only exception is the built-in "exec" action (see ExecArgv),
// whose purpose is to run a shell command line written by the lab author.
package wrapper
