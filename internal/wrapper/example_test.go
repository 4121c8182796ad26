package wrapper_test

import (
	"fmt"

	"github.com/dsp-lab/dsp/internal/wrapper"
)

func Example() {
	info, err := wrapper.ParseLabels(map[string]string{
		"type":                                   "host",
		"caps_add":                               "ALL",
		"actions.adduser.command":                "/adduser.sh",
		"actions.adduser.args.name.val":          "user",
		"actions.adduser.args.name.rule.pattern": "^[a-zA-Z0-9_-]+$",
	})
	if err != nil {
		panic(err)
	}
	image, _ := info.Action("adduser")

	// The lab asks for the action with its own value; the image's rule applies.
	lab := wrapper.Action{Name: "adduser", Args: []wrapper.Arg{{Name: "name", Value: "alice"}}}
	argv, err := wrapper.MergeRules(lab, image).Argv()
	fmt.Printf("%q %v\n", argv, err)

	lab.Args[0].Value = "alice; reboot"
	_, err = wrapper.MergeRules(lab, image).Argv()
	fmt.Println(err)

	// Output:
	// ["/adduser.sh" "--name" "alice"] <nil>
	// action "adduser": argument "name": value "alice; reboot" does not match pattern ^[a-zA-Z0-9_-]+$
}
