package wrapper

import (
	"fmt"
	"net/netip"
	"regexp"
)

// Names of the built-in rules a Rule may refer to instead of a pattern.
const (
	RuleIP           = "ip"           // an IPv4 or IPv6 address, without zone
	RuleSubnet       = "subnet"       // CIDR notation; host bits may be set (192.168.1.1/24)
	RuleAlphaNumeric = "alphaNumeric" // one or more ASCII letters or digits
)

// alphaNumericRE is the fixed pattern behind RuleAlphaNumeric.
var alphaNumericRE = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// Rule constrains an argument value: a regular expression or a named rule.
//
// Upstream patterns were written for JavaScript's RegExp; they are compiled
// with Go's regexp package (RE2 syntax), which covers the patterns used in
// practice (^[a-zA-Z0-9_-]+$ and the like). As in JavaScript, a pattern is
// not implicitly anchored: write ^ and $ to match the whole value. When both
// Pattern and Name are set, the value must satisfy both.
type Rule struct {
	Pattern string `json:"pattern,omitempty"` // regular expression
	Name    string `json:"name,omitempty"`    // RuleIP, RuleSubnet or RuleAlphaNumeric
}

// IsZero reports whether the rule sets no constraint.
func (r Rule) IsZero() bool {
	return r.Pattern == "" && r.Name == ""
}

// Validate reports whether the rule itself is usable: its pattern compiles
// and its name is a known rule.
func (r Rule) Validate() error {
	_, err := r.compile()
	return err
}

// Check returns nil if the rule is empty or value satisfies it, and an error
// quoting the value otherwise. An unusable rule is an error too.
//
// An empty value is checked like any other: it fails a pattern that requires
// at least one character and every named rule.
func (r Rule) Check(value string) error {
	re, err := r.compile()
	if err != nil {
		return err
	}
	if re != nil && !re.MatchString(value) {
		return fmt.Errorf("value %q does not match pattern %s", value, r.Pattern)
	}
	if r.Name != "" {
		return checkNamed(r.Name, value)
	}
	return nil
}

// compile validates the rule and returns its compiled pattern, or nil when
// the rule has no pattern.
func (r Rule) compile() (*regexp.Regexp, error) {
	if r.Name != "" && !knownRuleName(r.Name) {
		return nil, fmt.Errorf("unknown rule name %q (want %s, %s or %s)",
			r.Name, RuleIP, RuleSubnet, RuleAlphaNumeric)
	}
	if r.Pattern == "" {
		return nil, nil
	}
	re, err := regexp.Compile(r.Pattern)
	if err != nil {
		return nil, fmt.Errorf("rule pattern %s does not compile: %w", r.Pattern, err)
	}
	return re, nil
}

// knownRuleName reports whether name is one of the built-in rule names.
func knownRuleName(name string) bool {
	switch name {
	case RuleIP, RuleSubnet, RuleAlphaNumeric:
		return true
	}
	return false
}

// checkNamed checks value against the built-in rule called name, which must
// be known.
func checkNamed(name, value string) error {
	switch name {
	case RuleIP:
		if a, err := netip.ParseAddr(value); err != nil || a.Zone() != "" {
			return fmt.Errorf("value %q is not an IP address", value)
		}
	case RuleSubnet:
		// ParsePrefix accepts host bits (192.168.1.1/24), as upstream labs use.
		// Go's parser rejects zones and leading zeros in IPv4 octets.
		if _, err := netip.ParsePrefix(value); err != nil {
			return fmt.Errorf("value %q is not a subnet in CIDR notation", value)
		}
	case RuleAlphaNumeric:
		if !alphaNumericRE.MatchString(value) {
			return fmt.Errorf("value %q is not alphanumeric", value)
		}
	}
	return nil
}
