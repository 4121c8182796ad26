package wrapper

import (
	"reflect"
	"testing"
)

// userRule is the rule upstream images put on user names and passwords.
var userRule = Rule{Pattern: `^[a-zA-Z0-9_-]+$`}

func TestActionArgv(t *testing.T) {
	tests := []struct {
		name    string
		action  Action
		want    []string
		wantErr string
	}{
		{
			name: "upstream adduser",
			action: Action{Name: "adduser", Command: "/adduser.sh", Args: []Arg{
				{Name: "name", Value: "user", Type: "text", Rule: userRule},
				{Name: "password", Value: "password", Type: "text", Rule: userRule},
			}},
			want: []string{"/adduser.sh", "--name", "user", "--password", "password"},
		},
		{
			name: "exec.sh with trailing space keeps quotes and dollars in one element",
			action: Action{Name: "exec", Command: "/exec.sh ", Args: []Arg{
				{Name: "command", Value: `echo "john_il_re:\$\$.WLtCoea4dw" > /home/administrator/backup_password`, Type: "text"},
			}},
			want: []string{"/exec.sh", "--command", `echo "john_il_re:\$\$.WLtCoea4dw" > /home/administrator/backup_password`},
		},
		{
			name: "shell metacharacters are plain bytes",
			action: Action{Name: "sed", Command: "/sed.sh ", Args: []Arg{
				{Name: "string_one", Value: "a; rm -rf / && $(id) `id` | cat > /x"},
				{Name: "string_two", Value: "'\"\\\n*?~"},
			}},
			want: []string{"/sed.sh", "--string_one", "a; rm -rf / && $(id) `id` | cat > /x", "--string_two", "'\"\\\n*?~"},
		},
		{
			name: "value starting with a dash stays the flag's value",
			action: Action{Name: "firewall", Command: "/firewall.sh", Args: []Arg{
				{Name: "rule", Value: "-A FORWARD -s 192.168.2.50 -j ACCEPT", Type: "text"},
			}},
			want: []string{"/firewall.sh", "--rule", "-A FORWARD -s 192.168.2.50 -j ACCEPT"},
		},
		{
			name:   "several command words",
			action: Action{Name: "x", Command: "  /bin/foo   bar\t", Args: []Arg{{Name: "k", Value: "v"}}},
			want:   []string{"/bin/foo", "bar", "-k", "v"},
		},
		{
			name:   "no args",
			action: Action{Name: "start_apache", Command: "/start_apache.sh"},
			want:   []string{"/start_apache.sh"},
		},
		{
			name: "empty text value is its own element",
			action: Action{Name: "setgw", Command: "/setgw.sh", Args: []Arg{
				{Name: "gateway", Value: ""},
				{Name: "x", Value: ""},
			}},
			want: []string{"/setgw.sh", "--gateway", "", "-x", ""},
		},
		{
			name: "one-letter flags",
			action: Action{Name: "t", Command: "/t.sh", Args: []Arg{
				{Name: "n", Value: "5"},
				{Name: "v", Value: "true", Type: "boolean"},
				{Name: "q", Value: "false", Type: "boolean"},
				{Name: "nn", Value: "6"},
			}},
			want: []string{"/t.sh", "-n", "5", "-v", "--nn", "6"},
		},
		{
			name: "booleans",
			action: Action{Name: "b", Command: "/b.sh", Args: []Arg{
				{Name: "t1", Value: "true", Type: "boolean"},
				{Name: "t2", Value: "TRUE", Type: "boolean"},
				{Name: "t3", Value: "1", Type: "boolean"},
				{Name: "f1", Value: "false", Type: "boolean"},
				{Name: "f2", Value: "False", Type: "boolean"},
				{Name: "f3", Value: "0", Type: "boolean"},
				{Name: "f4", Value: "", Type: "boolean"},
				{Name: "last", Value: "x"},
			}},
			want: []string{"/b.sh", "--t1", "--t2", "--t3", "--last", "x"},
		},
		{
			name:   "argument order is kept",
			action: Action{Name: "o", Command: "/o", Args: []Arg{{Name: "z", Value: "1"}, {Name: "a", Value: "2"}}},
			want:   []string{"/o", "-z", "1", "-a", "2"},
		},
		{
			name:    "empty command",
			action:  Action{Name: "nocmd", Args: []Arg{{Name: "k", Value: "v"}}},
			wantErr: `action "nocmd": no command`,
		},
		{
			name:    "blank command",
			action:  Action{Name: "blank", Command: " \t "},
			wantErr: `action "blank": no command`,
		},
		{
			name: "rule violation",
			action: Action{Name: "adduser", Command: "/adduser.sh", Args: []Arg{
				{Name: "name", Value: "a b", Rule: userRule},
			}},
			wantErr: `action "adduser": argument "name": value "a b" does not match pattern ^[a-zA-Z0-9_-]+$`,
		},
		{
			name: "invalid boolean",
			action: Action{Name: "b", Command: "/b.sh", Args: []Arg{
				{Name: "verbose", Value: "yes", Type: "boolean"},
			}},
			wantErr: `action "b": argument "verbose": value "yes" is not a boolean`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.action.Argv()
			checkErr(t, err, tt.wantErr)
			if tt.wantErr != "" {
				if got != nil {
					t.Errorf("argv = %q on error, want nil", got)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("argv =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestActionValidate(t *testing.T) {
	cmd := "/a.sh"
	tests := []struct {
		name    string
		args    []Arg
		wantErr string
	}{
		{"no args", nil, ""},
		{"text default type", []Arg{{Name: "a", Value: "x"}}, ""},
		{"explicit text", []Arg{{Name: "a", Value: "x", Type: "text"}}, ""},
		{"name with dot dash underscore", []Arg{{Name: "db.name_2-x", Value: "x"}}, ""},
		{"digit-first name", []Arg{{Name: "2fa", Value: "x"}}, ""},
		{"ip rule passes", []Arg{{Name: "gw", Value: "10.0.0.1", Rule: Rule{Name: RuleIP}}}, ""},
		{"subnet rule passes", []Arg{{Name: "net", Value: "192.168.1.1/24", Rule: Rule{Name: RuleSubnet}}}, ""},

		{"exact message", []Arg{{Name: "name", Value: "a b", Rule: userRule}},
			`action "adduser": argument "name": value "a b" does not match pattern ^[a-zA-Z0-9_-]+$`},
		{"bad regexp names the argument", []Arg{{Name: "user", Value: "x", Rule: Rule{Pattern: "[a-"}}},
			`action "adduser": argument "user": rule pattern [a- does not compile`},
		{"unknown rule name", []Arg{{Name: "user", Value: "x", Rule: Rule{Name: "mac"}}},
			`action "adduser": argument "user": unknown rule name "mac"`},
		{"ip rule fails", []Arg{{Name: "gw", Value: "300.1.1.1", Rule: Rule{Name: RuleIP}}},
			`action "adduser": argument "gw": value "300.1.1.1" is not an IP address`},
		{"unknown type", []Arg{{Name: "a", Value: "x", Type: "int"}},
			`action "adduser": argument "a": unknown type "int"`},
		{"type is case-sensitive", []Arg{{Name: "a", Value: "x", Type: "Text"}}, `unknown type "Text"`},
		{"bad boolean", []Arg{{Name: "on", Value: "on", Type: "boolean"}},
			`action "adduser": argument "on": value "on" is not a boolean`},
		{"empty name", []Arg{{Name: "", Value: "x"}}, `argument "": invalid name`},
		{"dash name", []Arg{{Name: "-x", Value: "x"}}, `argument "-x": invalid name`},
		{"double-dash name", []Arg{{Name: "--x", Value: "x"}}, `argument "--x": invalid name`},
		{"space in name", []Arg{{Name: "a b", Value: "x"}}, `argument "a b": invalid name`},
		{"metacharacter in name", []Arg{{Name: "a;id", Value: "x"}}, `argument "a;id": invalid name`},
		{"equals in name", []Arg{{Name: "a=b", Value: "x"}}, `argument "a=b": invalid name`},
		{"duplicate", []Arg{{Name: "a", Value: "1"}, {Name: "a", Value: "2"}},
			`action "adduser": argument "a" is declared twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Action{Name: "adduser", Command: cmd, Args: tt.args}
			checkErr(t, a.Validate(), tt.wantErr)
		})
	}
}

func TestValidateExactMessage(t *testing.T) {
	a := Action{Name: "adduser", Command: "/adduser.sh", Args: []Arg{{Name: "name", Value: "a b", Rule: userRule}}}
	want := `action "adduser": argument "name": value "a b" does not match pattern ^[a-zA-Z0-9_-]+$`
	if err := a.Validate(); err == nil || err.Error() != want {
		t.Fatalf("Validate() = %v, want %q", err, want)
	}
}

func TestParseBool(t *testing.T) {
	tests := []struct {
		in      string
		want    bool
		wantErr bool
	}{
		{"true", true, false},
		{"TRUE", true, false},
		{"True", true, false},
		{"1", true, false},
		{"false", false, false},
		{"FALSE", false, false},
		{"0", false, false},
		{"", false, false},
		{"yes", false, true},
		{"no", false, true},
		{" true", false, true},
		{"2", false, true},
	}
	for _, tt := range tests {
		got, err := ParseBool(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseBool(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestMergeRules(t *testing.T) {
	image := Action{
		Name:       "adduser",
		Command:    "/adduser.sh",
		Background: true,
		Args: []Arg{
			{Name: "name", Value: "user", Rule: userRule},
			{Name: "password", Value: "password"}, // no rule
			{Name: "shell", Value: "/bin/sh"},     // only in the image
		},
	}
	tests := []struct {
		name  string
		lab   Action
		image Action
		want  Action
	}{
		{
			name: "image rule wins, lab values and order kept",
			lab: Action{Name: "adduser", Args: []Arg{
				{Name: "password", Value: "toor", Rule: Rule{Pattern: ".*"}},
				{Name: "name", Value: "root", Rule: Rule{Pattern: ".*"}},
				{Name: "extra", Value: "x"},
			}},
			image: image,
			want: Action{Name: "adduser", Command: "/adduser.sh", Background: true, Args: []Arg{
				{Name: "password", Value: "toor", Rule: Rule{Pattern: ".*"}}, // image has no rule: lab's kept
				{Name: "name", Value: "root", Rule: userRule},
				{Name: "extra", Value: "x"},
			}},
		},
		{
			name:  "lab without rule gets the image rule",
			lab:   Action{Name: "adduser", Command: "/adduser.sh", Args: []Arg{{Name: "name", Value: "a b"}}},
			image: image,
			want:  Action{Name: "adduser", Command: "/adduser.sh", Background: true, Args: []Arg{{Name: "name", Value: "a b", Rule: userRule}}},
		},
		{
			name:  "lab command kept",
			lab:   Action{Name: "adduser", Command: "/other.sh"},
			image: image,
			want:  Action{Name: "adduser", Command: "/other.sh", Background: true},
		},
		{
			name:  "blank lab command replaced",
			lab:   Action{Name: "adduser", Command: "  "},
			image: image,
			want:  Action{Name: "adduser", Command: "/adduser.sh", Background: true},
		},
		{
			name:  "image background false keeps lab background",
			lab:   Action{Name: "a", Command: "/a", Background: true},
			image: Action{Name: "a", Command: "/b"},
			want:  Action{Name: "a", Command: "/a", Background: true},
		},
		{
			name:  "neither in background",
			lab:   Action{Name: "a", Description: "lab text"},
			image: Action{Name: "a", Command: "/b", Description: "image text"},
			want:  Action{Name: "a", Command: "/b", Description: "lab text"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MergeRules(tt.lab, tt.image)
			if !reflect.DeepEqual(got.Args, tt.want.Args) && (len(got.Args) != 0 || len(tt.want.Args) != 0) {
				t.Errorf("args =\n%+v\nwant\n%+v", got.Args, tt.want.Args)
			}
			got.Args, tt.want.Args = nil, nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("action =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestMergeRulesDoesNotModifyLab(t *testing.T) {
	lab := Action{Name: "adduser", Args: []Arg{{Name: "name", Value: "a b"}}}
	merged := MergeRules(lab, Action{Command: "/adduser.sh", Args: []Arg{{Name: "name", Rule: userRule}}})
	if !lab.Args[0].Rule.IsZero() || lab.Command != "" {
		t.Fatalf("lab modified: %+v", lab)
	}
	if _, err := merged.Argv(); err == nil {
		t.Fatal("merged action with the image rule accepted \"a b\"")
	}
}
