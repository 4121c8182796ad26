package wrapper

import (
	"reflect"
	"testing"
)

// alpineLabels are the labels of the upstream dockersecplayground/alpine
// image family (adduser, addctf, setgw, exec).
var alpineLabels = map[string]string{
	"type":     "host",
	"caps_add": "ALL",
	"ports":    "22",

	"actions.adduser.command":                    "/adduser.sh",
	"actions.adduser.description":                "Add a new username : <name> <password> ",
	"actions.adduser.args.name.val":              "user",
	"actions.adduser.args.name.type":             "text",
	"actions.adduser.args.name.rule.pattern":     "^[a-zA-Z0-9_-]+$",
	"actions.adduser.args.password.val":          "password",
	"actions.adduser.args.password.type":         "text",
	"actions.adduser.args.password.rule.pattern": "^[a-zA-Z0-9_-]+$",

	"actions.addctf.command":                    "/addctf.sh",
	"actions.addctf.description":                "Add a ctf in /home/<username> directory inside a secret file",
	"actions.addctf.args.ctf.val":               "",
	"actions.addctf.args.ctf.type":              "text",
	"actions.addctf.args.username.val":          "",
	"actions.addctf.args.username.type":         "text",
	"actions.addctf.args.username.rule.pattern": "^[a-zA-Z0-9_-]+$",

	"actions.setgw.command":                   "/setgw.sh",
	"actions.setgw.args.gateway.val":          "",
	"actions.setgw.args.gateway.rule.pattern": "^[a-zA-Z0-9_-]+$",

	"actions.exec.command":           "/exec.sh ",
	"actions.exec.description":       "Execute a command in the container",
	"actions.exec.args.command.val":  "mkdir hello",
	"actions.exec.args.command.type": "text",

	"maintainer": "someone@example.com",
}

func TestParseLabelsAlpine(t *testing.T) {
	got, err := ParseLabels(alpineLabels)
	if err != nil {
		t.Fatal(err)
	}
	want := ImageInfo{
		Type:    "host",
		Ports:   []string{"22"},
		CapsAdd: []string{"ALL"},
		Actions: map[string]Action{
			"adduser": {
				Name: "adduser", Command: "/adduser.sh", Description: "Add a new username : <name> <password> ",
				Args: []Arg{
					{Name: "name", Value: "user", Type: "text", Rule: userRule},
					{Name: "password", Value: "password", Type: "text", Rule: userRule},
				},
			},
			"addctf": {
				Name: "addctf", Command: "/addctf.sh", Description: "Add a ctf in /home/<username> directory inside a secret file",
				Args: []Arg{
					{Name: "ctf", Type: "text"},
					{Name: "username", Type: "text", Rule: userRule},
				},
			},
			"setgw": {
				Name: "setgw", Command: "/setgw.sh",
				Args: []Arg{{Name: "gateway", Rule: userRule}},
			},
			"exec": {
				Name: "exec", Command: "/exec.sh ", Description: "Execute a command in the container",
				Args: []Arg{{Name: "command", Value: "mkdir hello", Type: "text"}},
			},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseLabels =\n%+v\nwant\n%+v", got, want)
	}

	// The parsed actions run as upstream ran them.
	adduser, ok := got.Action("adduser")
	if !ok {
		t.Fatal(`Action("adduser") not found`)
	}
	argv, err := adduser.Argv()
	if err != nil {
		t.Fatal(err)
	}
	if w := []string{"/adduser.sh", "--name", "user", "--password", "password"}; !reflect.DeepEqual(argv, w) {
		t.Errorf("adduser argv = %q, want %q", argv, w)
	}
	execAction, _ := got.Action("exec")
	argv, err = execAction.Argv()
	if err != nil {
		t.Fatal(err)
	}
	if w := []string{"/exec.sh", "--command", "mkdir hello"}; !reflect.DeepEqual(argv, w) {
		t.Errorf("exec argv = %q, want %q", argv, w)
	}

	// A lab value that breaks the image rule is refused once merged.
	lab := Action{Name: "adduser", Args: []Arg{{Name: "name", Value: "x;id"}, {Name: "password", Value: "p"}}}
	_, err = MergeRules(lab, adduser).Argv()
	checkErr(t, err, `action "adduser": argument "name": value "x;id" does not match pattern ^[a-zA-Z0-9_-]+$`)

	if _, ok := got.Action("ctf"); ok {
		t.Error(`Action("ctf") found, but the image does not declare it`)
	}
}

func TestParseLabelsImageFields(t *testing.T) {
	tests := []struct {
		name   string
		labels map[string]string
		want   ImageInfo
	}{
		{"nil labels", nil, ImageInfo{}},
		{"unrelated labels only", map[string]string{
			"maintainer": "x", "org.opencontainers.image.title": "alpine", "action": "x", "actions": "{}",
		}, ImageInfo{}},
		{"ports list trimmed, empties dropped", map[string]string{"ports": " 80, 443 ,,3306 ,"},
			ImageInfo{Ports: []string{"80", "443", "3306"}}},
		{"empty ports", map[string]string{"ports": " , "}, ImageInfo{}},
		{"caps list", map[string]string{"caps_add": "NET_ADMIN, SYS_ADMIN"},
			ImageInfo{CapsAdd: []string{"NET_ADMIN", "SYS_ADMIN"}}},
		{"privileged with empty value", map[string]string{"privileged": ""}, ImageInfo{Privileged: true}},
		{"privileged with false still present", map[string]string{"privileged": "false"}, ImageInfo{Privileged: true}},
		{"entry_point type", map[string]string{"type": "entry_point", "privileged": "true"},
			ImageInfo{Type: ImageEntryPoint, Privileged: true}},
		{"router type", map[string]string{"type": "router"}, ImageInfo{Type: ImageRouter}},
		{"unknown type kept", map[string]string{"type": "database"}, ImageInfo{Type: "database"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLabels(tt.labels)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseLabels =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseLabelsActions(t *testing.T) {
	tests := []struct {
		name   string
		labels map[string]string
		want   map[string]Action
	}{
		{
			name: "args sorted by name, values verbatim",
			labels: map[string]string{
				"actions.sed.command":                 "/sed.sh ",
				"actions.sed.args.string_two.val":     "allow_url_include = On",
				"actions.sed.args.filename.val":       " /etc/php5/apache2/php.ini ",
				"actions.sed.args.string_one.val":     "allow_url_include = Off",
				"actions.sed.args.string_one.type":    " text ",
				"actions.sed.args.filename.rule.name": " ip ",
			},
			want: map[string]Action{"sed": {Name: "sed", Command: "/sed.sh ", Args: []Arg{
				{Name: "filename", Value: " /etc/php5/apache2/php.ini ", Rule: Rule{Name: "ip"}},
				{Name: "string_one", Value: "allow_url_include = Off", Type: "text"},
				{Name: "string_two", Value: "allow_url_include = On"},
			}}},
		},
		{
			name: "arg called rule (upstream firewall image)",
			labels: map[string]string{
				"actions.firewall.command":                "/firewall.sh",
				"actions.firewall.args.rule.val":          "-F",
				"actions.firewall.args.rule.type":         "text",
				"actions.firewall.args.rule.rule.name":    "alphaNumeric",
				"actions.firewall.args.rule.rule.pattern": "^-",
			},
			want: map[string]Action{"firewall": {Name: "firewall", Command: "/firewall.sh", Args: []Arg{
				{Name: "rule", Value: "-F", Type: "text", Rule: Rule{Pattern: "^-", Name: "alphaNumeric"}},
			}}},
		},
		{
			name: "no command label: kept with empty command",
			labels: map[string]string{
				"actions.orphan.description":  "no command",
				"actions.orphan.args.k.val":   "v",
				"actions.bare.backgroundMode": "true",
			},
			want: map[string]Action{
				"orphan": {Name: "orphan", Description: "no command", Args: []Arg{{Name: "k", Value: "v"}}},
				"bare":   {Name: "bare", Background: true},
			},
		},
		{
			name: "unknown fields ignored",
			labels: map[string]string{
				"actions.a.command":            "/a.sh",
				"actions.a.name":               "a",
				"actions.a.args.k.val":         "v",
				"actions.a.args.k.default":     "w",
				"actions.a.args.k.rule.flags":  "i",
				"actions.a.command.extra":      "x",
				"actions.ghost.icon":           "x.png",
				"actions.ghost.args.k.comment": "x",
			},
			want: map[string]Action{"a": {Name: "a", Command: "/a.sh", Args: []Arg{{Name: "k", Value: "v"}}}},
		},
		{
			name: "boolean arg",
			labels: map[string]string{
				"actions.start.command":           "/start.sh",
				"actions.start.args.verbose.val":  "true",
				"actions.start.args.verbose.type": "boolean",
			},
			want: map[string]Action{"start": {Name: "start", Command: "/start.sh", Args: []Arg{
				{Name: "verbose", Value: "true", Type: "boolean"},
			}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLabels(tt.labels)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Actions, tt.want) {
				t.Errorf("actions =\n%+v\nwant\n%+v", got.Actions, tt.want)
			}
		})
	}
}

func TestParseLabelsBackgroundMode(t *testing.T) {
	tests := map[string]bool{
		"true": true, "TRUE": true, "True": true, "1": true, "yes": true, "Yes": true, " yes ": true,
		"false": false, "0": false, "no": false, "": false, "on": false, "2": false,
	}
	for value, want := range tests {
		info, err := ParseLabels(map[string]string{
			"actions.srv.command":        "/srv.sh",
			"actions.srv.backgroundMode": value,
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Actions["srv"].Background; got != want {
			t.Errorf("backgroundMode=%q: Background = %v, want %v", value, got, want)
		}
	}
}

func TestParseLabelsMalformed(t *testing.T) {
	keys := []string{
		"actions.",
		"actions..command",
		"actions.x",
		"actions.x.",
		"actions.x.args",
		"actions.x.args.",
		"actions.x.args.k",
		"actions.x.args..val",
		"actions.x.args.k.",
		"actions.x.args.k.rule",
		"actions.x.args.k.rule.",
	}
	for _, key := range keys {
		t.Run(key, func(t *testing.T) {
			labels := map[string]string{"type": "host", "actions.ok.command": "/ok.sh", key: "v"}
			info, err := ParseLabels(labels)
			checkErr(t, err, `label "`+key+`"`)
			if !reflect.DeepEqual(info, ImageInfo{}) {
				t.Errorf("info = %+v on error, want zero", info)
			}
		})
	}
}

func TestImageInfoAction(t *testing.T) {
	info := ImageInfo{Actions: map[string]Action{"a": {Name: "a", Command: "/a"}}}
	if a, ok := info.Action("a"); !ok || a.Command != "/a" {
		t.Errorf(`Action("a") = %+v, %v`, a, ok)
	}
	if _, ok := info.Action("b"); ok {
		t.Error(`Action("b") found`)
	}
	if _, ok := (ImageInfo{}).Action("a"); ok {
		t.Error(`Action on empty info found something`)
	}
}
