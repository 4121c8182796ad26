package wrapper

import "testing"

func TestRuleCheck(t *testing.T) {
	const user = `^[a-zA-Z0-9_-]+$`
	tests := []struct {
		name    string
		rule    Rule
		value   string
		wantErr string
	}{
		{"empty rule accepts anything", Rule{}, "a b; rm -rf / $(id)", ""},
		{"empty rule accepts empty", Rule{}, "", ""},

		{"pattern match", Rule{Pattern: user}, "john_il-re9", ""},
		{"pattern space", Rule{Pattern: user}, "a b", `value "a b" does not match pattern ^[a-zA-Z0-9_-]+$`},
		{"pattern semicolon", Rule{Pattern: user}, "a;id", `does not match pattern`},
		{"pattern newline", Rule{Pattern: user}, "a\nb", `does not match pattern`},
		{"pattern empty value", Rule{Pattern: user}, "", `value "" does not match pattern`},
		{"pattern star allows empty", Rule{Pattern: `^[a-z]*$`}, "", ""},
		{"pattern unanchored like JS", Rule{Pattern: `abc`}, "xxabcxx", ""},
		{"pattern unanchored reject", Rule{Pattern: `abc`}, "ab", `value "ab" does not match pattern abc`},
		{"bad pattern", Rule{Pattern: `^[a-z`}, "abc", "rule pattern ^[a-z does not compile"},
		{"lookahead unsupported", Rule{Pattern: `^(?=a)`}, "a", "does not compile"},

		{"ip v4", Rule{Name: RuleIP}, "192.168.1.2", ""},
		{"ip v6", Rule{Name: RuleIP}, "2001:db8::1", ""},
		{"ip out of range", Rule{Name: RuleIP}, "300.1.1.1", `value "300.1.1.1" is not an IP address`},
		{"ip short", Rule{Name: RuleIP}, "1.2.3", "is not an IP address"},
		{"ip empty", Rule{Name: RuleIP}, "", `value "" is not an IP address`},
		{"ip with prefix", Rule{Name: RuleIP}, "10.0.0.1/8", "is not an IP address"},
		{"ip with zone", Rule{Name: RuleIP}, "fe80::1%eth0", "is not an IP address"},
		{"ip with injection", Rule{Name: RuleIP}, "1.2.3.4;id", "is not an IP address"},
		{"ip hostname", Rule{Name: RuleIP}, "router", "is not an IP address"},

		{"subnet network", Rule{Name: RuleSubnet}, "10.0.0.0/8", ""},
		{"subnet host bits", Rule{Name: RuleSubnet}, "192.168.1.1/24", ""},
		{"subnet v6", Rule{Name: RuleSubnet}, "2001:db8::/32", ""},
		{"subnet no prefix", Rule{Name: RuleSubnet}, "192.168.1.0", `value "192.168.1.0" is not a subnet`},
		{"subnet prefix too long", Rule{Name: RuleSubnet}, "192.168.1.0/33", "is not a subnet"},
		{"subnet bad address", Rule{Name: RuleSubnet}, "300.1.1.0/24", "is not a subnet"},
		{"subnet empty", Rule{Name: RuleSubnet}, "", "is not a subnet"},
		{"subnet trailing junk", Rule{Name: RuleSubnet}, "10.0.0.0/8 ", "is not a subnet"},

		{"alphaNumeric ok", Rule{Name: RuleAlphaNumeric}, "abcXYZ019", ""},
		{"alphaNumeric underscore", Rule{Name: RuleAlphaNumeric}, "a_b", `value "a_b" is not alphanumeric`},
		{"alphaNumeric space", Rule{Name: RuleAlphaNumeric}, "a b", "is not alphanumeric"},
		{"alphaNumeric non-ASCII", Rule{Name: RuleAlphaNumeric}, "é", "is not alphanumeric"},
		{"alphaNumeric empty", Rule{Name: RuleAlphaNumeric}, "", "is not alphanumeric"},

		{"unknown name", Rule{Name: "email"}, "a@b", `unknown rule name "email"`},
		{"name is case-sensitive", Rule{Name: "IP"}, "1.2.3.4", `unknown rule name "IP"`},

		{"pattern and name both pass", Rule{Pattern: `^10\.`, Name: RuleIP}, "10.1.2.3", ""},
		{"pattern and name: pattern fails", Rule{Pattern: `^10\.`, Name: RuleIP}, "11.1.2.3", "does not match pattern"},
		{"pattern and name: name fails", Rule{Pattern: `^10\.`, Name: RuleIP}, "10.1.2", "is not an IP address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.rule.Check(tt.value), tt.wantErr)
		})
	}
}

func TestRuleCheckExactMessages(t *testing.T) {
	tests := []struct {
		rule  Rule
		value string
		want  string
	}{
		{Rule{Pattern: `^[a-z]+$`}, "x y", `value "x y" does not match pattern ^[a-z]+$`},
		{Rule{Name: RuleIP}, "300.1.1.1", `value "300.1.1.1" is not an IP address`},
	}
	for _, tt := range tests {
		err := tt.rule.Check(tt.value)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%+v.Check(%q) = %v, want %q", tt.rule, tt.value, err, tt.want)
		}
	}
}

func TestRuleValidate(t *testing.T) {
	tests := []struct {
		name    string
		rule    Rule
		wantErr string
	}{
		{"empty", Rule{}, ""},
		{"upstream pattern", Rule{Pattern: `^[a-zA-Z0-9_-]+$`}, ""},
		{"ip", Rule{Name: RuleIP}, ""},
		{"subnet", Rule{Name: RuleSubnet}, ""},
		{"alphaNumeric", Rule{Name: RuleAlphaNumeric}, ""},
		{"bad pattern", Rule{Pattern: `(`}, "rule pattern ( does not compile"},
		{"unknown name", Rule{Name: "port"}, `unknown rule name "port"`},
		{"unknown name with good pattern", Rule{Pattern: `.`, Name: "port"}, `unknown rule name "port"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.rule.Validate(), tt.wantErr)
		})
	}
}
