package labedit

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	valid := func() *Model {
		return &Model{
			Networks: []Network{
				{ID: "lan", Name: "lan", Subnet: "10.0.0.0/24"},
				{ID: "dmz", Name: "dmz", Subnet: "10.0.1.0/24", Gateway: "10.0.1.254"},
				{ID: "v6", Name: "v6", Subnet: "fd00:1::/64"},
				{ID: "auto", Name: "auto"},
			},
			Services: []Service{
				{ID: "web", Name: "web", Networks: []Attachment{{Network: "lan", IPv4: "10.0.0.2"}, {Network: "dmz", IPv4: "10.0.1.1"}}},
				{ID: "db", Name: "db", DependsOn: nil, Networks: []Attachment{{Network: "lan", IPv4: "10.0.0.3"}, {Network: "auto"}, {Network: "default"}}},
				{ID: "x", Name: "x.y_z-1", DependsOn: []string{"web", "db"}},
			},
		}
	}
	if probs := Check(valid()); len(probs) != 0 {
		t.Fatalf("a valid model has problems: %v", probs)
	}
	tests := []struct {
		name  string
		edit  func(m *Model)
		field string
		text  string
	}{
		{"empty service name", func(m *Model) { m.Services[0].Name = "" }, "services.0.name", "a name is needed"},
		{"service name with a slash", func(m *Model) { m.Services[0].Name = "a/b" }, "services.a/b.name", "not a valid name"},
		{"service name of dots", func(m *Model) { m.Services[0].Name = ".." }, "services....name", "not a valid name"},
		{"service name twice", func(m *Model) { m.Services[1].Name = "web" }, "services.web.name", "used twice"},
		{"network name", func(m *Model) { m.Networks[3].Name = "-x" }, "networks.-x.name", "not a valid name"},
		{"network name twice", func(m *Model) { m.Networks[3].Name = "lan" }, "networks.lan.name", "used twice"},
		{"bad subnet", func(m *Model) { m.Networks[0].Subnet = "10.0.0.0/33" }, "networks.lan.subnet", "not a CIDR"},
		{"overlapping subnets", func(m *Model) { m.Networks[1].Subnet = "10.0.0.128/25"; m.Networks[1].Gateway = "" }, "networks.dmz.subnet", "subnet 10.0.0.128/25 of network dmz overlaps subnet 10.0.0.0/24 of network lan"},
		{"overlapping IPv6 subnets", func(m *Model) { m.Networks[3].Subnet = "fd00:1::/48" }, "networks.auto.subnet", "overlaps subnet fd00:1::/64 of network v6"},
		{"gateway outside", func(m *Model) { m.Networks[1].Gateway = "10.0.2.1" }, "networks.dmz.gateway", "outside subnet 10.0.1.0/24"},
		{"gateway not an address", func(m *Model) { m.Networks[1].Gateway = "gw" }, "networks.dmz.gateway", "not an IP address"},
		{"gateway without subnet", func(m *Model) { m.Networks[3].Gateway = "10.9.0.1" }, "networks.auto.gateway", "needs a subnet"},
		{"address outside", func(m *Model) { m.Services[0].Networks[0].IPv4 = "10.0.5.2" }, "services.web.networks.lan.ipv4", "outside subnet 10.0.0.0/24 of network lan"},
		{"network address", func(m *Model) { m.Services[0].Networks[0].IPv4 = "10.0.0.0" }, "services.web.networks.lan.ipv4", "network address"},
		{"broadcast address", func(m *Model) { m.Services[0].Networks[0].IPv4 = "10.0.0.255" }, "services.web.networks.lan.ipv4", "broadcast address"},
		{"default gateway", func(m *Model) { m.Services[0].Networks[0].IPv4 = "10.0.0.1" }, "services.web.networks.lan.ipv4", "gateway of network lan"},
		{"given gateway", func(m *Model) { m.Services[0].Networks[1].IPv4 = "10.0.1.254" }, "services.web.networks.dmz.ipv4", "gateway of network dmz"},
		{"address twice", func(m *Model) { m.Services[1].Networks[0].IPv4 = "10.0.0.2" }, "services.db.networks.lan.ipv4", "already given to service web"},
		{"not IPv4", func(m *Model) { m.Services[0].Networks[0].IPv4 = "fd00::2" }, "services.web.networks.lan.ipv4", "not an IPv4 address"},
		{"address without subnet", func(m *Model) { m.Services[1].Networks[1].IPv4 = "10.3.0.2" }, "services.db.networks.auto.ipv4", "needs a subnet"},
		{"unknown network", func(m *Model) { m.Services[0].Networks[0].Network = "wan" }, "services.web.networks.wan", "network wan does not exist"},
		{"network twice", func(m *Model) { m.Services[1].Networks[2].Network = "auto" }, "services.db.networks.auto", "attached to network auto twice"},
		{"unknown dependency", func(m *Model) { m.Services[2].DependsOn = []string{"cache"} }, "services.x.y_z-1.dependsOn.cache", "service cache, which does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.edit(m)
			probs := Check(m)
			for _, p := range probs {
				if p.Field == tt.field && strings.Contains(p.Message, tt.text) {
					return
				}
			}
			t.Errorf("problems %+v, want %s: …%s…", probs, tt.field, tt.text)
		})
	}
}

func TestFreeAddress(t *testing.T) {
	tests := []struct {
		subnet, gateway string
		used            []string
		want            string
	}{
		{"192.168.1.0/24", "", nil, "192.168.1.254"},
		{"192.168.1.1/24", "", []string{"192.168.1.254", "192.168.1.252"}, "192.168.1.253"},
		{"192.168.1.0/24", "192.168.1.254", nil, "192.168.1.253"},
		{"192.168.1.0/24", "192.168.1.1", []string{"192.168.1.254"}, "192.168.1.253"},
		{"10.0.0.0/30", "", nil, "10.0.0.2"},
		{"10.0.0.0/30", "", []string{"10.0.0.2"}, ""},
		{"10.0.0.0/31", "", nil, ""},
		{"172.20.0.0/16", "", []string{"172.20.255.254"}, "172.20.255.253"},
		{"fd00:1::/64", "", nil, "fd00:1::ffff:ffff:ffff:ffff"},
		{"fd00:1::/64", "fd00:1::1", []string{"fd00:1::ffff:ffff:ffff:ffff"}, "fd00:1::ffff:ffff:ffff:fffe"},
	}
	for _, tt := range tests {
		m := &Model{
			Networks: []Network{{Name: "other", Subnet: tt.subnet}, {Name: "lan", Subnet: tt.subnet, Gateway: tt.gateway}},
			Services: []Service{{Name: "o", Networks: []Attachment{{Network: "other", IPv4: strings.Replace(tt.subnet, "0/", "9/", 1)}}}},
		}
		for _, ip := range tt.used {
			m.Services = append(m.Services, Service{Name: ip, Networks: []Attachment{{Network: "lan", IPv4: ip}}})
		}
		got, err := FreeAddress(m, "lan")
		if tt.want == "" {
			if err == nil || !strings.Contains(err.Error(), "no free address") {
				t.Errorf("%s used %v: %q, %v; want the network full", tt.subnet, tt.used, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s gateway %q used %v: %q, %v; want %s", tt.subnet, tt.gateway, tt.used, got, err, tt.want)
		}
	}
	m := &Model{Networks: []Network{{Name: "auto"}, {Name: "bad", Subnet: "x"}}}
	for _, n := range []string{"auto", "bad", "none"} {
		if _, err := FreeAddress(m, n); err == nil {
			t.Errorf("FreeAddress on %s succeeded", n)
		}
	}
}
