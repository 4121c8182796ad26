package policy

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// Strip returns a copy of the project without the keys of the findings
// that need trust (Refused findings are not stripped: such a project never
// runs). It is how a user starts a lab of an untrusted repository "without
// its risks". The project given is not changed.
func Strip(p *types.Project, findings []Finding) (*types.Project, error) {
	out := p.WithServicesDisabled() // a deep copy
	root := reflect.ValueOf(out).Elem()
	for _, f := range findings {
		if f.Access != Trusted {
			continue
		}
		if err := zero(root, f.Path); err != nil {
			return nil, fmt.Errorf("policy: strip %s: %w", f.Field(), err)
		}
	}
	return out, nil
}

// zero sets the value at path (the project's JSON keys) to its zero value:
// the key is then absent from what Compose runs.
func zero(v reflect.Value, path []string) error {
	if len(path) == 0 {
		v.Set(reflect.Zero(v.Type()))
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return zero(v.Elem(), path)
	case reflect.Struct:
		f, ok := fieldByJSON(v, path[0])
		if !ok {
			return fmt.Errorf("no field %q in %s", path[0], v.Type())
		}
		return zero(f, path[1:])
	case reflect.Map:
		key := reflect.ValueOf(path[0])
		if !key.Type().ConvertibleTo(v.Type().Key()) {
			return fmt.Errorf("key %q does not index %s", path[0], v.Type())
		}
		key = key.Convert(v.Type().Key())
		elem := v.MapIndex(key)
		if !elem.IsValid() {
			return nil
		}
		if len(path) == 1 {
			v.SetMapIndex(key, reflect.Value{})
			return nil
		}
		cp := reflect.New(elem.Type()).Elem()
		cp.Set(elem)
		if err := zero(cp, path[1:]); err != nil {
			return err
		}
		v.SetMapIndex(key, cp)
		return nil
	case reflect.Slice, reflect.Array:
		i, err := strconv.Atoi(path[0])
		if err != nil || i < 0 || i >= v.Len() {
			return fmt.Errorf("no element %q in %s", path[0], v.Type())
		}
		return zero(v.Index(i), path[1:])
	}
	return fmt.Errorf("cannot descend into %s at %q", v.Type(), path[0])
}

// fieldByJSON finds a struct field by the name its JSON form gives it,
// looking into embedded structs too.
func fieldByJSON(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if tag == name {
			return v.Field(i), true
		}
		if sf.Anonymous && tag == "" {
			inner := v.Field(i)
			if inner.Kind() == reflect.Pointer {
				if inner.IsNil() {
					continue
				}
				inner = inner.Elem()
			}
			if inner.Kind() == reflect.Struct {
				if f, ok := fieldByJSON(inner, name); ok {
					return f, true
				}
			}
		}
	}
	return reflect.Value{}, false
}
