package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/moby/term"
	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/gitrepo"
)

func newRepoCommand(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{Use: "repo", Short: "Lab repositories in the main directory: add them from git, update, publish"})
	trust := &cobra.Command{
		Use:   "trust REPO",
		Short: "Allow the labs of REPO to ask for privileges (privileged, host namespaces, devices, powerful capabilities)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.setTrusted(cmd, args[0], true)
		},
	}
	untrust := &cobra.Command{
		Use:   "untrust REPO",
		Short: "Withdraw the trust given to REPO",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.setTrusted(cmd, args[0], false)
		},
	}
	cmd.AddCommand(newRepoListCommand(c), newRepoAddCommand(c), newRepoUpdateCommand(c), newRepoRemoveCommand(c),
		newRepoPublishCommand(c), newRepoCredentialsCommand(c), newRepoSuggestionsCommand(c),
		trust, untrust, newRepoExposeCommand(c, true), newRepoExposeCommand(c, false))
	return cmd
}

func newRepoListCommand(c *cli) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the repositories: where each stands against its remote, local changes, trust",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := c.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			repos, err := a.RepoInfos()
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), repos)
			}
			w := newTable(cmd.OutOrStdout())
			fmt.Fprintln(w, "REPOSITORY\tLABS\tTRUSTED\tBRANCH\tCOMMIT\tAHEAD/BEHIND\tCHANGED FILES\tURL")
			for _, r := range repos {
				trusted := yesNo(r.Trusted)
				if r.Personal {
					trusted = "personal"
				}
				branch, commit, ab, dirty, url := "-", "-", "-", "-", "-"
				if g := r.Git; g != nil {
					branch, commit, ab, dirty, url = g.Branch, shortHash(g.Commit), fmt.Sprintf("%d/%d", g.Ahead, g.Behind), fmt.Sprint(len(g.Dirty)), g.URL
				}
				fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Labs, trusted, branch, commit, ab, dirty, url)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			for _, r := range repos {
				if len(r.TrustDropped) > 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "\n%s is no longer trusted: an update made its labs ask for\n  %s\n(dsp repo trust %s to trust it again)\n", r.Name, strings.Join(r.TrustDropped, "\n  "), quoteArg(r.Name))
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document (see README)")
	return cmd
}

func shortHash(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	if h == "" {
		return "-"
	}
	return h
}

// authFlags are the credential flags of the commands that talk to a
// remote.
type authFlags struct {
	username   string
	tokenStdin bool
	tokenFile  string
	sshKey     string
	acceptKey  string
}

func (f *authFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.username, "username", "", "user name for HTTPS (or SSH, instead of the URL's)")
	cmd.Flags().BoolVar(&f.tokenStdin, "token-stdin", false, "read an HTTPS token or password from the first line of standard input")
	cmd.Flags().StringVar(&f.tokenFile, "token-file", "", "read an HTTPS token or password from the first line of this file")
	cmd.Flags().StringVar(&f.sshKey, "ssh-key", "", "private key file for SSH (unencrypted; else a running ssh-agent is used)")
	cmd.Flags().StringVar(&f.acceptKey, "accept-host-key", "", "accept an unknown SSH host key with this fingerprint (SHA256:…) without asking")
	cmd.MarkFlagsMutuallyExclusive("token-stdin", "token-file")
}

// auth reads the credentials the flags give. Tokens never come from the
// command line itself, where other users of the machine could read them.
func (f *authFlags) auth(in io.Reader) (gitrepo.Auth, error) {
	auth := gitrepo.Auth{Username: f.username, SSHKey: f.sshKey}
	switch {
	case f.tokenStdin:
		token, err := firstLine(in)
		if err != nil {
			return auth, fmt.Errorf("--token-stdin: %w", err)
		}
		auth.Token = token
	case f.tokenFile != "":
		file, err := os.Open(f.tokenFile)
		if err != nil {
			return auth, fmt.Errorf("--token-file: %w", err)
		}
		defer file.Close()
		if auth.Token, err = firstLine(file); err != nil {
			return auth, fmt.Errorf("--token-file %s: %w", f.tokenFile, err)
		}
	}
	return auth, nil
}

func firstLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no token given")
	}
	return line, nil
}

// withHostKey runs fn; when an SSH server shows a host key dsp does not
// know, it shows the fingerprint and, on a terminal, asks whether to
// accept it, then runs fn again with the answer.
func withHostKey(cmd *cobra.Command, accept *string, fn func() error) error {
	err := fn()
	var hk *gitrepo.HostKeyError
	if !errors.As(err, &hk) || hk.Changed || *accept != "" {
		return err
	}
	yes, asked := confirm(cmd, fmt.Sprintf("The SSH host key of %s is not known to dsp.\nIts fingerprint is %s.\nAccept it (it is then remembered)?", hk.Host, hk.Fingerprint))
	if !asked {
		return fmt.Errorf("%w\nto accept it: --accept-host-key %s", err, hk.Fingerprint)
	}
	if !yes {
		return errors.New("host key not accepted: nothing was done")
	}
	*accept = hk.Fingerprint
	return fn()
}

// confirm asks a yes/no question on the terminal; asked is false when
// standard input is not a terminal (scripts must say yes with a flag).
func confirm(cmd *cobra.Command, question string) (yes, asked bool) {
	in, ok := cmd.InOrStdin().(*os.File)
	if !ok || !term.IsTerminal(in.Fd()) {
		return false, false
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "%s [y/N] ", question)
	answer, _ := bufio.NewReader(in).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes", true
}

func newRepoAddCommand(c *cli) *cobra.Command {
	var name, branch string
	var plain bool
	var af authFlags
	cmd := &cobra.Command{
		Use:   "add URL",
		Short: "Clone a lab repository into the main directory (HTTPS, SSH, file:// or a local path), untrusted",
		Long: `Clone a lab repository into the main directory, with progress. URL is
https://host/path (public, or with --username and a token), ssh://user@host/path
or user@host:path (with --ssh-key or an ssh-agent), file:///path or a local path.
Tokens are read from standard input or a file, kept in dsp's credentials file
(mode 0600) and never written into the repository's .git/config. An SSH host key
dsp does not know is shown with its fingerprint and must be accepted once.
The new repository is not trusted: its labs may not ask for privileges until
` + "`dsp repo trust REPO`" + `.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			auth, err := af.auth(cmd.InOrStdin())
			if err != nil {
				return err
			}
			a, err := c.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			var info app.RepoInfo
			err = withHostKey(cmd, &af.acceptKey, func() error {
				r := newRenderer(cmd.OutOrStdout(), plain)
				defer r.Close()
				var err error
				info, err = a.AddRepo(ctx, app.AddRepoRequest{URL: args[0], Name: name, Branch: branch, Auth: auth, AcceptHostKey: af.acceptKey}, r.Event)
				return err
			})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "added repository %s (%d labs) in %s\n", info.Name, info.Labs, info.Dir)
			if info.Labs == 0 {
				fmt.Fprintln(out, "warning: it holds no lab (a folder with a .dsp file, or a compose file with an x-dsp section)")
			}
			fmt.Fprintf(out, "it is not trusted: its labs may not ask for privileges; see what a lab asks for with `dsp lab show %s/LAB`, then `dsp repo trust %s`\n", quoteArg(info.Name), quoteArg(info.Name))
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the repository's name in the main directory (default: the URL's last element)")
	cmd.Flags().StringVar(&branch, "branch", "", "the branch to check out (default: the remote's default branch)")
	cmd.Flags().BoolVar(&plain, "plain", false, "print progress as plain lines, even on a terminal")
	af.register(cmd)
	return cmd
}

func newRepoUpdateCommand(c *cli) *cobra.Command {
	var all, keepLocal, plain bool
	var acceptKey string
	cmd := &cobra.Command{
		Use:   "update REPO... | --all",
		Short: "Fast-forward repositories to their remotes (refused while one of their labs runs)",
		Long: `Fetch each repository's remote and fast-forward its checkout. An update is
refused while a lab of the repository runs, and when it would overwrite files you
edited (it names them; --keep-local keeps your copy beside the new file as
FILE.local). When a trusted repository's labs ask for something new after the
update, dsp withdraws the trust and says what changed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return &usageError{msg: "name the repositories to update, or give --all"}
			}
			ctx := cmd.Context()
			a, err := c.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			if all {
				repos, err := a.RepoInfos()
				if err != nil {
					return err
				}
				for _, r := range repos {
					if r.Git != nil && r.Git.URL != "" {
						args = append(args, r.Name)
					}
				}
			}
			var failed []error
			for _, name := range args {
				err := withHostKey(cmd, &acceptKey, func() error {
					r := newRenderer(cmd.OutOrStdout(), plain)
					defer r.Close()
					res, err := a.UpdateRepo(ctx, name, app.UpdateRepoOptions{KeepLocal: keepLocal, AcceptHostKey: acceptKey, Progress: r.Event})
					if err == nil {
						printUpdate(cmd.OutOrStdout(), res)
					}
					return err
				})
				if err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "dsp: %s\n", hint(err))
					failed = append(failed, err)
				}
			}
			if len(failed) > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "dsp: %d of %d repositories were not updated\n", len(failed), len(args))
				return &exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "update every repository that has a remote")
	cmd.Flags().BoolVar(&keepLocal, "keep-local", false, "update over files you edited, keeping your copy of each beside it as FILE.local")
	cmd.Flags().BoolVar(&plain, "plain", false, "print progress as plain lines, even on a terminal")
	cmd.Flags().StringVar(&acceptKey, "accept-host-key", "", "accept an unknown SSH host key with this fingerprint (SHA256:…) without asking")
	return cmd
}

func printUpdate(out io.Writer, res *app.RepoUpdate) {
	if res.From == res.To {
		fmt.Fprintf(out, "%s is up to date (%s)\n", res.Repo, shortHash(res.To))
	} else {
		fmt.Fprintf(out, "%s updated %s → %s: %d files changed\n", res.Repo, shortHash(res.From), shortHash(res.To), len(res.Changed))
	}
	for _, k := range res.Kept {
		fmt.Fprintf(out, "  your edited %s is kept as %s\n", k.Path, k.Copy)
	}
	if len(res.TrustDropped) > 0 {
		fmt.Fprintf(out, "%s is no longer trusted: its labs now ask for\n  %s\nreview them, then `dsp repo trust %s`\n", res.Repo, strings.Join(res.TrustDropped, "\n  "), quoteArg(res.Repo))
	} else if len(res.NewRisks) > 0 {
		fmt.Fprintf(out, "its labs now also ask for:\n  %s\n", strings.Join(res.NewRisks, "\n  "))
	}
}

func newRepoRemoveCommand(c *cli) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:     "rm REPO",
		Aliases: []string{"remove"},
		Short:   "Delete a repository from the main directory, with its credentials (refused while one of its labs runs)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, err := c.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			info, err := a.RepoInfo(args[0])
			if err != nil {
				return err
			}
			if !yes {
				warn := ""
				if info.Git != nil && (len(info.Git.Dirty) > 0 || info.Git.Ahead > 0) {
					warn = fmt.Sprintf(" It has %d changed files and %d commits not pushed, which are lost.", len(info.Git.Dirty), info.Git.Ahead)
				}
				ok, asked := confirm(cmd, fmt.Sprintf("Delete %s and its %d labs?%s", info.Dir, info.Labs, warn))
				if !asked {
					return &usageError{msg: fmt.Sprintf("this deletes %s and its %d labs: confirm with --yes", info.Dir, info.Labs)}
				}
				if !ok {
					return errors.New("nothing was deleted")
				}
			}
			if err := a.RemoveRepo(ctx, info.Name); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "removed repository %s\n", info.Name)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func newRepoPublishCommand(c *cli) *cobra.Command {
	var remote, message string
	var plain bool
	var af authFlags
	cmd := &cobra.Command{
		Use:   "publish [--remote URL] [-m MESSAGE]",
		Short: "Commit every change of your personal repository and push it (--remote links it to a remote first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			auth, err := af.auth(cmd.InOrStdin())
			if err != nil {
				return err
			}
			a, err := c.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			var res *app.PublishResult
			err = withHostKey(cmd, &af.acceptKey, func() error {
				r := newRenderer(cmd.OutOrStdout(), plain)
				defer r.Close()
				var err error
				res, err = a.Publish(ctx, app.PublishRequest{Remote: remote, Message: message, Auth: auth, AcceptHostKey: af.acceptKey}, r.Event)
				return err
			})
			if err != nil {
				return err
			}
			if res.Commit != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "committed %d files as %s and pushed %s to %s\n", len(res.Files), shortHash(res.Commit), res.Branch, res.URL)
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "nothing new to commit; pushed %s to %s\n", res.Branch, res.URL)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&remote, "remote", "", "link the personal repository to this remote URL first")
	cmd.Flags().StringVarP(&message, "message", "m", "", "the commit message")
	cmd.Flags().BoolVar(&plain, "plain", false, "print progress as plain lines, even on a terminal")
	af.register(cmd)
	return cmd
}

func newRepoCredentialsCommand(c *cli) *cobra.Command {
	var forget bool
	var af authFlags
	cmd := &cobra.Command{
		Use:   "credentials REPO (--token-stdin | --token-file F | --ssh-key FILE | --forget)",
		Short: "Replace or forget the credentials dsp keeps for a repository",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			auth, err := af.auth(cmd.InOrStdin())
			if err != nil {
				return err
			}
			if forget == !auth.IsZero() {
				return &usageError{msg: "give new credentials (--token-stdin, --token-file, --ssh-key) or --forget"}
			}
			a, err := c.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.SetRepoCredentials(args[0], auth); err != nil {
				return err
			}
			if forget {
				fmt.Fprintf(cmd.OutOrStdout(), "forgot the credentials of %s\n", args[0])
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "replaced the credentials of %s\n", args[0])
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&forget, "forget", false, "forget the credentials")
	af.register(cmd)
	_ = cmd.Flags().MarkHidden("accept-host-key")
	return cmd
}

func newRepoSuggestionsCommand(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "suggestions",
		Short: "List known public lab repositories (add one with dsp repo add URL)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := c.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			list, err := a.Suggestions()
			if err != nil {
				return err
			}
			w := newTable(cmd.OutOrStdout())
			fmt.Fprintln(w, "NAME\tADDED\tURL\tDESCRIPTION")
			for _, s := range list {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", s.Name, yesNo(s.Added), s.URL, s.Description)
			}
			return w.Flush()
		},
	}
}
func newRepoExposeCommand(c *cli, expose bool) *cobra.Command {
	use, short := "expose REPO", "Offer the published ports of every lab of REPO to the network from their next start on"
	if !expose {
		use, short = "unexpose REPO", "Keep the published ports of the labs of REPO on 127.0.0.1"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := c.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.SetExposed(args[0], "", expose); err != nil {
				return err
			}
			word := "offered to the network"
			if !expose {
				word = "kept on 127.0.0.1 (labs exposed one by one stay exposed)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "the ports of the labs of %s are %s from their next start on\n", args[0], word)
			return nil
		},
	}
}

func (c *cli) setTrusted(cmd *cobra.Command, repo string, trusted bool) error {
	a, err := c.open(cmd.Context())
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.SetTrusted(repo, trusted); err != nil {
		return err
	}
	if trusted {
		fmt.Fprintf(cmd.OutOrStdout(), "repository %s is trusted\n", repo)
	} else {
		fmt.Fprintf(cmd.OutOrStdout(), "repository %s is no longer trusted\n", repo)
	}
	return nil
}
