package postgis

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, table, query, geom, mode, name, err string
		output                                  bool
	}{
		{in: "postgresql://u:pw@h:5433/db?table=districts&geom=g", table: "districts", geom: "g", name: "postgresql://u@h:5433/db?table=districts&geom=g"},
		{in: "postgres://u@/db?host=/run/pg&table=public.d", table: "public.d", name: "postgres://u@/db?host=/run/pg&table=public.d"},
		{in: "postgresql://u@/db?query=SELECT%20a+b%20AS%20c,%20geom%20FROM%20t%3B", query: "SELECT a+b AS c, geom FROM t"},
		{in: "postgresql://u@h/db?table=gaps", table: "gaps", output: true, mode: "replace", geom: "geom"},
		{in: "postgresql://u@h/db?table=gaps&mode=append&password=x", table: "gaps", output: true, mode: "append", geom: "geom", name: "postgresql://u@h/db?table=gaps&mode=append"},
		{in: "postgresql://u@h/db", err: "no table= or query="},
		{in: "postgresql://u@h/db?table=a&query=select%201", err: "not both"},
		{in: "postgresql://u@h/db?table=", err: "is empty"},
		{in: "postgresql://u@h/db?table=a&table=b", err: "given 2 times"},
		{in: "postgresql://u@h/db?table=a..b", err: "empty name part"},
		{in: "postgresql://u@h/db?table=a.b.c", err: "schema.table"},
		{in: "postgresql://u@h/db?table=a&mode=append", err: "mode= is for outputs"},
		{in: "postgresql://u@h/db?table=a&mode=merge", output: true, err: `unknown mode "merge"`},
		{in: "postgresql://u@h/db?query=select%201", output: true, err: "not query="},
		{in: "postgresql://u:secret@h:x/db?table=a", err: "invalid port"},
		{in: "postgresql://u:secret@h/db?query=like%20'E%'", err: "invalid URL escape"},
	} {
		parse := ParseInput
		if tc.output {
			parse = ParseOutput
		}
		s, err := parse(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "secret") {
				t.Errorf("%s: error %v, want %q and no password", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if s.Table != tc.table || s.Query != tc.query || s.Geom != tc.geom || s.Mode != tc.mode || (tc.name != "" && s.Name != tc.name) {
			t.Errorf("%s: got %+v", tc.in, *s)
		}
		if strings.Contains(s.conn, "table=") || strings.Contains(s.conn, "mode=") || strings.Contains(s.conn, "query=") {
			t.Errorf("%s: covaudit's parameters reach the driver: %s", tc.in, s.conn)
		}
	}
}

// FuzzParseURL: any text parses or is refused without a panic, and
// neither the name nor the error carries the password.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"postgresql://u:pw@h/db?table=t", "postgres://u:pw@/db?host=/s&query=select%201&geom=g", "postgresql://u:pw@h/db?table=a&mode=append&password=pw"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, "S3cr3t") {
			return
		}
		for _, parse := range []func(string) (*Source, error){ParseInput, ParseOutput} {
			src, err := parse("postgresql://u:S3cr3t@" + s)
			if err != nil {
				if strings.Contains(err.Error(), "S3cr3t") {
					t.Fatalf("password in %q", err)
				}
				continue
			}
			if strings.Contains(src.Name, "S3cr3t") {
				t.Fatalf("password in %q", src.Name)
			}
		}
	})
}
