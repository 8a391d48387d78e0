// Package postgis reads districts, stations and population points from a
// PostgreSQL/PostGIS table or query, and writes gap maps, station reports
// and proposed sites to a table, through github.com/jackc/pgx/v5.
//
// A source or target is a URL: postgresql://user@host/db?table=districts
// (a table, optionally schema.table) or ?query=SELECT ... (any query),
// with geom=COLUMN naming the geometry column when there are several and,
// for outputs, mode=replace (the default) or mode=append. Every other
// parameter (host=/path/to/socket, port, sslmode, ...) is PostgreSQL's
// own and goes to the driver unchanged.
//
// Geometries are fetched as WKB (ST_AsBinary) and decoded by the
// GeoPackage reader's decoder (gpkg.DecodeWKB); the system comes from
// the rows' SRID (ST_SRID) looked up in spatial_ref_sys and resolved by
// geodata/crs, so the caller converts to WGS84 as it does for a
// Shapefile or a GeoPackage. Every other column becomes a text attribute
// (the database's own text form of the value), so the audit reads a
// table as it reads a file. Writes run in one transaction: a failed write
// leaves the table as it was.
//
// Messages name the URL without its password, the table or query, and
// the row (its primary key where the table has one, else its number).
package postgis

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// IsURL reports whether s names a PostgreSQL database (postgresql:// or
// postgres://) rather than a file.
func IsURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "postgresql://") || strings.HasPrefix(l, "postgres://")
}

// Source is a parsed URL: where to connect and what to read or write.
type Source struct {
	// Name is the URL for messages: no password, parameters unescaped.
	Name string
	// Table is the table (schema.table or table) and Query the query;
	// exactly one is set.
	Table, Query string
	// Geom is the geometry column given by geom=, or "".
	Geom string
	// Mode is an output's mode, "replace" or "append" ("" for inputs).
	Mode string
	conn string // the URL without covaudit's parameters, for pgx
}

// Modes are the output modes.
var Modes = []string{"replace", "append"}

var ownParams = map[string]bool{"table": true, "query": true, "geom": true, "mode": true}

// Redact is a URL without its password (in the user part or a
// password= parameter), for messages; it works on URLs that do not parse.
func Redact(raw string) string {
	raw, _, _ = strings.Cut(raw, "#") // no use in a PostgreSQL URL, and not shown
	s := redactUser(raw)
	if i := strings.IndexByte(s, '?'); i >= 0 {
		parts := strings.Split(s[i+1:], "&")
		keep := parts[:0]
		for _, p := range parts {
			if !strings.HasPrefix(strings.ToLower(p), "password=") {
				keep = append(keep, p)
			}
		}
		s = s[:i+1] + strings.Join(keep, "&")
	}
	return s
}

// redactUser drops the password of every user:password@ in an
// authority (after "://", up to the last "@" before the path).
func redactUser(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+3])
		s = s[i+3:]
		end := strings.IndexAny(s, "/?#")
		if end < 0 {
			end = len(s)
		}
		if at := strings.LastIndexByte(s[:end], '@'); at >= 0 {
			user, _, _ := strings.Cut(s[:at], ":")
			b.WriteString(user + "@")
			s = s[at+1:]
		}
	}
}

// ParseInput parses an input URL: table= or query=, optionally geom=.
func ParseInput(raw string) (*Source, error) {
	s, err := parse(raw)
	if err != nil {
		return nil, err
	}
	if s.Mode != "" {
		return nil, fmt.Errorf("%s: mode= is for outputs; an input is only read", s.Name)
	}
	return s, nil
}

// ParseOutput parses an output URL: table= (a query cannot be written
// to), optionally geom= (default "geom") and mode= (replace or append,
// default replace).
func ParseOutput(raw string) (*Source, error) {
	s, err := parse(raw)
	if err != nil {
		return nil, err
	}
	if s.Query != "" {
		return nil, fmt.Errorf("%s: an output is written to a table: give table=NAME, not query=", s.Name)
	}
	switch s.Mode {
	case "":
		s.Mode = "replace"
	case "replace", "append":
	default:
		return nil, fmt.Errorf("%s: unknown mode %q (modes: %s)", s.Name, s.Mode, strings.Join(Modes, ", "))
	}
	if s.Geom == "" {
		s.Geom = "geom"
	}
	return s, nil
}

func parse(raw string) (*Source, error) {
	name := Redact(raw)
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, password and all
		}
		return nil, fmt.Errorf("%s: not a PostgreSQL URL: %v", name, err)
	}
	if !IsURL(raw) {
		return nil, fmt.Errorf("%s: not a PostgreSQL URL (postgresql://user@host/database?table=NAME)", name)
	}
	if u.Fragment != "" {
		return nil, fmt.Errorf("%s: a PostgreSQL URL has no #fragment", name)
	}
	// Parameters are split on & and unescaped as paths are: a "+" in a
	// query stays a plus (url.ParseQuery would make it a space).
	vals := url.Values{}
	for _, kv := range strings.Split(u.RawQuery, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		uk, err1 := url.PathUnescape(k)
		uv, err2 := url.PathUnescape(v)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("%s: parameter %q: %v (write %% as %%25 and & as %%26)", name, k, err)
		}
		vals[uk] = append(vals[uk], uv)
	}
	s := &Source{}
	// The name for messages: user (no password), host, database, and
	// the parameters in their order, unescaped.
	var b strings.Builder
	b.WriteString(u.Scheme + "://")
	if u.User != nil {
		b.WriteString(u.User.Username() + "@")
	}
	b.WriteString(u.Host + u.Path)
	var pass []string
	sep := "?"
	for _, kv := range strings.Split(u.RawQuery, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, _ = url.PathUnescape(k)
		v, _ = url.PathUnescape(v)
		if strings.EqualFold(k, "password") {
			pass = append(pass, kv)
			continue
		}
		b.WriteString(sep + k + "=" + v)
		sep = "&"
		if !ownParams[k] {
			pass = append(pass, kv)
		}
	}
	s.Name = Redact(b.String()) // a path may hold another "user:password@"
	for k, v := range vals {
		if ownParams[k] && len(v) > 1 {
			return nil, fmt.Errorf("%s: %s= is given %d times", s.Name, k, len(v))
		}
	}
	s.Table, s.Query, s.Geom, s.Mode = vals.Get("table"), strings.TrimSpace(vals.Get("query")), vals.Get("geom"), vals.Get("mode")
	s.Query = strings.TrimSpace(strings.TrimSuffix(s.Query, ";"))
	switch {
	case s.Table != "" && s.Query != "":
		return nil, fmt.Errorf("%s: give table= or query=, not both", s.Name)
	case s.Table == "" && s.Query == "" && (vals.Has("table") || vals.Has("query")):
		return nil, fmt.Errorf("%s: table= or query= is empty", s.Name)
	case s.Table == "" && s.Query == "":
		return nil, fmt.Errorf("%s: no table= or query=: say what to read or write (?table=NAME or ?query=SELECT ...)", s.Name)
	}
	if s.Table != "" {
		for _, part := range strings.Split(s.Table, ".") {
			if part == "" {
				return nil, fmt.Errorf("%s: table %q: an empty name part", s.Name, s.Table)
			}
		}
		if len(strings.Split(s.Table, ".")) > 2 {
			return nil, fmt.Errorf("%s: table %q: give table or schema.table", s.Name, s.Table)
		}
	}
	c := *u
	c.RawQuery = strings.Join(pass, "&")
	s.conn = c.String()
	// The driver's own parameters are checked now, before a long run.
	if _, err := pgx.ParseConfig(s.conn); err != nil {
		return nil, fmt.Errorf("%s: %v", s.Name, err)
	}
	return s, nil
}

// what names the table or the query, for messages.
func (s *Source) what() string {
	if s.Table != "" {
		return fmt.Sprintf("table %q", s.Table)
	}
	q := s.Query
	if len(q) > 80 {
		q = q[:77] + "..."
	}
	return fmt.Sprintf("query %q", q)
}

// ident is the table's quoted name.
func (s *Source) ident() string {
	return pgx.Identifier(strings.Split(s.Table, ".")).Sanitize()
}

// from is the source as a FROM item.
func (s *Source) from() string {
	if s.Table != "" {
		return s.ident()
	}
	return "(" + s.Query + ")"
}
