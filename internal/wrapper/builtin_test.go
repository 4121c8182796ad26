package wrapper

import (
	"reflect"
	"testing"
)

func TestIsBuiltin(t *testing.T) {
	tests := map[string]bool{
		"exec": true, "ctf": true,
		"Exec": false, "addctf": false, "adduser": false, "": false, "exec ": false,
	}
	for name, want := range tests {
		if got := IsBuiltin(name); got != want {
			t.Errorf("IsBuiltin(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestExecArgv(t *testing.T) {
	tests := []struct {
		name    string
		args    []Arg
		want    []string
		wantErr string
	}{
		{
			name: "quotes and dollars unchanged",
			args: []Arg{{Name: "command", Value: `echo "john:\$\$.WL" > /home/a/b; echo '$HOME'`}},
			want: []string{"sh", "-c", `echo "john:\$\$.WL" > /home/a/b; echo '$HOME'`},
		},
		{
			name: "multi-line",
			args: []Arg{{Name: "command", Value: "chmod +wrxs /oracologame; mv /oracologame  /home/hackme/oracologame\nid"}},
			want: []string{"sh", "-c", "chmod +wrxs /oracologame; mv /oracologame  /home/hackme/oracologame\nid"},
		},
		{
			name: "other args ignored",
			args: []Arg{{Name: "other", Value: "x"}, {Name: "command", Value: "mkdir hello"}},
			want: []string{"sh", "-c", "mkdir hello"},
		},
		{name: "missing", args: []Arg{{Name: "cmd", Value: "ls"}}, wantErr: `action "exec": missing or empty argument "command"`},
		{name: "no args", wantErr: `missing or empty argument "command"`},
		{name: "empty", args: []Arg{{Name: "command", Value: ""}}, wantErr: `missing or empty argument "command"`},
		{name: "blank", args: []Arg{{Name: "command", Value: " \n\t"}}, wantErr: `missing or empty argument "command"`},
		{
			name:    "declared rule enforced",
			args:    []Arg{{Name: "command", Value: "rm -rf /", Rule: Rule{Pattern: `^ls`}}},
			wantErr: `action "exec": argument "command": value "rm -rf /" does not match pattern ^ls`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ExecArgv(Action{Name: BuiltinExec, Args: tt.args})
			checkErr(t, err, tt.wantErr)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("argv = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCTFTarget(t *testing.T) {
	tests := []struct {
		name     string
		args     []Arg
		wantPath string
		wantFlag string
		wantErr  string
	}{
		{
			name:     "empty username goes to root",
			args:     []Arg{{Name: "ctf", Value: "FLAG{x}"}, {Name: "username", Value: ""}},
			wantPath: "/root/proof.txt", wantFlag: "FLAG{x}",
		},
		{
			name:     "missing username goes to root",
			args:     []Arg{{Name: "ctf", Value: "FLAG{x}"}},
			wantPath: "/root/proof.txt", wantFlag: "FLAG{x}",
		},
		{
			name:     "username set",
			args:     []Arg{{Name: "username", Value: "john_il_re"}, {Name: "ctf", Value: "BB1EA70A8892EAC5EBE642054D91733"}},
			wantPath: "/home/john_il_re/proof.txt", wantFlag: "BB1EA70A8892EAC5EBE642054D91733",
		},
		{
			name:     "flag text kept verbatim",
			args:     []Arg{{Name: "ctf", Value: "This is my secret $(id) `x` 'y'\n"}, {Name: "username", Value: "jack"}},
			wantPath: "/home/jack/proof.txt", wantFlag: "This is my secret $(id) `x` 'y'\n",
		},
		{
			name:     "empty flag allowed",
			args:     []Arg{{Name: "ctf", Value: ""}, {Name: "username", Value: "jack"}},
			wantPath: "/home/jack/proof.txt", wantFlag: "",
		},
		{
			name:     "declared + rule on username does not reject empty",
			args:     []Arg{{Name: "ctf", Value: "f"}, {Name: "username", Value: "", Rule: userRule}},
			wantPath: "/root/proof.txt", wantFlag: "f",
		},
		{name: "traversal", args: []Arg{{Name: "ctf", Value: "f"}, {Name: "username", Value: "../etc"}},
			wantErr: `action "ctf": argument "username": value "../etc" does not match pattern ^[a-zA-Z0-9_-]+$`},
		{name: "dot-dot", args: []Arg{{Name: "ctf", Value: "f"}, {Name: "username", Value: ".."}}, wantErr: `value ".." does not match`},
		{name: "slash", args: []Arg{{Name: "ctf", Value: "f"}, {Name: "username", Value: "a/b"}}, wantErr: `value "a/b" does not match`},
		{name: "absolute", args: []Arg{{Name: "ctf", Value: "f"}, {Name: "username", Value: "/etc"}}, wantErr: `value "/etc" does not match`},
		{name: "space", args: []Arg{{Name: "ctf", Value: "f"}, {Name: "username", Value: "a b"}}, wantErr: `value "a b" does not match`},
		{name: "missing ctf", args: []Arg{{Name: "username", Value: "jack"}}, wantErr: `action "ctf": missing argument "ctf"`},
		{name: "no args", wantErr: `missing argument "ctf"`},
		{
			name:    "declared rule on the flag enforced",
			args:    []Arg{{Name: "ctf", Value: "nope", Rule: Rule{Pattern: `^FLAG\{`}}},
			wantErr: `action "ctf": argument "ctf": value "nope" does not match pattern ^FLAG\{`,
		},
		{
			name:    "duplicate username",
			args:    []Arg{{Name: "ctf", Value: "f"}, {Name: "username", Value: "a"}, {Name: "username", Value: "../x"}},
			wantErr: `argument "username" is declared twice`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, flag, err := CTFTarget(Action{Name: BuiltinCTF, Args: tt.args})
			checkErr(t, err, tt.wantErr)
			if path != tt.wantPath || flag != tt.wantFlag {
				t.Errorf("CTFTarget = %q, %q; want %q, %q", path, flag, tt.wantPath, tt.wantFlag)
			}
		})
	}
}
