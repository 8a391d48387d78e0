package geodata

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/covaudit/covaudit/internal/number"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/covaudit/covaudit/coverage"
	"github.com/paulmach/orb"
)

// Column names recognised, case-insensitively, when no column is named.
var (
	lonNames = []string{"lon", "lng", "long", "longitude", "x", "经度"}
	latNames = []string{"lat", "latitude", "y", "纬度"}
)

// ReadStationsCSV reads stations from a CSV file with a header row: UTF-8
// with or without a byte-order mark, or UTF-16 (either byte order, with or
// without a byte-order mark, as spreadsheets save "Unicode text"), separated by commas, semicolons or
// tabs (whichever the header uses most). Longitude and latitude columns are
// found by name (lon, lng, long, longitude, x, 经度 / lat, latitude, y, 纬度)
// unless opts names them; id and name columns are optional ("id", "name").
// With semicolon or tab separators a decimal comma ("42,5") is accepted.
// Rows without an id get their line number as id.
func ReadStationsCSV(r io.Reader, name string, opts StationOptions) ([]coverage.Station, Problems, error) {
	if opts.DelayCol != "" {
		opts.ValueCol = opts.DelayCol
	}
	var probs Problems
	var out []coverage.Station
	sf, err := eachCSVRecord(r, name, opts, func(sf *StationFile, rec StationRecord) {
		id, given := rec.ID, rec.ID != ""
		if !given {
			id = "line " + strconv.Itoa(rec.Line)
		}
		var msgs []string
		for _, s := range []string{rec.Lon, rec.Lat, id, rec.Name} {
			if !utf8.ValidString(s) {
				msgs = append(msgs, "invalid UTF-8 (is the file in another encoding, such as GBK?)")
				break
			}
		}
		lon, lat, err, err2 := rec.Coords()
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("column %q: %v", sf.LonCol, err))
		}
		if err2 != nil {
			msgs = append(msgs, fmt.Sprintf("column %q: %v", sf.LatCol, err2))
		}
		// Values beyond any projected system's are named for what they are
		// (a phone number, say), whatever the system given.
		if err == nil && NotACoordinate(lon) {
			msgs = append(msgs, fmt.Sprintf("column %q: %s", sf.LonCol, notCoordinateMsg(rec.Lon)))
			err = errors.New("not a coordinate")
		}
		if err2 == nil && NotACoordinate(lat) {
			msgs = append(msgs, fmt.Sprintf("column %q: %s", sf.LatCol, notCoordinateMsg(rec.Lat)))
			err2 = errors.New("not a coordinate")
		}
		if err == nil && err2 == nil && opts.CRS.Name != "" && !opts.CRS.IsWGS84() {
			lon, lat = opts.CRS.ToWGS84(lon, lat)
		}
		if err == nil && (lon < -180 || lon > 180) {
			msgs = append(msgs, fmt.Sprintf("column %q: %s is out of range [-180, 180]", sf.LonCol, fmtNum(lon)))
		}
		if err2 == nil && (lat < -90 || lat > 90) {
			msgs = append(msgs, fmt.Sprintf("column %q: %s is out of range [-90, 90]", sf.LatCol, fmtNum(lat)))
		}
		if len(msgs) > 0 {
			probs = append(probs, Problem{File: name, Line: rec.Line, Feature: -1, ID: id, Msg: strings.Join(msgs, "; ")})
			return
		}
		st := coverage.Station{ID: id, Name: rec.Name, Point: orb.Point{lon, lat}, IDGiven: given}
		if opts.DelayCol != "" {
			if st.DelayS, st.HasDelay, err = parseDelay(rec.Value, opts.DelayCol, rec.sep); err != nil {
				probs = append(probs, Problem{File: name, Line: rec.Line, Feature: -1, ID: id, Msg: err.Error()})
				return
			}
		}
		if opts.CapacityCol != "" {
			if st.Capacity, err = opts.capacity(rec.Capacity, rec.sep); err != nil {
				probs = append(probs, Problem{File: name, Line: rec.Line, Feature: -1, ID: id, Msg: err.Error()})
				return
			}
		}
		out = append(out, st)
	})
	if err != nil {
		return nil, nil, err
	}
	probs = append(sf.Unsplittable, probs...)
	// Lines that could not be split come first: put every problem in line
	// order.
	slices.SortStableFunc(probs, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	return out, probs, nil
}

// csvColumns is what a station CSV's header row says.
type csvColumns struct {
	header             []string
	sep                rune
	lon, lat, id, name int // column indexes; id and name -1 when absent
	value              int // opts.ValueCol's index, or -1
	capacity           int // opts.CapacityCol's index, or -1
}

// columnList names a header's columns for a message: the first 20, each
// cut at 60 bytes (a header that is not one, such as a whole file on one
// line, made messages of megabytes).
func columnList(header []string) string {
	var b strings.Builder
	for i, h := range header {
		if i == 20 {
			fmt.Fprintf(&b, ", and %d more", len(header)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Excerpt(h))
	}
	return b.String()
}

// Excerpt is a text of an input cut at 60 bytes for a message, with the
// length of the whole when cut (a megabyte field made a megabyte message).
func Excerpt(h string) string {
	if len(h) > 60 {
		return strings.ToValidUTF8(h[:60], "") + fmt.Sprintf("... (%d bytes)", len(h))
	}
	return h
}

// crAsLF reads CR bytes as LF.
type crAsLF struct{ r io.Reader }

func (c crAsLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// openCSV skips a byte-order mark, picks the separator the header row uses
// most, reads the header and finds the columns.
func openCSV(r io.Reader, name string, opts StationOptions) (*csv.Reader, csvColumns, error) {
	var cols csvColumns
	br := utf8Reader(bufio.NewReader(newLimitedReader(r)))
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, cols, fmt.Errorf("%s: %w", name, err)
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, cols, fmt.Errorf("%s: empty file, want a header row", name)
	}
	// Lines that end in a lone CR (the classic Mac OS, and spreadsheets'
	// "CSV (Macintosh)"): the CSV reader ends lines at LF only, so each CR
	// is read as one.
	loneCR := bytes.IndexByte(head, '\r') >= 0 && bytes.IndexByte(head, '\n') < 0
	firstLine := head
	if i := bytes.IndexAny(head, "\r\n"); i >= 0 {
		firstLine = head[:i]
	}
	sep := ','
	best := bytes.Count(firstLine, []byte(","))
	for _, c := range []rune{';', '\t'} {
		if n := bytes.Count(firstLine, []byte(string(c))); n > best {
			sep, best = c, n
		}
	}
	var src io.Reader = br
	if loneCR {
		src = crAsLF{br}
	}
	cr := csv.NewReader(src)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, cols, fmt.Errorf("%s:1: cannot read the header row: %w", name, err)
	}
	// The rows after the header share one slice (a slice a row was a
	// million allocations): callers keep their fields, never the slice.
	cr.ReuseRecord = true
	// Every leading byte-order mark goes (a file converted twice has two),
	// and a column named twice is ambiguous.
	if len(header) > 0 {
		for strings.HasPrefix(header[0], "\ufeff") {
			header[0] = strings.TrimPrefix(header[0], "\ufeff")
		}
	}
	seen := map[string]int{}
	var dups []string
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if j, ok := seen[k]; ok && k != "" {
			dups = append(dups, fmt.Sprintf("column %q is both column %d and column %d", Excerpt(strings.TrimSpace(h)), j+1, i+1))
			continue
		}
		seen[k] = i
	}
	if len(dups) > 0 {
		return nil, cols, fmt.Errorf("%s:1: %s", name, strings.Join(dups, "; "))
	}
	col := func(given string, names []string, what, flag string) (int, error) {
		for i, h := range header {
			h = strings.TrimSpace(h)
			if given != "" {
				if strings.EqualFold(h, given) {
					return i, nil
				}
				continue
			}
			for _, n := range names {
				if strings.EqualFold(h, n) {
					return i, nil
				}
			}
		}
		if given != "" {
			return -1, fmt.Errorf("%s:1: no column %q (columns: %s)", name, given, columnList(header))
		}
		if names == nil {
			return -1, nil
		}
		return -1, fmt.Errorf("%s:1: no %s column (looked for %s; name one with %s; columns: %s)",
			name, what, strings.Join(names, ", "), flag, columnList(header))
	}
	var errs []error
	lonI, err := col(opts.LonCol, lonNames, "longitude", "--lon-col")
	errs = append(errs, err)
	latI, err := col(opts.LatCol, latNames, "latitude", "--lat-col")
	errs = append(errs, err)
	idI, err := col(opts.IDCol, []string{"id"}, "", "")
	if opts.IDCol == "" {
		err = nil
	}
	errs = append(errs, err)
	nameI, err := col(opts.NameCol, []string{"name"}, "", "")
	if opts.NameCol == "" {
		err = nil
	}
	errs = append(errs, err)
	valueI := -1
	if opts.ValueCol != "" {
		valueI, err = col(opts.ValueCol, nil, "", "")
		errs = append(errs, err)
	}
	capI := -1
	if opts.CapacityCol != "" {
		// Without the column every station takes the default capacity,
		// when one is given.
		if capI, err = col(opts.CapacityCol, nil, "", ""); err != nil && !opts.HasDefaultCapacity {
			errs = append(errs, fmt.Errorf("%w: each station's capacity (--capacity-col), or give --default-capacity", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, cols, err
	}
	return cr, csvColumns{header: header, sep: sep, lon: lonI, lat: latI, id: idI, name: nameI, value: valueI, capacity: capI}, nil
}

// parseCoord parses a decimal number; with a separator other than a comma a
// single decimal comma is accepted.
func parseCoord(s string, sep rune) (float64, error) {
	if s == "" {
		return 0, fmt.Errorf("empty")
	}
	t := s
	if sep != ',' && strings.Count(t, ",") == 1 && !strings.Contains(t, ".") {
		t = strings.Replace(t, ",", ".", 1)
	}
	v, ok := number.Parse(t)
	if !ok || v > 1e300 || v < -1e300 {
		return 0, fmt.Errorf("invalid number %q (decimal notation only)", Excerpt(s))
	}
	return v, nil
}

// ReadStations reads a station file by its content: GeoJSON when it starts
// with '{', CSV otherwise (UTF-16 text is decoded first).
func ReadStations(r io.Reader, name string, opts StationOptions) ([]coverage.Station, Problems, error) {
	br := utf8Reader(bufio.NewReader(r))
	for {
		b, err := br.Peek(1)
		if err != nil {
			break
		}
		if b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t' {
			br.Discard(1)
			continue
		}
		if b[0] == 0xef { // BOM
			if bb, _ := br.Peek(4); len(bb) == 4 && bb[3] == '{' {
				return ReadStationsGeoJSON(br, name, opts)
			}
		}
		if b[0] == '{' {
			return ReadStationsGeoJSON(br, name, opts)
		}
		break
	}
	return ReadStationsCSV(br, name, opts)
}
