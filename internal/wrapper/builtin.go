package wrapper

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Names of the built-in actions every image has.
const (
	// BuiltinExec runs its "command" argument with sh -c inside the container.
	BuiltinExec = "exec"
	// BuiltinCTF writes its "ctf" argument (the flag) to the proof.txt file of
	// the user named by its "username" argument.
	BuiltinCTF = "ctf"
)

// usernameRE is the shape of a non-empty username for BuiltinCTF.
var usernameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// IsBuiltin reports whether name is a built-in action (BuiltinExec or
// BuiltinCTF).
func IsBuiltin(name string) bool {
	return name == BuiltinExec || name == BuiltinCTF
}

// ExecArgv returns the argument vector of the built-in exec action:
// ["sh", "-c", <value of argument "command">]. This is the only place a shell
// is used, because running a shell command line is what the lab asks for.
// The action's arguments are validated first; a missing or blank command is
// an error.
func ExecArgv(a Action) ([]string, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	cmd, ok := a.Arg("command")
	if !ok || strings.TrimSpace(cmd.Value) == "" {
		return nil, fmt.Errorf("action %q: missing or empty argument %q", a.Name, "command")
	}
	return []string{"sh", "-c", cmd.Value}, nil
}

// CTFTarget returns where the built-in ctf action writes its flag and the
// flag text. The flag is the "ctf" argument, which must be present (it may
// be empty). The "username" argument must be empty or match
// ^[a-zA-Z0-9_-]+$: the path is /home/<username>/proof.txt, or
// /root/proof.txt when the username is empty or absent. Arguments must not
// repeat, and the rules declared on the other arguments are checked too; the
// username check above replaces any rule declared on the username, so that
// an empty username always means root.
func CTFTarget(a Action) (path string, flag string, err error) {
	if err := a.checkUnique(); err != nil {
		return "", "", err
	}
	for _, arg := range a.Args {
		if arg.Name == "username" {
			continue // checked below, with its own rule
		}
		if err := arg.validate(); err != nil {
			return "", "", fmt.Errorf("action %q: %w", a.Name, err)
		}
	}
	ctf, ok := a.Arg("ctf")
	if !ok {
		return "", "", fmt.Errorf("action %q: missing argument %q", a.Name, "ctf")
	}
	user, _ := a.Arg("username")
	if user.Value != "" && !usernameRE.MatchString(user.Value) {
		return "", "", fmt.Errorf("action %q: argument %q: value %q does not match pattern %s",
			a.Name, "username", user.Value, usernameRE)
	}
	return proofPath(user.Value), ctf.Value, nil
}

// proofPath returns the proof file of a validated username.
func proofPath(username string) string {
	if username == "" {
		return "/root/proof.txt"
	}
	return path.Join("/home", username, "proof.txt")
}
