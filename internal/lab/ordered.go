package lab

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// orderedObject decodes a JSON object keeping its keys in file order
// (upstream action arguments are JSON objects whose order is the argv order).
type orderedObject struct {
	Keys   []string
	Values map[string]json.RawMessage
}

func (o *orderedObject) UnmarshalJSON(data []byte) error {
	o.Values = map[string]json.RawMessage{}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("expected an object, found %v", tok)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if _, dup := o.Values[key]; !dup {
			o.Keys = append(o.Keys, key)
		}
		o.Values[key] = raw
	}
	_, err = dec.Token()
	return err
}

// flexString accepts a JSON string, number or boolean as text (upstream
// files are hand-edited and not always consistent).
type flexString string

func (s *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*s = ""
	case len(data) > 0 && data[0] == '"':
		var v string
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case bytes.Equal(data, []byte("true")), bytes.Equal(data, []byte("false")):
		*s = flexString(data)
	default:
		var n json.Number
		if err := json.Unmarshal(data, &n); err != nil {
			return fmt.Errorf("expected text, found %s", data)
		}
		*s = flexString(n.String())
	}
	return nil
}

// flexInt accepts a JSON number or a numeric string.
type flexInt int

func (i *flexInt) UnmarshalJSON(data []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(data); err != nil {
		return err
	}
	str := strings.TrimSpace(string(s))
	if str == "" {
		*i = 0
		return nil
	}
	f, err := strconv.ParseFloat(str, 64)
	if err != nil {
		return fmt.Errorf("expected a number, found %s", data)
	}
	*i = flexInt(f)
	return nil
}

// flexBool accepts true/false, "true"/"false", 1/0 and "" (false).
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(data); err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(string(s))) {
	case "true", "1", "yes", "on":
		*b = true
	default:
		*b = false
	}
	return nil
}

// jsonErrorLine turns a JSON decoding error into a 1-based line number.
func jsonErrorLine(data []byte, err error) int {
	var offset int64
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntaxErr):
		offset = syntaxErr.Offset
	case errors.As(err, &typeErr):
		offset = typeErr.Offset
	default:
		return 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}
