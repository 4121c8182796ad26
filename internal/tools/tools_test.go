package tools

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestBuiltin(t *testing.T) {
	c := Builtin()
	want := []string{"nmap", "ping", "nc", "curl", "dig", "arping", "hydra", "tcpdump", "tshark"}
	var names []string
	for _, tool := range c.Tools() {
		names = append(names, tool.Name)
		if tool.Image != "dsp/toolbox:latest" {
			t.Errorf("%s: image %q, want dsp/toolbox:latest", tool.Name, tool.Image)
		}
		if tool.Description == "" {
			t.Errorf("%s: no description", tool.Name)
		}
		target := ""
		if tool.NeedsTarget {
			target = "10.0.0.2"
		}
		argv, err := tool.Argv(nil, target)
		if err != nil {
			t.Errorf("%s: Argv with the default arguments: %v", tool.Name, err)
			continue
		}
		if argv[0] != tool.Command[0] {
			t.Errorf("%s: argv %q does not start with %q", tool.Name, argv, tool.Command[0])
		}
		if tool.NeedsTarget && !slices.ContainsFunc(argv, func(a string) bool { return strings.Contains(a, target) }) {
			t.Errorf("%s: argv %q does not name the target", tool.Name, argv)
		}
	}
	if !slices.Equal(names, want) {
		t.Errorf("builtin tools %q, want %q", names, want)
	}
}

const validTool = `{"name":"nmap","title":"Nmap","image":"dsp/toolbox:latest","argv":["nmap"],"defaultArgs":["-sT","{target}"],"needsTarget":true}`

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []string // every one in the error's text
	}{
		{"not JSON", `{"tools":[`, []string{"read the tool catalogue"}},
		{"two values", `{"tools":[]} {}`, []string{"more than one JSON value"}},
		{"unknown top-level field", `{"tool":[]}`, []string{"tool catalogue", `"tool"`}},
		{"unknown tool field", `{"tools":[{"name":"nmap","imgae":"x"}]}`, []string{"entry 1", `tool "nmap"`, `field "imgae"`, "not a field"}},
		{"wrong type", `{"tools":[{"name":"nmap","argv":"nmap"}]}`, []string{`tool "nmap"`, `field "argv"`}},
		{"no name", `{"tools":[{"title":"x","image":"i","argv":["x"]}]}`, []string{"entry 1", `field "name"`, "empty"}},
		{"bad name", `{"tools":[{"name":"Nmap scan","title":"x","image":"i","argv":["x"]}]}`, []string{`tool "Nmap scan"`, `field "name"`}},
		{"no title", `{"tools":[{"name":"nmap","image":"i","argv":["x"]}]}`, []string{`tool "nmap"`, `field "title"`}},
		{"no image", `{"tools":[{"name":"nmap","title":"x","argv":["nmap"]}]}`, []string{`tool "nmap"`, `field "image"`, "empty"}},
		{"bad image", `{"tools":[{"name":"nmap","title":"x","image":"Bad Image","argv":["nmap"]}]}`, []string{`tool "nmap"`, `field "image"`, "not an image reference"}},
		{"no argv", `{"tools":[{"name":"nmap","title":"x","image":"i"}]}`, []string{`tool "nmap"`, `field "argv"`, "no program"}},
		{"empty argv", `{"tools":[{"name":"nmap","title":"x","image":"i","argv":[]}]}`, []string{`tool "nmap"`, `field "argv"`}},
		{"empty program", `{"tools":[{"name":"nmap","title":"x","image":"i","argv":[""]}]}`, []string{`tool "nmap"`, `field "argv"`}},
		{"NUL in argv", `{"tools":[{"name":"nmap","title":"x","image":"i","argv":["nmap","a\u0000b"]}]}`, []string{`tool "nmap"`, `field "argv"`, "NUL"}},
		{"NUL in defaultArgs", `{"tools":[{"name":"nmap","title":"x","image":"i","argv":["nmap"],"defaultArgs":["\u0000"]}]}`, []string{`tool "nmap"`, `field "defaultArgs"`, "NUL"}},
		{"target in argv", `{"tools":[{"name":"nmap","title":"x","image":"i","argv":["nmap","{target}"]}]}`, []string{`tool "nmap"`, `field "argv"`, "{target}"}},
		{"needsTarget without placeholder", `{"tools":[{"name":"nmap","title":"x","image":"i","argv":["nmap"],"needsTarget":true}]}`, []string{`tool "nmap"`, `field "needsTarget"`}},
		{"placeholder without needsTarget", `{"tools":[{"name":"nmap","title":"x","image":"i","argv":["nmap"],"defaultArgs":["{target}"]}]}`, []string{`tool "nmap"`, `field "needsTarget"`}},
		{"duplicate", `{"tools":[` + validTool + `,` + validTool + `]}`, []string{"entry 2", `tool "nmap"`, `field "name"`, "earlier"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(strings.NewReader(tt.json))
			if err == nil {
				t.Fatalf("Load succeeded with %d tools, want an error", len(c.Tools()))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadFieldErrorKind(t *testing.T) {
	_, err := Load(strings.NewReader(`{"tools":[{"name":"nmap","title":"x","argv":["nmap"]}]}`))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Tool != "nmap" || fe.Field != "image" {
		t.Fatalf("error %v (%T), want a *FieldError of nmap's image", err, err)
	}
	var kind interface{ InvalidParameter() }
	if !errors.As(err, &kind) {
		t.Errorf("error %v is not classified InvalidParameter", err)
	}
}

func TestLoadEmpty(t *testing.T) {
	c, err := Load(strings.NewReader(`{"tools":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Tools()); n != 0 {
		t.Errorf("%d tools, want 0", n)
	}
}

func TestArgv(t *testing.T) {
	nmap := Tool{Name: "nmap", Title: "Nmap", Image: "dsp/toolbox:latest", Command: []string{"nmap"}, DefaultArgs: []string{"-sT", "{target}"}, NeedsTarget: true}
	curl := Tool{Name: "curl", Title: "curl", Image: "dsp/toolbox:latest", Command: []string{"curl", "-sS"}, DefaultArgs: []string{"http://{target}/"}, NeedsTarget: true}
	tcpdump := Tool{Name: "tcpdump", Title: "tcpdump", Image: "dsp/toolbox:latest", Command: []string{"tcpdump"}, DefaultArgs: []string{"-c", "5"}}
	tests := []struct {
		name    string
		tool    Tool
		args    []string
		target  string
		want    []string
		wantErr string
	}{
		{"defaults with target", nmap, nil, "web", []string{"nmap", "-sT", "web"}, ""},
		{"placeholder inside a word", curl, nil, "10.0.0.2", []string{"curl", "-sS", "http://10.0.0.2/"}, ""},
		{"shell characters stay one word", nmap, nil, "web; rm -rf /", []string{"nmap", "-sT", "web; rm -rf /"}, ""},
		{"defaults without target", nmap, nil, "", nil, "needs a target"},
		{"user args replace defaults", nmap, []string{"-p", "22", "web"}, "", []string{"nmap", "-p", "22", "web"}, ""},
		{"user args with placeholder", nmap, []string{"-p", "22", "{target}"}, "db", []string{"nmap", "-p", "22", "db"}, ""},
		{"user placeholder without target", nmap, []string{"{target}"}, "", nil, "no target was given"},
		{"no target needed", tcpdump, nil, "", []string{"tcpdump", "-c", "5"}, ""},
		{"target ignored by defaults without placeholder", tcpdump, nil, "web", []string{"tcpdump", "-c", "5"}, ""},
		{"target looks like an option", nmap, nil, "--script=x", nil, "taken for an option"},
		{"NUL in target", nmap, nil, "a\x00b", nil, "NUL"},
		{"NUL in args", nmap, []string{"-p", "2\x002"}, "web", nil, "argument 2 contains a NUL"},
		{"empty argv", Tool{Name: "x", Title: "x", Image: "i"}, nil, "", nil, `field "argv"`},
		{"empty image", Tool{Name: "x", Title: "x", Command: []string{"x"}}, nil, "", nil, `field "image"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.tool.Argv(tt.args, tt.target)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Argv = %q, want an error with %q", got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.tool.Name) {
					t.Errorf("error %q does not name the tool %q and %q", err, tt.tool.Name, tt.wantErr)
				}
				var kind interface{ InvalidParameter() }
				if !errors.As(err, &kind) {
					t.Errorf("error %v is not classified InvalidParameter", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Argv = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestArgvDoesNotChangeTheTool(t *testing.T) {
	c := Builtin()
	nmap, _ := c.Tool("nmap")
	argv, err := nmap.Argv(nil, "web")
	if err != nil {
		t.Fatal(err)
	}
	argv[0] = "changed"
	nmap.DefaultArgs[0] = "changed"
	again, _ := c.Tool("nmap")
	if again.Command[0] != "nmap" || again.DefaultArgs[0] != "-sT" {
		t.Errorf("the catalogue changed through a returned tool: %+v", again)
	}
}

func TestMerge(t *testing.T) {
	base := mustLoad(t, `{"tools":[
		{"name":"a","title":"A","image":"dsp/toolbox:latest","argv":["a"]},
		{"name":"b","title":"B","image":"dsp/toolbox:latest","argv":["b"]}]}`)
	extra := mustLoad(t, `{"tools":[
		{"name":"c","title":"C","image":"my/tools:1","argv":["c"]},
		{"name":"a","title":"A mine","image":"my/tools:1","argv":["a","-v"]}]}`)
	tests := []struct {
		name        string
		base, extra *Catalogue
		want        []string // name=title
	}{
		{"override and add", base, extra, []string{"a=A mine", "b=B", "c=C"}},
		{"no extra", base, nil, []string{"a=A", "b=B"}},
		{"no base", nil, extra, []string{"c=C", "a=A mine"}},
		{"both nil", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Merge(tt.base, tt.extra)
			var got []string
			for _, tool := range m.Tools() {
				got = append(got, tool.Name+"="+tool.Title)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Merge = %q, want %q", got, tt.want)
			}
		})
	}
	a, _ := Merge(base, extra).Tool("a")
	if a.Image != "my/tools:1" || !slices.Equal(a.Command, []string{"a", "-v"}) {
		t.Errorf("overridden tool a = %+v, want the extra catalogue's", a)
	}
	if orig, _ := base.Tool("a"); orig.Title != "A" {
		t.Errorf("Merge changed the base catalogue: a = %+v", orig)
	}
}

func TestLookup(t *testing.T) {
	c := Builtin()
	if _, err := c.Lookup("nmap"); err != nil {
		t.Fatal(err)
	}
	_, err := c.Lookup("metasploit")
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Name != "metasploit" {
		t.Fatalf("Lookup error %v (%T), want a *NotFoundError", err, err)
	}
	var kind interface{ NotFound() }
	if !errors.As(err, &kind) {
		t.Errorf("error %v is not classified NotFound", err)
	}
	if _, ok := c.Tool("metasploit"); ok {
		t.Error("Tool found an unknown tool")
	}
}

func mustLoad(t *testing.T, s string) *Catalogue {
	t.Helper()
	c, err := Load(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
