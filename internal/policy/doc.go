package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Markdown renders the policy table for people: the keys passed on as
// they are, then one row per key that is refused, needs a trusted
// repository, or has values that do.
func Markdown() string {
	var plain []string
	var b strings.Builder
	b.WriteString("| key | access | what it gives a lab, or which values are not simply allowed |\n")
	b.WriteString("|---|---|---|\n")
	for _, section := range []struct {
		prefix string
		table  Table
	}{
		{"", projectTable},
		{"services.*.", serviceTable},
		{"jobs.*.", allow("triggers")},
		{"networks.*.", networkTable},
		{"volumes.*.", volumeTable},
		{"configs.*.", fileObjectTable},
	} {
		plain = writeRows(&b, section.prefix, section.table, plain)
	}
	sort.Strings(plain)
	return "Passed on as they are: `" + strings.Join(plain, "`, `") + "`.\n\n" + b.String() +
		"\n`secrets.*` follows `configs.*`; jobs and pre_start hooks follow the rows of services. `x-` extension keys are dsp's own and Compose ignores them. Any other key is refused.\n"
}

// writeRows writes the rows of a table and returns plain with the keys
// that are simply allowed added.
func writeRows(b *strings.Builder, prefix string, t Table, plain []string) []string {
	for _, k := range t {
		name := prefix + k.Name
		switch {
		case k.Access == Allowed && k.Why == "" && k.Fields == nil && k.Each == nil:
			plain = append(plain, name)
		case k.Access == Allowed && k.Why == "":
		default:
			access := map[Access]string{Allowed: "allowed", Trusted: "trusted only", Refused: "refused"}[k.Access]
			why := k.Why
			if rest, ok := strings.CutPrefix(why, "trusted only: "); ok && k.Access == Allowed {
				access, why = "trusted only", rest
			}
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", name, access, why)
		}
		if k.Fields != nil {
			plain = writeRows(b, name+".", k.Fields, plain)
		}
		if k.Each != nil && k.Name != "pre_start" && prefix != "" {
			plain = writeRows(b, name+".*.", k.Each, plain)
		}
	}
	return plain
}
