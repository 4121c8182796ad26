package lab

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Every corpus lab loads without errors and has a usable identity.
func TestCorpusLabsHaveIdentity(t *testing.T) {
	dir := corpusDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		labDir := filepath.Join(dir, e.Name())
		if !e.IsDir() || !IsLabDir(labDir) {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			checkCorpusLab(t, labDir, e.Name())
		})
	}
}

// checkCorpusLab checks that the corpus lab in labDir, the folder named folder,
// loads without errors, with its identity, its services, normalised
// subnets and images listed once.
func checkCorpusLab(t *testing.T, labDir, folder string) {
	t.Helper()
	l, problems := mustLoad(t, labDir)
	noErrors(t, problems)
	if l.Repo != "dsp-projects" || l.Name != folder || l.ID() != "dsp-projects/"+folder {
		t.Errorf("identity = %q %q %q", l.Repo, l.Name, l.ID())
	}
	if l.Title != folder {
		t.Errorf("Title = %q, want the folder name %q", l.Title, folder)
	}
	if l.TextFormat != TextHTML {
		t.Errorf("TextFormat = %q, want html", l.TextFormat)
	}
	if l.Project == nil {
		t.Fatal("Project is nil")
	}
	if len(l.Project.Services) != len(l.Services()) {
		t.Errorf("project has %d services, lab lists %d", len(l.Project.Services), len(l.Services()))
	}
	// Every subnet the engine sees has its host bits cleared.
	for name, n := range l.Project.Networks {
		for _, pool := range n.Ipam.Config {
			if pool == nil || pool.Subnet == "" {
				continue
			}
			prefix, err := netip.ParsePrefix(pool.Subnet)
			if err != nil || prefix.Masked() != prefix {
				t.Errorf("network %s: subnet %s is not a normalised CIDR", name, pool.Subnet)
			}
		}
	}
	// The images are listed without duplicates.
	imgs := l.Images()
	seen := map[string]bool{}
	for _, i := range imgs {
		if seen[i] {
			t.Errorf("image %s listed twice", i)
		}
		seen[i] = true
	}
}

func TestCorpusBypassTheFirewall(t *testing.T) {
	l, problems := mustLoad(t, corpusLab(t, "Bypass The Firewall"))

	t.Run("identity and story", func(t *testing.T) {
		checkBypassIdentity(t, l)
	})

	t.Run("subnets normalised", func(t *testing.T) {
		checkBypassSubnets(t, l)
	})

	t.Run("router firewall actions", func(t *testing.T) {
		checkBypassRouterActions(t, l)
	})

	t.Run("shell", func(t *testing.T) {
		for name, want := range map[string]bool{"ssh": false, "router": true, "website": true} {
			s, ok := l.Service(name)
			if !ok {
				t.Fatalf("no service %s", name)
			}
			if s.Shell != want {
				t.Errorf("service %s Shell = %v, want %v", name, s.Shell, want)
			}
		}
	})

	t.Run("files to copy", func(t *testing.T) {
		checkBypassFiles(t, l, problems)
	})

	t.Run("risks", func(t *testing.T) {
		risks := l.Risks()
		// The router adds ALL; NET_ADMIN on ssh and website is not a risk.
		if len(risks) != 1 || risks[0].Service != "router" || !strings.Contains(risks[0].What, "ALL") {
			t.Errorf("Risks = %v, want only the router's ALL capability", risks)
		}
	})

	t.Run("obsolete version warning", func(t *testing.T) {
		expectProblem(t, problems, want{sev: SeverityWarning, file: l.ComposeFile, line: 1, field: "version", msg: []string{"obsolete"}})
	})
}

// checkBypassIdentity checks the identity and story of Bypass The Firewall.
func checkBypassIdentity(t *testing.T, l *Lab) {
	t.Helper()
	if l.Format != FormatUpstream {
		t.Errorf("Format = %s", l.Format)
	}
	if l.Name != "Bypass The Firewall" || l.ID() != "dsp-projects/Bypass The Firewall" {
		t.Errorf("name %q id %q", l.Name, l.ID())
	}
	if l.TextFormat != TextHTML {
		t.Errorf("TextFormat = %q, want html", l.TextFormat)
	}
	if !strings.HasPrefix(l.Goal, "<p>Find the secret by using the Kali machine") {
		t.Errorf("Goal is not the upstream HTML: %.80q", l.Goal)
	}
	if !strings.Contains(l.Goal, "<strong>/history/log.pcap</strong>") {
		t.Errorf("Goal lost its HTML markup: %.200q", l.Goal)
	}
	if !strings.HasPrefix(l.Solution, "<p>The web address is 192.168.1.3.") {
		t.Errorf("Solution = %.80q", l.Solution)
	}
	if l.Description != "Your goal is to access at a private website in an internal network, bypassing the firewall rules" {
		t.Errorf("Description = %q", l.Description)
	}
	if l.Author != "giper" {
		t.Errorf("Author = %q", l.Author)
	}
	if len(l.Labels) != 1 || l.Labels[0].Name != "Firewall" || l.Labels[0].Color != "#d9952e" {
		t.Errorf("Labels = %+v", l.Labels)
	}
	if filepath.Base(l.ComposeFile) != "docker-compose.yml" {
		t.Errorf("ComposeFile = %s", l.ComposeFile)
	}
}

// checkBypassSubnets checks that the networks of Bypass The Firewall have
// their subnets normalised, and its router its static addresses.
func checkBypassSubnets(t *testing.T, l *Lab) {
	t.Helper()
	for name, tc := range map[string]struct{ subnet, written string }{
		"internal_network": {"192.168.1.0/24", "192.168.1.1/24"},
		"external_network": {"192.168.2.0/24", "192.168.2.1/24"},
	} {
		n, ok := networkNamed(l, name)
		if !ok {
			t.Fatalf("network %s missing from %+v", name, l.Networks())
		}
		if n.Subnet != tc.subnet || n.Written != tc.written {
			t.Errorf("network %s: Subnet %q Written %q, want %q %q", name, n.Subnet, n.Written, tc.subnet, tc.written)
		}
		pn, ok := l.Project.Networks[name]
		if !ok {
			t.Fatalf("project lacks network %s", name)
		}
		if len(pn.Ipam.Config) != 1 || pn.Ipam.Config[0].Subnet != tc.subnet {
			t.Errorf("project network %s subnet = %+v, want %s", name, pn.Ipam.Config, tc.subnet)
		}
	}
	// The static addresses are kept as written.
	router, ok := l.Service("router")
	if !ok {
		t.Fatal("no router")
	}
	wantNets := []ServiceNetwork{{Name: "external_network", IP: "192.168.2.2"}, {Name: "internal_network", IP: "192.168.1.2"}}
	if !slices.Equal(router.Networks, wantNets) {
		t.Errorf("router networks = %+v, want %+v", router.Networks, wantNets)
	}
}

// checkBypassRouterActions checks the firewall actions of the router of
// Bypass The Firewall: in file order, each rule one argument.
func checkBypassRouterActions(t *testing.T, l *Lab) {
	t.Helper()
	acts := actionsOf(l, "router")
	wantRules := []string{
		"-F",
		"-P INPUT DROP",
		"-P FORWARD DROP",
		"-A FORWARD -i 192.168.1.2 -p ALL -j ACCEPT",
		"-A FORWARD -s 192.168.2.50 -j ACCEPT",
	}
	if len(acts) != len(wantRules) {
		t.Fatalf("router has %d actions, want %d: %+v", len(acts), len(wantRules), acts)
	}
	for i, a := range acts {
		if a.Name != "firewall" || a.Command != "/firewall.sh" {
			t.Errorf("action %d = %s %q", i, a.Name, a.Command)
		}
		if a.Priority != i+1 {
			t.Errorf("action %d priority = %d, want %d (file order)", i, a.Priority, i+1)
		}
		if len(a.Args) != 1 || a.Args[0].Name != "rule" || a.Args[0].Value != wantRules[i] || a.Args[0].Type != "text" {
			t.Errorf("action %d args = %+v, want one rule %q", i, a.Args, wantRules[i])
			continue
		}
		// The rule reaches the wrapper as ONE argument, dashes and
		// spaces intact.
		argv, err := a.Argv()
		if err != nil {
			t.Fatalf("Argv: %v", err)
		}
		wantArgv := []string{"/firewall.sh", "--rule", wantRules[i]}
		if !slices.Equal(argv, wantArgv) {
			t.Errorf("argv = %q, want %q", argv, wantArgv)
		}
	}
}

// checkBypassFiles checks the files Bypass The Firewall copies from .data
// (missing there: a warning each).
func checkBypassFiles(t *testing.T, l *Lab, problems Problems) {
	t.Helper()
	dataDir := filepath.Join(corpusDir(t), ".data")
	if len(l.Files) != 5 {
		t.Fatalf("Files = %+v, want 5", l.Files)
	}
	first := l.Files[0]
	if first.Service != "website" || first.Source != filepath.Join(dataDir, "linode_vim") || first.Target != "/usr/bin/vim" || first.AfterActions {
		t.Errorf("first file = %+v", first)
	}
	for _, f := range l.Files {
		if filepath.Dir(f.Source) != dataDir {
			t.Errorf("file source %s is not in %s", f.Source, dataDir)
		}
		// The corpus ships without .data: a warning, not an error.
		expectProblem(t, problems, want{sev: SeverityWarning, file: f.Source, msg: []string{"missing", "website", f.Target}})
	}
}

func TestCorpusWebGoatDropsUnusedNetworks(t *testing.T) {
	// Two networks nobody uses, both 193.20.1.1/24: an engine would refuse
	// the overlap, so they are dropped.
	l, _ := mustLoad(t, corpusLab(t, "WebGoat"))
	for _, n := range []string{"network_12", "network_23"} {
		if _, ok := networkNamed(l, n); ok {
			t.Errorf("unused network %s is listed: %+v", n, l.Networks())
		}
		if _, ok := l.Project.Networks[n]; ok {
			t.Errorf("unused network %s is in the project", n)
		}
	}
	if len(l.Services()) != 2 {
		t.Fatalf("services = %+v", l.Services())
	}
	nginx, _ := l.Service("nginx")
	if len(nginx.Ports) != 1 || nginx.Ports[0].Container != 80 || nginx.Ports[0].Host != "9999" || nginx.Ports[0].Protocol != "tcp" {
		t.Errorf("nginx ports = %+v", nginx.Ports)
	}
	if len(l.Actions) != 0 || len(l.Files) != 0 {
		t.Errorf("actions %v files %v, want none", l.Actions, l.Files)
	}
}

func TestCorpusWp56Xdebug(t *testing.T) {
	// compose version 3.3, indented with three spaces, network.json is "{}".
	l, problems := mustLoad(t, corpusLab(t, "wp56-xdebug"))
	if l.Format != FormatUpstream {
		t.Errorf("Format = %s", l.Format)
	}
	if len(l.Actions) != 0 {
		t.Errorf("Actions = %+v, want none", l.Actions)
	}
	if want := []string{"mysql:5.7", "wp56-xdebug"}; !slices.Equal(l.Images(), want) {
		t.Errorf("Images = %q, want %q", l.Images(), want)
	}
	if !strings.HasPrefix(l.Readme, "# Wordpress php 5.6 xdebug") {
		t.Errorf("Readme = %.60q", l.Readme)
	}
	wp, _ := l.Service("wordpress")
	if !wp.Shell {
		t.Error("wordpress: Shell is false without isShellEnabled")
	}
	expectProblem(t, problems, want{sev: SeverityWarning, field: "version", line: 1})
}

func TestCorpusArgsKeepNetworkJSONOrder(t *testing.T) {
	type wantAction struct {
		service, name string
		priority      int
		args          []string
	}
	tests := map[string][]wantAction{
		"BruteforceMe": {
			{"ftpServer", "set_banner", 1, []string{"banner"}},
			{"ftpServer", "start_ftpd", 2, nil},
			{"ftpServer", "adduser", 1, []string{"name", "password"}},
			{"ftpServer", "exec", 2, []string{"command"}},
			{"telnet_server", "adduser", 1, []string{"name", "password"}},
			// ctf before username: the file's order, not the alphabet's.
			{"telnet_server", "addctf", 2, []string{"ctf", "username"}},
		},
		"TelnetAccess": {
			{"telnet_client", "bot_telnet_client", 1, []string{"commands", "ip_telnet_server", "name", "password"}},
			{"telnet_client", "setgw", 1, []string{"gateway"}},
			{"TelnetServer", "addctf", 3, []string{"ctf", "username"}},
			{"TelnetServer", "adduser", 2, []string{"name", "password"}},
			{"TelnetServer", "setgw", 1, []string{"gateway"}},
		},
	}
	for name, wantActs := range tests {
		t.Run(name, func(t *testing.T) {
			l, _ := mustLoad(t, corpusLab(t, name))
			if len(l.Actions) != len(wantActs) {
				t.Fatalf("%d actions, want %d: %+v", len(l.Actions), len(wantActs), l.Actions)
			}
			for i, w := range wantActs {
				a := l.Actions[i]
				if a.Service != w.service || a.Name != w.name || a.Priority != w.priority || !slices.Equal(argNames(a), w.args) {
					t.Errorf("action %d = %s/%s prio %d args %q, want %s/%s prio %d args %q",
						i, a.Service, a.Name, a.Priority, argNames(a), w.service, w.name, w.priority, w.args)
				}
			}
		})
	}

	t.Run("values intact", func(t *testing.T) {
		l, _ := mustLoad(t, corpusLab(t, "BruteforceMe"))
		exec := actionsOf(l, "ftpServer")[3]
		// The upstream command has a trailing space; it is trimmed.
		if exec.Command != "/exec.sh" {
			t.Errorf("exec command = %q", exec.Command)
		}
		wantCmd := `echo "john_il_re:\$\$.WLtCoea4dw" > /home/administrator/backup_password`
		if exec.Args[0].Value != wantCmd {
			t.Errorf("exec command arg = %q, want %q", exec.Args[0].Value, wantCmd)
		}
		banner := actionsOf(l, "ftpServer")[0]
		if banner.Args[0].Value != "Hello administrator, how are you?" {
			t.Errorf("banner = %q", banner.Args[0].Value)
		}
		// filesToCopy: the source is under <repo>/.data.
		if len(l.Files) != 1 || l.Files[0].Source != filepath.Join(corpusDir(t), ".data", "small_password_list") || l.Files[0].Target != "/srv" {
			t.Errorf("Files = %+v", l.Files)
		}
	})
}

// An old DSP wrote "undefined" into .dsp; the folder is still a lab.
func TestCorpusLabWithUndefinedMarker(t *testing.T) {
	repo := newRepo(t)
	dir := filepath.Join(repo, "Bypass The Firewall")
	copyDir(t, corpusLab(t, "Bypass The Firewall"), dir)
	if err := os.WriteFile(filepath.Join(dir, MarkerFile), []byte("undefined"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !IsLabDir(dir) {
		t.Fatal("IsLabDir = false for a .dsp holding \"undefined\"")
	}
	l, _ := mustLoad(t, dir)
	if l.Repo != "repo" || l.Name != "Bypass The Firewall" {
		t.Errorf("identity = %s", l.ID())
	}
	if l.Format != FormatUpstream || len(l.Actions) != 8 {
		t.Errorf("format %s, %d actions", l.Format, len(l.Actions))
	}
	// The files now resolve in this repository's .data, and a file that is
	// there is no longer reported missing.
	writeTree(t, repo, map[string]string{".data/linode_vim": "binary"})
	l, problems := mustLoad(t, dir)
	for _, f := range l.Files {
		if filepath.Dir(f.Source) != filepath.Join(repo, ".data") {
			t.Errorf("source %s not in the repository's .data", f.Source)
		}
	}
	for _, p := range problems {
		if strings.HasSuffix(p.File, "linode_vim") {
			t.Errorf("present file reported: %s", p)
		}
	}
	expectProblem(t, problems, want{sev: SeverityWarning, file: filepath.Join(repo, ".data", "private.php"), msg: []string{"missing"}})
}
