package catalog_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsp-lab/dsp/examples"
	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/safepath"
)

// corpusDir is the upstream DSP_Projects repository shipped beside the project.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../../shared/corpus/dsp-projects")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("upstream corpus not found at %s", dir)
	}
	return dir
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyDir copies a folder tree with writable permissions.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

func open(t *testing.T, home string, seed fs.FS) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Open(home, seed)
	if err != nil {
		t.Fatalf("Open(%s): %v", home, err)
	}
	return c
}

func repoNames(t *testing.T, c *catalog.Catalog) []string {
	t.Helper()
	repos, err := c.Repos()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range repos {
		out = append(out, r.Name)
	}
	return out
}

func personal(t *testing.T, c *catalog.Catalog) catalog.Repo {
	t.Helper()
	repos, err := c.Repos()
	if err != nil {
		t.Fatal(err)
	}
	var found []catalog.Repo
	for _, r := range repos {
		if r.Personal {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("personal repositories = %+v, want exactly one", found)
	}
	if repos[0].Name != found[0].Name {
		t.Errorf("repositories %+v: the personal one is not first", repos)
	}
	return found[0]
}

const helloCompose = `x-dsp:
  title: Hello
  labels: [CTF]
services:
  box:
    image: busybox
    x-dsp:
      files:
        - {source: files/run.sh, target: /run.sh}
`

// seedFS is a small examples repository.
func seedFS() fstest.MapFS {
	return fstest.MapFS{
		".dsp":                {Data: nil},
		"labels.json":         {Data: []byte(`{"labels":[{"name":"CTF","color":"#9f058e"}]}`)},
		"hello/.dsp":          {Data: nil},
		"hello/compose.yaml":  {Data: []byte(helloCompose)},
		"hello/files/run.sh":  {Data: []byte("#!/bin/sh\necho hi\n")},
		"hello/files/motd":    {Data: []byte("hi\n")},
		"native/compose.yaml": {Data: []byte("x-dsp: {title: Native only}\nservices:\n  a:\n    image: alpine\n")},
	}
}

func TestOpenMissingHomeCreatesPersonalRepo(t *testing.T) {
	home := filepath.Join(t.TempDir(), "not", "yet", "dsp")
	c := open(t, home, nil)
	if c.Home != home {
		t.Errorf("Home = %q, want %q", c.Home, home)
	}
	if c.StateDir() != filepath.Join(home, ".dsp.d") {
		t.Errorf("StateDir = %q", c.StateDir())
	}
	p := personal(t, c)
	if err := safepath.Name(p.Name); err != nil || p.Name == catalog.ExamplesRepo {
		t.Errorf("personal repository name %q: %v", p.Name, err)
	}
	if p.Dir != filepath.Join(home, p.Name) || !p.Trusted || !c.IsTrusted(p.Name) {
		t.Errorf("personal = %+v", p)
	}
	if st, err := os.Stat(filepath.Join(p.Dir, ".dsp")); err != nil || st.IsDir() {
		t.Errorf("personal repository has no .dsp marker: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(p.Dir, "labels.json"))
	if err != nil || strings.TrimSpace(string(data)) != `{"labels":[]}` {
		t.Errorf("labels.json = %q, %v", data, err)
	}
	// Without a seed there are no examples.
	if names := repoNames(t, c); !slices.Equal(names, []string{p.Name}) {
		t.Errorf("repositories = %q", names)
	}
	if _, err := os.Stat(filepath.Join(home, catalog.ExamplesRepo)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("examples installed without a seed: %v", err)
	}
	labs, err := c.LabNames(p.Name)
	if err != nil || len(labs) != 0 {
		t.Errorf("LabNames(personal) = %q, %v", labs, err)
	}
	// The main directory's state folder is never taken for a repository.
	if slices.Contains(repoNames(t, c), ".dsp.d") {
		t.Error(".dsp.d listed as a repository")
	}
}

func TestOpenEmptyHomeWithSeedInstallsExamples(t *testing.T) {
	home := t.TempDir()
	c := open(t, home, seedFS())
	p := personal(t, c)
	if names := repoNames(t, c); !slices.Equal(names, []string{p.Name, catalog.ExamplesRepo}) {
		t.Errorf("repositories = %q, want personal then examples", names)
	}
	repos, _ := c.Repos()
	for _, r := range repos {
		if !r.Trusted {
			t.Errorf("repository %s is not trusted after first use", r.Name)
		}
		if r.Name == catalog.ExamplesRepo {
			if r.Personal || len(r.Labels) != 1 || r.Labels[0].Color != "#9f058e" {
				t.Errorf("examples = %+v", r)
			}
		}
	}
	ex := filepath.Join(home, catalog.ExamplesRepo)
	data, err := os.ReadFile(filepath.Join(ex, "hello", "compose.yaml"))
	if err != nil || string(data) != helloCompose {
		t.Errorf("hello/compose.yaml = %q, %v", data, err)
	}
	if st, err := os.Stat(filepath.Join(ex, "hello", "files", "run.sh")); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("run.sh mode = %v, %v, want 0755", st.Mode(), err)
	}
	if st, err := os.Stat(filepath.Join(ex, "hello", "files", "motd")); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("motd mode = %v, %v, want 0644", st.Mode(), err)
	}
	// A lab is a folder with .dsp, or with only a compose file with x-dsp.
	labs, err := c.LabNames(catalog.ExamplesRepo)
	if err != nil || !slices.Equal(labs, []string{"hello", "native"}) {
		t.Errorf("LabNames(examples) = %q, %v", labs, err)
	}
	l, _, err := c.Load(context.Background(), "examples/hello")
	if err != nil {
		t.Fatal(err)
	}
	if l.Title != "Hello" || len(l.Labels) != 1 || l.Labels[0].Color != "#9f058e" || len(l.Files) != 1 {
		t.Errorf("hello = %q %+v %+v", l.Title, l.Labels, l.Files)
	}

	// Trust and the personal repository survive a reopen, and the seed is
	// not installed twice.
	c2 := open(t, home, seedFS())
	if p2 := personal(t, c2); p2.Name != p.Name || !p2.Trusted || !c2.IsTrusted(catalog.ExamplesRepo) {
		t.Errorf("after reopen: personal %+v, examples trusted %v", p2, c2.IsTrusted(catalog.ExamplesRepo))
	}
}

// The bundled examples work as the first-use seed.
func TestOpenWithBundledExamples(t *testing.T) {
	c := open(t, t.TempDir(), examples.FS())
	repos, entries, err := c.Labs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != 2 {
		t.Errorf("repos = %+v", repos)
	}
	var names []string
	for _, e := range entries {
		if e.Error != nil {
			t.Errorf("%s/%s: %v", e.Repo, e.Name, e.Error)
		}
		names = append(names, e.Repo+"/"+e.Name)
	}
	if !slices.Equal(names, []string{"examples/hello-flag", "examples/routed-network"}) {
		t.Errorf("labs = %q", names)
	}
}

// An upstream main directory (~/dsp with repos.json, lab_states.json and
// lab repositories) is used as it is.
func TestOpenExistingUpstreamMainDir(t *testing.T) {
	home := t.TempDir()
	corpus := corpusDir(t)
	if err := os.Symlink(corpus, filepath.Join(home, "dsp-projects")); err != nil {
		t.Fatal(err)
	}
	upstreamFiles := map[string]string{
		"repos.json":      `[{"name":"dsp-projects","url":"https://github.com/giper45/DSP_Projects.git"}]`,
		"lab_states.json": `[{"repoName":"dsp-projects","labName":"WebGoat","state":"STOPPED"}]`,
	}
	writeTree(t, home, upstreamFiles)

	c := open(t, home, seedFS())
	if names := repoNames(t, c); !slices.Equal(names, []string{"dsp-projects"}) {
		t.Errorf("repositories = %q, want only dsp-projects (no personal, no examples)", names)
	}
	entries, err := os.ReadDir(home)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if want := []string{".dsp.d", "dsp-projects", "lab_states.json", "repos.json"}; !slices.Equal(got, want) {
		t.Errorf("main directory holds %q, want %q", got, want)
	}
	for name, content := range upstreamFiles {
		if data, _ := os.ReadFile(filepath.Join(home, name)); string(data) != content {
			t.Errorf("%s changed: %q", name, data)
		}
	}
	repos, _ := c.Repos()
	if r := repos[0]; r.Personal || r.Trusted || r.Dir != filepath.Join(home, "dsp-projects") || len(r.Labels) == 0 {
		t.Errorf("dsp-projects = %+v, want not personal, not trusted, with its labels", r)
	}

	labs, err := c.LabNames("dsp-projects")
	if err != nil {
		t.Fatal(err)
	}
	if len(labs) != 33 {
		t.Errorf("%d labs, want 33: %q", len(labs), labs)
	}
	for _, want := range []string{"Bypass The Firewall", "Solr 3.5.0 - Arbitrary Data Deletion", "wp56-xdebug", "WebGoat"} {
		if !slices.Contains(labs, want) {
			t.Errorf("lab %q not listed", want)
		}
	}
	for _, notLab := range []string{"CHANGELOG.md", "README.md", "labels.json", ".data"} {
		if slices.Contains(labs, notLab) {
			t.Errorf("%q listed as a lab", notLab)
		}
	}
	// Sorted case-insensitively, as a person reads a list.
	if !slices.IsSortedFunc(labs, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("labs not sorted: %q", labs)
	}

	_, all, err := c.Labs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 33 {
		t.Errorf("Labs lists %d entries", len(all))
	}
	for _, e := range all {
		if e.Error != nil || e.Lab == nil {
			t.Errorf("%s/%s: %v", e.Repo, e.Name, e.Error)
			continue
		}
		if e.Lab.Repo != "dsp-projects" || e.Lab.Name != e.Name {
			t.Errorf("entry %s/%s loads as %s", e.Repo, e.Name, e.Lab.ID())
		}
	}
}

// catalogWithCorpusCopy makes a main directory with a writable copy of the
// corpus as repository "dsp-projects".
func catalogWithCorpusCopy(t *testing.T) (*catalog.Catalog, string) {
	t.Helper()
	home := t.TempDir()
	copyDir(t, corpusDir(t), filepath.Join(home, "dsp-projects"))
	return open(t, home, nil), home
}

func TestResolve(t *testing.T) {
	c, home := catalogWithCorpusCopy(t)
	bypass := filepath.Join(home, "dsp-projects", "Bypass The Firewall")
	for _, ref := range []string{
		"dsp-projects/Bypass The Firewall",
		"DSP-PROJECTS/bypass the firewall",
		"Dsp-Projects/BYPASS THE FIREWALL",
	} {
		got, err := c.Resolve(ref)
		if err != nil || got != bypass {
			t.Errorf("Resolve(%q) = %q, %v, want %q", ref, got, err, bypass)
		}
	}
	got, err := c.Resolve("dsp-projects/Solr 3.5.0 - Arbitrary Data Deletion")
	if err != nil || filepath.Base(got) != "Solr 3.5.0 - Arbitrary Data Deletion" {
		t.Errorf("Resolve(Solr) = %q, %v", got, err)
	}

	l, _, err := c.Load(context.Background(), "dsp-projects/bypass the firewall")
	if err != nil {
		t.Fatal(err)
	}
	if l.ID() != "dsp-projects/Bypass The Firewall" {
		t.Errorf("loaded %s, want the folder's own spelling", l.ID())
	}
}

func TestResolveAmbiguousCase(t *testing.T) {
	c, home := catalogWithCorpusCopy(t)
	repo := filepath.Join(home, "dsp-projects")
	writeTree(t, repo, map[string]string{
		"Twin/.dsp":               "",
		"Twin/docker-compose.yml": "services:\n  a:\n    image: alpine\n",
		"twin/.dsp":               "",
		"twin/docker-compose.yml": "services:\n  b:\n    image: alpine\n",
	})
	if got, err := c.Resolve("dsp-projects/Twin"); err != nil || got != filepath.Join(repo, "Twin") {
		t.Errorf("exact Twin = %q, %v", got, err)
	}
	if got, err := c.Resolve("dsp-projects/twin"); err != nil || got != filepath.Join(repo, "twin") {
		t.Errorf("exact twin = %q, %v", got, err)
	}
	got, err := c.Resolve("dsp-projects/TWIN")
	if err == nil {
		t.Fatalf("Resolve(TWIN) = %q, want an ambiguity error", got)
	}
	var nf *catalog.NotFoundError
	if errors.As(err, &nf) {
		t.Errorf("ambiguity reported as not found: %v", err)
	}
	for _, want := range []string{"ambiguous", `"TWIN"`, "Twin", "twin"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestResolveNotFound(t *testing.T) {
	c, _ := catalogWithCorpusCopy(t)
	tests := []struct {
		ref, kind, name string
	}{
		{"dsp-projects/No Such Lab", "lab", "No Such Lab"},
		{"dsp-projects/%2F..", "lab", "%2F.."}, // a name, never decoded
		{"dsp-projects/Bypass", "lab", "Bypass"},
		{"dsp-projects/CHANGELOG.md", "lab", "CHANGELOG.md"}, // a file, not a lab
		{"nope/Bypass The Firewall", "repository", "nope"},
	}
	for _, tt := range tests {
		got, err := c.Resolve(tt.ref)
		var nf *catalog.NotFoundError
		if !errors.As(err, &nf) {
			t.Errorf("Resolve(%q) = %q, %v, want a *NotFoundError", tt.ref, got, err)
			continue
		}
		if nf.Kind != tt.kind || nf.Name != tt.name {
			t.Errorf("Resolve(%q): NotFoundError %+v, want kind %s name %q", tt.ref, nf, tt.kind, tt.name)
		}
		if !strings.Contains(err.Error(), tt.kind) || !strings.Contains(err.Error(), tt.name) {
			t.Errorf("Resolve(%q): message %q", tt.ref, err)
		}
	}
	if _, _, err := c.Load(context.Background(), "dsp-projects/No Such Lab"); err == nil {
		t.Error("Load of an unknown lab succeeded")
	}
}

func TestResolveRefusesTraversal(t *testing.T) {
	c, home := catalogWithCorpusCopy(t)
	// A target a traversal would reach: a lab beside the main directory.
	writeTree(t, filepath.Dir(home), map[string]string{"x/.dsp": "", "x/docker-compose.yml": "services: {}\n"})
	for _, ref := range []string{
		"dsp-projects/..",
		"dsp-projects/.",
		"../x",
		"./dsp-projects",
		"dsp-projects/../dsp-projects/WebGoat",
		"dsp-projects/WebGoat/..",
		"dsp-projects/a/b",
		"/etc/passwd",
		"dsp-projects/Web\x00Goat",
		"dsp-projects\x00/WebGoat",
		`dsp-projects/..\..\x`,
		`dsp-projects\..\x/WebGoat`,
		"dsp-projects/.data",
		"dsp-projects",
		"dsp-projects/",
		"/WebGoat",
		"",
		"dsp-projects/ WebGoat",
	} {
		got, err := c.Resolve(ref)
		if err == nil {
			t.Errorf("Resolve(%q) = %q, want an error", ref, got)
			continue
		}
		if got != "" {
			t.Errorf("Resolve(%q) returned %q with its error", ref, got)
		}
		var nf *catalog.NotFoundError
		if errors.As(err, &nf) {
			t.Errorf("Resolve(%q) = %v: a refused reference is not a missing lab", ref, err)
		}
	}
}

// A lab folder that is a symbolic link out of its repository is not listed
// and cannot be resolved; a link inside the repository is fine.
func TestLabLinkedOutsideRepoIsNotListed(t *testing.T) {
	home := t.TempDir()
	outside := filepath.Join(t.TempDir(), "elsewhere", "Spy")
	writeTree(t, outside, map[string]string{".dsp": "", "docker-compose.yml": "services:\n  a:\n    image: alpine\n"})
	c := open(t, home, nil)
	p := personal(t, c)
	writeTree(t, p.Dir, map[string]string{"Real/.dsp": "", "Real/docker-compose.yml": "services:\n  a:\n    image: alpine\n"})
	if err := os.Symlink(outside, filepath.Join(p.Dir, "Spy")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc", filepath.Join(p.Dir, "etc")); err != nil {
		t.Fatal(err)
	}
	labs, err := c.LabNames(p.Name)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(labs, []string{"Real"}) {
		t.Errorf("LabNames = %q, want only Real", labs)
	}
	_, err = c.Resolve(p.Name + "/Spy")
	var nf *catalog.NotFoundError
	if !errors.As(err, &nf) {
		t.Errorf("Resolve(Spy) = %v, want not found", err)
	}
	_, entries, err := c.Labs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name == "Spy" {
			t.Error("Labs lists the linked-out lab")
		}
	}
}

func TestLabNamesRefusesBadRepo(t *testing.T) {
	c, _ := catalogWithCorpusCopy(t)
	for _, repo := range []string{"..", "../..", "a/b", "", ".dsp.d"} {
		if labs, err := c.LabNames(repo); err == nil {
			t.Errorf("LabNames(%q) = %q, want an error", repo, labs)
		}
	}
	if _, err := c.LabNames("missing"); err == nil {
		t.Error("LabNames(missing) succeeded")
	}
}

func TestSetTrusted(t *testing.T) {
	c, home := catalogWithCorpusCopy(t)
	if c.IsTrusted("dsp-projects") {
		t.Fatal("a repository found on disk is trusted without consent")
	}
	err := c.SetTrusted("unknown", true)
	if err == nil || !strings.Contains(err.Error(), `"unknown"`) {
		t.Errorf("SetTrusted(unknown) = %v, want an error naming it", err)
	}
	if c.IsTrusted("unknown") {
		t.Error("unknown repository became trusted")
	}
	for _, bad := range []string{"..", "../dsp-projects", ".dsp.d"} {
		if err := c.SetTrusted(bad, true); err == nil {
			t.Errorf("SetTrusted(%q) succeeded", bad)
		}
	}
	if err := c.SetTrusted("dsp-projects", true); err != nil {
		t.Fatal(err)
	}
	if err := c.SetTrusted("dsp-projects", true); err != nil { // idempotent
		t.Fatal(err)
	}
	repos, _ := c.Repos()
	if !repos[0].Trusted {
		t.Errorf("Repos = %+v", repos)
	}

	// The consent survives a reopen, once.
	c2 := open(t, home, nil)
	if !c2.IsTrusted("dsp-projects") {
		t.Error("trust lost on reopen")
	}
	data, err := os.ReadFile(filepath.Join(home, ".dsp.d", "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), `"dsp-projects"`); n != 1 {
		t.Errorf("config.json lists dsp-projects %d times: %s", n, data)
	}

	// Withdrawing it survives too.
	if err := c2.SetTrusted("dsp-projects", false); err != nil {
		t.Fatal(err)
	}
	if c3 := open(t, home, nil); c3.IsTrusted("dsp-projects") {
		t.Error("withdrawn trust came back on reopen")
	}
	// A catalog opened earlier (dsp serve) sees what another (dsp repo
	// trust, in another process) changed, at once.
	if c.IsTrusted("dsp-projects") {
		t.Error("the first catalog still trusts dsp-projects after another withdrew it")
	}
	if err := c2.SetTrusted("dsp-projects", true); err != nil {
		t.Fatal(err)
	}
	if !c.IsTrusted("dsp-projects") {
		t.Error("the first catalog does not see the trust another gave")
	}
	if repos, _ := c.Repos(); !repos[0].Trusted {
		t.Errorf("Repos of the first catalog = %+v, want dsp-projects trusted", repos)
	}
	if err := c2.SetTrusted("dsp-projects", false); err != nil {
		t.Fatal(err)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(filepath.Join(home, ".dsp.d"))
	for _, e := range entries {
		if e.Name() != "config.json" {
			t.Errorf("left in the state folder: %s", e.Name())
		}
	}
}

func TestOpenErrors(t *testing.T) {
	t.Run("broken config", func(t *testing.T) {
		home := t.TempDir()
		writeTree(t, home, map[string]string{".dsp.d/config.json": "{not json"})
		_, err := catalog.Open(home, nil)
		if err == nil || !strings.Contains(err.Error(), "config.json") {
			t.Errorf("Open = %v, want an error naming config.json", err)
		}
	})
	t.Run("home is a file", func(t *testing.T) {
		home := filepath.Join(t.TempDir(), "file")
		writeTree(t, filepath.Dir(home), map[string]string{"file": "x"})
		if _, err := catalog.Open(home, nil); err == nil {
			t.Error("Open on a file succeeded")
		}
	})
}

// Invalid labs are listed with their error, and the lab as far as it was read.
func TestLabsListsInvalidLabs(t *testing.T) {
	c := open(t, t.TempDir(), nil)
	p := personal(t, c)
	writeTree(t, p.Dir, map[string]string{
		"good/.dsp":               "",
		"good/docker-compose.yml": "services:\n  a:\n    image: alpine\n",
		"bad/.dsp":                "",
		"bad/docker-compose.yml":  "services:\n  a:\n    volumes: ['/etc:/x']\n    image: alpine\n",
		"notalab/README.md":       "no marker",
		".hidden/.dsp":            "",
	})
	_, entries, err := c.Labs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Name != "bad" || entries[1].Name != "good" {
		t.Fatalf("entries = %+v", entries)
	}
	var inv *lab.InvalidError
	if !errors.As(entries[0].Error, &inv) || entries[0].Lab == nil {
		t.Errorf("bad: %v (lab %v), want an *InvalidError with the lab", entries[0].Error, entries[0].Lab)
	}
	if entries[1].Error != nil || entries[1].Repo != p.Name {
		t.Errorf("good: %+v", entries[1])
	}
}

func TestCreateRepoAndInstallSeed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mine")
	writeTree(t, dir, map[string]string{"labels.json": `{"labels":[{"name":"Kept"}]}`})
	if err := catalog.CreateRepo(dir); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "labels.json")); !strings.Contains(string(data), "Kept") {
		t.Errorf("CreateRepo replaced labels.json: %s", data)
	}
	if _, err := os.Stat(filepath.Join(dir, ".dsp")); err != nil {
		t.Error(err)
	}
	err := catalog.InstallSeed(seedFS(), dir)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("InstallSeed over an existing folder = %v", err)
	}
}

func TestDefaultHome(t *testing.T) {
	t.Setenv("HOME", "/home/someone")
	if got := catalog.DefaultHome(); got != "/home/someone/dsp" {
		t.Errorf("DefaultHome = %q", got)
	}
}

// A first use whose examples cannot be installed (a folder called examples
// is in the way) still leaves a personal, trusted repository behind.
func TestOpenSeedFailureKeepsPersonalRepo(t *testing.T) {
	home := t.TempDir()
	writeTree(t, home, map[string]string{"examples/notes.txt": "mine"})
	_, err := catalog.Open(home, seedFS())
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Open = %v, want the examples folder reported", err)
	}
	if data, _ := os.ReadFile(filepath.Join(home, "examples", "notes.txt")); string(data) != "mine" {
		t.Error("the user's examples folder was changed")
	}
	c := open(t, home, seedFS())
	p := personal(t, c)
	if !p.Trusted {
		t.Errorf("personal repository %s lost its trust after a failed first use", p.Name)
	}
}
