package fake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
)

// shell runs scripts the way a tiny sh does: it keeps variables, the
// working folder and the last exit status between the lines it runs.
type shell struct {
	p      *Process // the shell's own process: its container and terminal
	vars   map[string]string
	args   []string // $0, $1…
	dir    string
	status int
	exited bool
}

func newShell(p *Process, args []string) *shell {
	sh := &shell{p: p, vars: map[string]string{}, args: args, dir: p.Dir}
	if sh.dir == "" {
		sh.dir = "/"
	}
	for _, kv := range p.Env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			sh.vars[k] = v
		}
	}
	return sh
}

// run runs a script and returns the status of its last command. A syntax
// error is status 2; an error is returned when a process could not run or
// ctx ended.
func (sh *shell) run(ctx context.Context, script string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	toks, err := tokenize(script)
	if err == nil {
		var list []listItem
		if list, err = parse(toks); err == nil {
			return sh.runList(ctx, list, stdin, stdout, stderr)
		}
	}
	_, _ = fmt.Fprintf(stderr, "sh: syntax error: %v\n", err)
	sh.status = 2
	return 2, nil
}

func (sh *shell) runList(ctx context.Context, list []listItem, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	for _, item := range list {
		if (item.op == "&&" && sh.status != 0) || (item.op == "||" && sh.status == 0) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return sh.status, err
		}
		code, err := sh.runPipeline(ctx, item.pipe, stdin, stdout, stderr)
		if err != nil {
			return code, err
		}
		sh.status = code
		if sh.exited {
			break
		}
	}
	return sh.status, nil
}

// runPipeline runs the commands of a pipeline one after the other, each
// reading what the one before wrote.
func (sh *shell) runPipeline(ctx context.Context, pipe pipeline, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	in, code := stdin, 0
	for i, cmd := range pipe {
		out := stdout
		var buf *bytes.Buffer
		if i < len(pipe)-1 {
			buf = &bytes.Buffer{}
			out = buf
		}
		var err error
		if code, err = sh.runSimple(ctx, cmd, in, out, stderr); err != nil {
			return code, err
		}
		if len(pipe) > 1 {
			sh.exited = false // each command of a pipeline runs in a subshell
		}
		if buf != nil {
			in = bytes.NewReader(buf.Bytes())
		}
	}
	return code, nil
}

// runSimple runs one command with its redirections.
func (sh *shell) runSimple(ctx context.Context, cmd simpleCommand, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	argv := make([]string, len(cmd.words))
	for i, w := range cmd.words {
		argv[i] = sh.expand(w)
	}
	var assigns []string
	for len(argv) > 0 && isAssignment(argv[0]) {
		assigns, argv = append(assigns, argv[0]), argv[1:]
	}
	r := &redirection{sh: sh, stdin: stdin, stdout: stdout, stderr: stderr}
	for _, red := range cmd.redirects {
		if msg := r.apply(red); msg != "" {
			_, _ = fmt.Fprintln(r.stderr, msg)
			return 1, nil
		}
	}
	code, err := sh.dispatch(ctx, argv, assigns, r)
	r.finish()
	return code, err
}

// dispatch runs the shell's own commands, and any other as a process.
func (sh *shell) dispatch(ctx context.Context, argv, assigns []string, r *redirection) (int, error) {
	if len(argv) == 0 {
		for _, a := range assigns {
			k, v, _ := strings.Cut(a, "=")
			sh.vars[k] = v
		}
		return 0, nil
	}
	switch argv[0] {
	case "exit":
		code := sh.status
		if len(argv) > 1 {
			n, err := strconv.Atoi(argv[1])
			if err != nil {
				_, _ = fmt.Fprintf(r.stderr, "sh: exit: Illegal number: %s\n", argv[1])
				n = 2
			}
			code = n & 0xff
		}
		sh.exited = true
		return code, nil
	case "export":
		for _, a := range argv[1:] {
			if k, v, ok := strings.Cut(a, "="); ok {
				sh.vars[k] = v
			}
		}
		return 0, nil
	case "unset":
		for _, k := range argv[1:] {
			delete(sh.vars, k)
		}
		return 0, nil
	case "cd":
		return sh.cd(argv, r.stderr), nil
	}
	env := sh.environ(assigns)
	return sh.p.e.run(ctx, sh.p.child(argv, env, sh.dir, r.stdin, r.stdout, r.stderr))
}

// cd changes the shell's working folder.
func (sh *shell) cd(argv []string, stderr io.Writer) int {
	dir := sh.vars["HOME"]
	if len(argv) > 1 {
		dir = argv[1]
	}
	if dir == "" {
		dir = "/"
	}
	if !path.IsAbs(dir) {
		dir = path.Join(sh.dir, dir)
	}
	if !sh.p.c.files.isDir(dir) {
		_, _ = fmt.Fprintf(stderr, "sh: cd: can't cd to %s: No such file or directory\n", argv[len(argv)-1])
		return 2
	}
	sh.dir = path.Clean(dir)
	return 0
}

// environ is the environment of a command: the shell's variables and the
// command's own assignments.
func (sh *shell) environ(assigns []string) []string {
	env := make([]string, 0, len(sh.vars)+len(assigns))
	for _, k := range sortedKeys(sh.vars) {
		env = append(env, k+"="+sh.vars[k])
	}
	return append(env, assigns...)
}

// expand turns a word into its value: parameters are expanded, never
// split or globbed.
func (sh *shell) expand(w word) string {
	var b strings.Builder
	for _, p := range w {
		if p.param == "" {
			b.WriteString(p.text)
		} else {
			b.WriteString(sh.param(p.param))
		}
	}
	return b.String()
}

func (sh *shell) param(name string) string {
	switch name {
	case "?":
		return strconv.Itoa(sh.status)
	case "#":
		return strconv.Itoa(max(len(sh.args)-1, 0))
	case "@", "*":
		if len(sh.args) < 2 {
			return ""
		}
		return strings.Join(sh.args[1:], " ")
	case "$":
		return "1"
	}
	if n, err := strconv.Atoi(name); err == nil {
		if n < len(sh.args) {
			return sh.args[n]
		}
		return ""
	}
	return sh.vars[name]
}

func isAssignment(s string) bool {
	name, _, ok := strings.Cut(s, "=")
	return ok && isName(name)
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// redirection holds a command's streams once its redirections apply, and
// the files its output goes to.
type redirection struct {
	sh             *shell
	stdin          io.Reader
	stdout, stderr io.Writer
	pending        []pendingWrite
}

type pendingWrite struct {
	path string
	buf  *bytes.Buffer
}

// apply applies one redirection; it returns the shell's complaint when the
// file cannot be opened.
func (r *redirection) apply(red redirect) string {
	switch red.op {
	case "2>&1":
		r.stderr = r.stdout
		return ""
	case ">&2":
		r.stdout = r.stderr
		return ""
	}
	target := r.sh.expand(red.target)
	if target == "/dev/null" {
		switch red.op {
		case "<":
			r.stdin = strings.NewReader("")
		case ">", ">>":
			r.stdout = io.Discard
		default:
			r.stderr = io.Discard
		}
		return ""
	}
	files := r.sh.p.c.files
	abs := target
	if !path.IsAbs(abs) {
		abs = path.Join(r.sh.dir, abs)
	}
	if red.op == "<" {
		data, err := files.readFile(abs)
		if err != nil {
			return fmt.Sprintf("sh: can't open %s: no such file", target)
		}
		r.stdin = bytes.NewReader(data)
		return ""
	}
	truncate := red.op == ">" || red.op == "2>"
	if err := files.writeFile(abs, nil, 0o644, !truncate); err != nil {
		if errors.Is(err, errIsDir) {
			return fmt.Sprintf("sh: can't create %s: Is a directory", target)
		}
		return fmt.Sprintf("sh: can't create %s: nonexistent directory", target)
	}
	buf := &bytes.Buffer{}
	r.pending = append(r.pending, pendingWrite{path: abs, buf: buf})
	if strings.HasPrefix(red.op, "2") {
		r.stderr = buf
	} else {
		r.stdout = buf
	}
	return ""
}

// finish writes the redirected output to its files.
func (r *redirection) finish() {
	for _, w := range r.pending {
		_ = r.sh.p.c.files.writeFile(w.path, w.buf.Bytes(), 0o644, true)
	}
}

// A script is a list of pipelines joined by ;, && and ||; a pipeline is a
// list of simple commands joined by |; a simple command is words and
// redirections. Words are lists of parts: literal text and parameters.
type (
	part struct {
		text  string
		param string // the parameter to expand ("HOME", "?", "1"); "" for text
	}
	word     []part
	redirect struct {
		op     string // <, >, >>, >&2, 2>, 2>>, 2>&1
		target word
	}
	simpleCommand struct {
		words     []word
		redirects []redirect
	}
	pipeline []simpleCommand
	listItem struct {
		op   string // how it joins the item before: ;, && or ||
		pipe pipeline
	}
	token struct {
		op   string // an operator; "" for a word
		word word
	}
)

func (c simpleCommand) empty() bool { return len(c.words) == 0 && len(c.redirects) == 0 }

// tokenize splits a script into words and operators.
func tokenize(s string) ([]token, error) {
	t := &tokenizer{rs: []rune(s)}
	for t.i = 0; t.i < len(t.rs); t.i++ {
		if err := t.step(); err != nil {
			return nil, err
		}
	}
	t.flush()
	return t.toks, nil
}

type tokenizer struct {
	rs     []rune
	i      int
	toks   []token
	cur    word
	inWord bool
}

func (t *tokenizer) flush() {
	if t.inWord {
		t.toks = append(t.toks, token{word: t.cur})
	}
	t.cur, t.inWord = nil, false
}

func (t *tokenizer) op(op string) {
	t.flush()
	t.toks = append(t.toks, token{op: op})
}

func (t *tokenizer) lit(s string) {
	t.cur = append(t.cur, part{text: s})
	t.inWord = true
}

// next returns the rune after the current one, or 0.
func (t *tokenizer) next(n int) rune {
	if t.i+n < len(t.rs) {
		return t.rs[t.i+n]
	}
	return 0
}

// step reads the token material at t.i.
func (t *tokenizer) step() error {
	switch r := t.rs[t.i]; {
	case r == ' ' || r == '\t' || r == '\r':
		t.flush()
	case r == '\n' || r == ';':
		t.op(";")
	case r == '#' && !t.inWord:
		for t.i+1 < len(t.rs) && t.rs[t.i+1] != '\n' {
			t.i++
		}
	case r == '&' || r == '|':
		if t.next(1) == r {
			t.i++
			t.op(string([]rune{r, r}))
		} else if r == '|' {
			t.op("|")
		} else {
			t.op(";") // a background job runs in the foreground here
		}
	case r == '>' || r == '<':
		t.redirectOp("")
	case r == '2' && !t.inWord && t.next(1) == '>':
		t.i++
		t.redirectOp("2")
	case r == '\'':
		end := t.i + 1
		for end < len(t.rs) && t.rs[end] != '\'' {
			end++
		}
		if end == len(t.rs) {
			return errors.New("unterminated quoted string")
		}
		t.lit(string(t.rs[t.i+1 : end]))
		t.i = end
	case r == '"':
		return t.doubleQuoted()
	case r == '\\':
		if t.i+1 < len(t.rs) {
			t.i++
			if t.rs[t.i] != '\n' {
				t.lit(string(t.rs[t.i]))
			}
		}
	case r == '$':
		t.dollar()
	default:
		t.lit(string(r))
	}
	return nil
}

// redirectOp reads >, >>, >&2, <, and with fd "2": 2>, 2>> and 2>&1.
func (t *tokenizer) redirectOp(fd string) {
	r := t.rs[t.i]
	switch {
	case r == '>' && fd == "2" && t.next(1) == '&' && t.next(2) == '1':
		t.i += 2
		t.op("2>&1")
	case r == '>' && fd == "" && t.next(1) == '&' && t.next(2) == '2':
		t.i += 2
		t.op(">&2")
	case r == '>' && t.next(1) == '>':
		t.i++
		t.op(fd + ">>")
	default:
		t.op(fd + string(r))
	}
}

// doubleQuoted reads a "…" string: parameters expand, \ escapes $ " \ `.
func (t *tokenizer) doubleQuoted() error {
	t.inWord = true
	for t.i++; t.i < len(t.rs); t.i++ {
		switch r := t.rs[t.i]; r {
		case '"':
			return nil
		case '\\':
			if n := t.next(1); n == '$' || n == '"' || n == '\\' || n == '`' || n == '\n' {
				t.i++
				if n != '\n' {
					t.lit(string(n))
				}
			} else {
				t.lit(`\`)
			}
		case '$':
			t.dollar()
		default:
			t.lit(string(r))
		}
	}
	return errors.New("unterminated quoted string")
}

// dollar reads a parameter: $NAME, ${NAME}, $?, $#, $@, $*, $$, $0…$9.
func (t *tokenizer) dollar() {
	n := t.next(1)
	switch {
	case n == '{':
		end := t.i + 2
		for end < len(t.rs) && t.rs[end] != '}' {
			end++
		}
		if end < len(t.rs) {
			t.cur = append(t.cur, part{param: string(t.rs[t.i+2 : end])})
			t.inWord = true
			t.i = end
			return
		}
	case strings.ContainsRune("?#@*$0123456789", n):
		t.cur = append(t.cur, part{param: string(n)})
		t.inWord = true
		t.i++
		return
	case n == '_' || (n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z'):
		end := t.i + 1
		for end < len(t.rs) && isName(string(t.rs[t.i+1:end+1])) {
			end++
		}
		t.cur = append(t.cur, part{param: string(t.rs[t.i+1 : end])})
		t.inWord = true
		t.i = end - 1
		return
	}
	t.lit("$")
}

// parse turns tokens into a list of pipelines.
func parse(toks []token) ([]listItem, error) {
	var (
		list []listItem
		pipe pipeline
		cmd  simpleCommand
		join = ";"
	)
	for i := 0; i < len(toks); i++ {
		switch t := toks[i]; t.op {
		case "":
			cmd.words = append(cmd.words, t.word)
		case "2>&1", ">&2":
			cmd.redirects = append(cmd.redirects, redirect{op: t.op})
		case "<", ">", ">>", "2>", "2>>":
			if i+1 == len(toks) || toks[i+1].op != "" {
				return nil, fmt.Errorf("no file after %s", t.op)
			}
			i++
			cmd.redirects = append(cmd.redirects, redirect{op: t.op, target: toks[i].word})
		case "|":
			if cmd.empty() {
				return nil, errors.New("unexpected |")
			}
			pipe, cmd = append(pipe, cmd), simpleCommand{}
		default: // ;, &&, ||
			if cmd.empty() {
				if len(pipe) > 0 || t.op != ";" {
					return nil, fmt.Errorf("unexpected %s", t.op)
				}
				continue
			}
			list = append(list, listItem{op: join, pipe: append(pipe, cmd)})
			pipe, cmd, join = nil, simpleCommand{}, t.op
		}
	}
	switch {
	case !cmd.empty():
		list = append(list, listItem{op: join, pipe: append(pipe, cmd)})
	case len(pipe) > 0 || join != ";":
		return nil, errors.New("unexpected end of file")
	}
	return list, nil
}

// sortedEnv returns an environment sorted by name, for env.
func sortedEnv(env []string) []string {
	out := append([]string{}, env...)
	sort.Strings(out)
	return out
}
