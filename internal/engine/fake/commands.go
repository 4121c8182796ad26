package fake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// The fake's commands write what busybox writes, close enough for tests
// that read their output.

func cmdEcho(_ context.Context, p *Process) (int, error) {
	args, newline, escapes := p.Argv[1:], true, false
	for len(args) > 0 && (args[0] == "-n" || args[0] == "-e" || args[0] == "-ne" || args[0] == "-en") {
		newline = newline && !strings.Contains(args[0], "n")
		escapes = escapes || strings.Contains(args[0], "e")
		args = args[1:]
	}
	s := strings.Join(args, " ")
	if escapes {
		s = unescape(s)
	}
	if newline {
		s += "\n"
	}
	_, _ = io.WriteString(p.Stdout, s)
	return 0, nil
}

// unescape interprets \n, \t, \\ and \r.
func unescape(s string) string {
	return strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\r`, "\r", `\\`, `\`).Replace(s)
}

// cmdPrintf knows %s, %d, %% and the escapes of unescape; extra
// arguments repeat the format, as printf does.
func cmdPrintf(_ context.Context, p *Process) (int, error) {
	if len(p.Argv) < 2 {
		_, _ = fmt.Fprintln(p.Stderr, "printf: usage: printf FORMAT [ARGUMENT...]")
		return 1, nil
	}
	format, args := unescape(p.Argv[1]), p.Argv[2:]
	for {
		var b strings.Builder
		used := 0
		for i := 0; i < len(format); i++ {
			if format[i] != '%' || i+1 == len(format) {
				b.WriteByte(format[i])
				continue
			}
			i++
			switch format[i] {
			case '%':
				b.WriteByte('%')
			case 's', 'd':
				if used < len(args) {
					b.WriteString(args[used])
				} else if format[i] == 'd' {
					b.WriteString("0")
				}
				used++
			default:
				b.WriteByte('%')
				b.WriteByte(format[i])
			}
		}
		_, _ = io.WriteString(p.Stdout, b.String())
		if args = args[min(used, len(args)):]; used == 0 || len(args) == 0 {
			return 0, nil
		}
	}
}

func cmdCat(_ context.Context, p *Process) (int, error) {
	files := p.Argv[1:]
	if len(files) == 0 {
		files = []string{"-"}
	}
	code := 0
	for _, name := range files {
		if name == "-" {
			if _, err := io.Copy(p.Stdout, p.Stdin); err != nil {
				return 1, nil
			}
			continue
		}
		data, err := p.ReadFile(name)
		switch {
		case errors.Is(err, errIsDir):
			_, _ = fmt.Fprintln(p.Stderr, "cat: read error: Is a directory")
			code = 1
		case err != nil:
			_, _ = fmt.Fprintf(p.Stderr, "cat: can't open '%s': No such file or directory\n", name)
			code = 1
		default:
			_, _ = p.Stdout.Write(data)
		}
	}
	return code, nil
}

func cmdTest(_ context.Context, p *Process) (int, error) {
	args := p.Argv[1:]
	if strings.HasSuffix(p.Argv[0], "[") {
		if len(args) == 0 || args[len(args)-1] != "]" {
			_, _ = fmt.Fprintln(p.Stderr, "[: missing ]")
			return 2, nil
		}
		args = args[:len(args)-1]
	}
	ok, err := p.evalTest(args)
	if err != nil {
		_, _ = fmt.Fprintf(p.Stderr, "test: %v\n", err)
		return 2, nil
	}
	if ok {
		return 0, nil
	}
	return 1, nil
}

// evalTest evaluates test's expressions: ! EXPR, STRING, -e -f -d -s -x -L
// -h -r -w FILE, -n -z STRING, = != and the integer comparisons.
func (p *Process) evalTest(args []string) (bool, error) {
	if len(args) > 0 && args[0] == "!" {
		ok, err := p.evalTest(args[1:])
		return !ok, err
	}
	switch len(args) {
	case 0:
		return false, nil
	case 1:
		return args[0] != "", nil
	case 2:
		return p.unaryTest(args[0], args[1])
	case 3:
		return binaryTest(args[0], args[1], args[2])
	}
	return false, errors.New("too many arguments")
}

func (p *Process) unaryTest(op, arg string) (bool, error) {
	switch op {
	case "-n":
		return arg != "", nil
	case "-z":
		return arg == "", nil
	case "-L", "-h":
		st, err := p.c.files.stat(p.abs(arg))
		return err == nil && st.Mode&fs.ModeSymlink != 0, nil
	}
	mode, exists := p.c.files.modeOf(p.abs(arg))
	switch op {
	case "-e", "-r", "-w":
		return exists, nil
	case "-f":
		return exists && mode.IsRegular(), nil
	case "-d":
		return exists && mode.IsDir(), nil
	case "-x":
		return exists && mode.Perm()&0o111 != 0, nil
	case "-s":
		data, err := p.ReadFile(arg)
		return exists && (mode.IsDir() || (err == nil && len(data) > 0)), nil
	}
	return false, fmt.Errorf("%s: unknown operand", op)
}

func binaryTest(a, op, b string) (bool, error) {
	switch op {
	case "=", "==":
		return a == b, nil
	case "!=":
		return a != b, nil
	}
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA != nil || errB != nil {
		return false, fmt.Errorf("%s: unknown operand", op)
	}
	switch op {
	case "-eq":
		return x == y, nil
	case "-ne":
		return x != y, nil
	case "-lt":
		return x < y, nil
	case "-le":
		return x <= y, nil
	case "-gt":
		return x > y, nil
	case "-ge":
		return x >= y, nil
	}
	return false, fmt.Errorf("%s: unknown operand", op)
}

// cmdSleep waits SECONDS (or forever: infinity) or until the process is
// ended.
func cmdSleep(ctx context.Context, p *Process) (int, error) {
	if len(p.Argv) < 2 {
		_, _ = fmt.Fprintln(p.Stderr, "sleep: missing operand")
		return 1, nil
	}
	var wait <-chan time.Time
	if p.Argv[1] != "infinity" {
		secs, err := strconv.ParseFloat(strings.TrimSuffix(p.Argv[1], "s"), 64)
		if err != nil || secs < 0 {
			_, _ = fmt.Fprintf(p.Stderr, "sleep: invalid number '%s'\n", p.Argv[1])
			return 1, nil
		}
		timer := time.NewTimer(time.Duration(secs * float64(time.Second)))
		defer timer.Stop()
		wait = timer.C
	}
	select {
	case <-wait:
		return 0, nil
	case <-ctx.Done():
		return 130, ctx.Err()
	}
}

func cmdMkdir(_ context.Context, p *Process) (int, error) {
	parents, code := false, 0
	for _, arg := range p.Argv[1:] {
		if arg == "-p" {
			parents = true
			continue
		}
		var err error
		if parents {
			err = p.c.files.mkdirAll(p.abs(arg), 0o755)
		} else {
			err = p.c.files.mkdir(p.abs(arg), 0o755)
		}
		switch {
		case errors.Is(err, fs.ErrExist):
			_, _ = fmt.Fprintf(p.Stderr, "mkdir: can't create directory '%s': File exists\n", arg)
			code = 1
		case err != nil:
			_, _ = fmt.Fprintf(p.Stderr, "mkdir: can't create directory '%s': No such file or directory\n", arg)
			code = 1
		}
	}
	return code, nil
}

func cmdTouch(_ context.Context, p *Process) (int, error) {
	code := 0
	for _, arg := range p.Argv[1:] {
		if err := p.c.files.writeFile(p.abs(arg), nil, 0o644, true); err != nil {
			_, _ = fmt.Fprintf(p.Stderr, "touch: %s: No such file or directory\n", arg)
			code = 1
		}
	}
	return code, nil
}

func cmdRm(_ context.Context, p *Process) (int, error) {
	recursive, force, code := false, false, 0
	var paths []string
	for _, arg := range p.Argv[1:] {
		if strings.HasPrefix(arg, "-") && len(arg) > 1 {
			recursive = recursive || strings.ContainsAny(arg, "rR")
			force = force || strings.Contains(arg, "f")
			continue
		}
		paths = append(paths, arg)
	}
	for _, arg := range paths {
		err := p.c.files.remove(p.abs(arg), recursive)
		switch {
		case err == nil:
		case errors.Is(err, errIsDir):
			_, _ = fmt.Fprintf(p.Stderr, "rm: '%s' is a directory\n", arg)
			code = 1
		case !force:
			_, _ = fmt.Fprintf(p.Stderr, "rm: can't remove '%s': No such file or directory\n", arg)
			code = 1
		}
	}
	return code, nil
}

func cmdHostname(_ context.Context, p *Process) (int, error) {
	_, _ = fmt.Fprintln(p.Stdout, p.c.hostname)
	return 0, nil
}

func cmdEnv(_ context.Context, p *Process) (int, error) {
	for _, kv := range sortedEnv(p.Env) {
		_, _ = fmt.Fprintln(p.Stdout, kv)
	}
	return 0, nil
}

// cmdStty knows "stty size" on a session's terminal; any other setting is
// accepted and ignored there.
func cmdStty(_ context.Context, p *Process) (int, error) {
	if p.term == nil {
		_, _ = fmt.Fprintf(p.Stderr, "stty: %v\n", errNoTTY)
		return 1, nil
	}
	if len(p.Argv) > 1 && p.Argv[1] == "size" {
		cols, rows := p.term.size()
		_, _ = fmt.Fprintf(p.Stdout, "%d %d\n", rows, cols)
	}
	return 0, nil
}

// cmdSh runs a script: -c SCRIPT [NAME ARGS…], a file, or standard input.
func cmdSh(ctx context.Context, p *Process) (int, error) {
	args := p.Argv[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-c" && args[0] != "-s" && args[0] != "-" {
		args = args[1:] // -e, -x, -i…: accepted, not modelled
	}
	switch {
	case len(args) > 0 && args[0] == "-c":
		if len(args) < 2 {
			_, _ = fmt.Fprintf(p.Stderr, "%s: -c requires an argument\n", p.Argv[0])
			return 2, nil
		}
		positional := append([]string{p.Argv[0]}, args[2:]...)
		if len(args) > 2 {
			positional = args[2:]
		}
		return newShell(p, positional).run(ctx, args[1], p.Stdin, p.Stdout, p.Stderr)
	case len(args) == 0 || args[0] == "-s" || args[0] == "-":
		script, err := io.ReadAll(p.Stdin)
		if err != nil {
			return 1, nil
		}
		return newShell(p, []string{p.Argv[0]}).run(ctx, string(script), strings.NewReader(""), p.Stdout, p.Stderr)
	default:
		script, err := p.ReadFile(args[0])
		if err != nil {
			_, _ = fmt.Fprintf(p.Stderr, "%s: can't open '%s': No such file or directory\n", p.Argv[0], args[0])
			return 2, nil
		}
		return newShell(p, args).run(ctx, string(script), p.Stdin, p.Stdout, p.Stderr)
	}
}
