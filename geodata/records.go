package geodata

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/paulmach/orb"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// StationRecord is one station as written in its file, before any check:
// what covaudit validate looks at.
type StationRecord struct {
	// Line is the 1-based line of the CSV record, or the line where the
	// GeoJSON feature starts.
	Line int
	// Feature is the GeoJSON feature index; -1 in a CSV file.
	Feature int
	// ID and Name as written; ID is "" when the record has none.
	ID, Name string
	// Lon and Lat are the coordinate texts as written (GeoJSON: the number
	// literals).
	Lon, Lat string
	// Value is the StationOptions.ValueCol column or property as written.
	Value string
	// Capacity is the StationOptions.CapacityCol column as written (CSV).
	Capacity string
	sep      rune // CSV separator, for decimal commas
}

// Coords parses the record's coordinates, degrees; an error says what is
// wrong with each ("empty", "invalid number ...").
func (r StationRecord) Coords() (lon, lat float64, lonErr, latErr error) {
	lon, lonErr = parseCoord(r.Lon, r.sep)
	lat, latErr = parseCoord(r.Lat, r.sep)
	return
}

// Decimals returns the number of digits after the decimal mark of a
// coordinate text ("42.50" has 2); 0 without one.
func Decimals(s string) int {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		s = s[:i]
	}
	i := strings.LastIndexAny(s, ".,")
	if i < 0 {
		return 0
	}
	return len(s) - i - 1
}

// StationFile is a station file split into records.
type StationFile struct {
	Format       string // "csv" or "geojson"
	LonCol       string // the longitude and latitude columns (CSV) or "coordinates"
	LatCol       string
	Records      []StationRecord
	Unsplittable Problems // records that cannot be split at all (CSV quoting, a feature that is not one)
	// CRS is the system a GeoJSON file's legacy "crs" member names; zero
	// when it has none (and for CSV). Callers use it when no system is
	// given.
	CRS crs.CRS
}

// StationRecords splits a station file held in memory (CSV or GeoJSON, by
// content, as ReadStations) into records without judging their values. An
// error means the file cannot be read at all (no header row, a column that
// is not there, GeoJSON that is not a FeatureCollection).
func StationRecords(data []byte, name string, opts StationOptions) (*StationFile, error) {
	data = utf8Bytes(data)
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return geojsonRecords(data, name, opts)
	}
	// A record a line (less the header): the records' slice is sized once
	// instead of doubling, which on a million rows held two copies of it.
	return csvRecords(bytes.NewReader(data), name, opts, bytes.Count(data, []byte{'\n'}))
}

// EachStationRecord is StationRecords calling fn with each record, in
// file order, instead of returning them all: a CSV file is split as it is
// read, so a caller that keeps only what it needs of each record does not
// hold them all (a million rows as records were 120 MB besides their
// texts). GeoJSON is split first; fn sees the file's CRS from the first
// record on. The returned file has no Records; its Unsplittable is
// complete once EachStationRecord returns.
func EachStationRecord(data []byte, name string, opts StationOptions, fn func(*StationFile, StationRecord)) (*StationFile, error) {
	data = utf8Bytes(data)
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		sf, err := geojsonRecords(data, name, opts)
		if err != nil {
			return nil, err
		}
		recs := sf.Records
		sf.Records = nil
		for _, r := range recs {
			fn(sf, r)
		}
		return sf, nil
	}
	return eachCSVRecord(bytes.NewReader(data), name, opts, fn)
}

// csvRecords splits a station CSV into records: the header's columns
// found (openCSV), blank lines skipped, lines that cannot be split kept as
// problems (reading stops at a quote that never closes). lines, the
// file's line count, sizes the records' slice.
func csvRecords(r io.Reader, name string, opts StationOptions, lines int) (*StationFile, error) {
	recs := make([]StationRecord, 0, max(0, lines))
	sf, err := eachCSVRecord(r, name, opts, func(_ *StationFile, rec StationRecord) { recs = append(recs, rec) })
	if sf != nil {
		sf.Records = recs
	}
	return sf, err
}

// eachCSVRecord is csvRecords calling fn with each record as it is read,
// in file order, instead of holding them (the returned file has no
// Records).
func eachCSVRecord(r io.Reader, name string, opts StationOptions, fn func(*StationFile, StationRecord)) (*StationFile, error) {
	cr, cols, err := openCSV(r, name, opts)
	if err != nil {
		return nil, err
	}
	sf := &StationFile{Format: "csv", LonCol: cols.header[cols.lon], LatCol: cols.header[cols.lat]}
	lastLine := 0
	// open is a quoting error that ran past its own line: when the file
	// ends right after it, a quote never closed and the rest of the file
	// went into one field.
	var open *csv.ParseError
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if open != nil {
				return nil, fmt.Errorf("%s:%d: a quote opened on this line never closes: lines %d to %d, the rest of the file, read as one field, so no station after line %d could be read; close the quote (a quote inside a quoted field is written twice: \"\")",
					name, open.StartLine, open.StartLine, open.Line, open.StartLine-1)
			}
			break
		}
		open = nil
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			sf.Unsplittable = append(sf.Unsplittable, Problem{File: name, Line: pe.StartLine, Feature: -1, Msg: pe.Err.Error()})
			if errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine {
				open = pe
			}
			if pe.StartLine == lastLine {
				break
			}
			lastLine = pe.StartLine
			continue
		}
		line, _ := cr.FieldPos(0)
		lastLine = line
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		get := func(i int) string {
			if i < 0 || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		fn(sf, StationRecord{Line: line, Feature: -1, ID: get(cols.id), Name: get(cols.name),
			Lon: get(cols.lon), Lat: get(cols.lat), Value: get(cols.value), Capacity: get(cols.capacity), sep: cols.sep})
	}
	return sf, nil
}

func geojsonRecords(data []byte, name string, opts StationOptions) (*StationFile, error) {
	feats, err := splitFeatures(data, name, nil)
	if err != nil {
		return nil, err
	}
	sf := &StationFile{Format: "geojson", LonCol: "coordinates[0]", LatCol: "coordinates[1]"}
	if c, err := declaredCRS(data, name); err != nil {
		return nil, err
	} else if !c.IsWGS84() {
		sf.CRS = c
	}
	nameKey := opts.NameCol
	if nameKey == "" {
		nameKey = "name"
	}
	// Lines by counting newlines up to each feature (features come in order).
	line, at := 1, 0
	trimmed := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for i := range feats {
		f := &feats[i]
		line += bytes.Count(trimmed[at:f.off], []byte("\n"))
		at = f.off
		props, perr := f.props()
		if perr == nil {
			perr = f.check()
		}
		id := ""
		if opts.IDCol != "" {
			id, _ = propText(props, opts.IDCol)
		} else if id = idText(f.id); id == "" {
			id, _ = propText(props, "id")
		}
		if perr == nil && !f.hasGeom {
			perr = fmt.Errorf("no geometry")
		}
		if perr == nil && f.geomType != "Point" && f.geomType != "MultiPoint" {
			perr = fmt.Errorf("geometry type %q, want Point or MultiPoint", f.geomType)
		}
		var positions [][2]string
		if perr == nil {
			positions, perr = numberTexts(f.coords, f.geomType == "MultiPoint")
		}
		if perr == nil && len(positions) == 0 {
			perr = fmt.Errorf("empty MultiPoint") // as the station reader says
		}
		if perr != nil {
			sf.Unsplittable = append(sf.Unsplittable, Problem{File: name, Line: line, Feature: i, ID: id, Msg: perr.Error()})
			continue
		}
		nm, _ := propText(props, nameKey)
		val := ""
		if opts.ValueCol != "" {
			val, _ = propText(props, opts.ValueCol)
		}
		for k, p := range positions {
			rid := id
			if len(positions) > 1 && id != "" {
				rid = fmt.Sprintf("%s#%d", id, k+1)
			}
			sf.Records = append(sf.Records, StationRecord{Line: line, Feature: i, ID: rid, Name: nm, Lon: p[0], Lat: p[1], Value: val, sep: ','})
		}
	}
	return sf, nil
}

// numberTexts returns the first two number literals of each position of a
// Point (one position) or MultiPoint (an array of them); a missing number
// is "".
func numberTexts(coords []byte, multi bool) ([][2]string, error) {
	c := &coordParser{data: coords}
	pos := func() ([2]string, error) {
		var out [2]string
		k := 0
		err := c.array(func(int) error {
			c.skipSpace()
			start := c.pos
			if _, err := c.number(); err != nil {
				return err
			}
			if k < 2 {
				out[k] = string(c.data[start:c.pos])
			}
			k++
			return nil
		})
		return out, err
	}
	if !multi {
		p, err := pos()
		if err != nil {
			return nil, err
		}
		return [][2]string{p}, c.end()
	}
	var out [][2]string
	err := c.array(func(int) error {
		p, err := pos()
		out = append(out, p)
		return err
	})
	if err == nil {
		err = c.end()
	}
	return out, err
}

// Encodings accepted by Decode.
var Encodings = []string{"utf-8", "gbk", "gb18030"}

// Decode converts data in the named encoding (utf-8, gbk or gb18030; GBK
// is read as GB18030, its superset) to UTF-8.
func Decode(data []byte, encoding string) ([]byte, error) {
	switch strings.ToLower(encoding) {
	case "", "utf-8", "utf8":
		return data, nil
	case "gbk", "gb18030", "gb2312", "cp936":
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("decoding %s: %w", encoding, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown encoding %q (want one of %s)", encoding, strings.Join(Encodings, ", "))
}

// InvalidUTF8Line returns the 1-based line of the first byte sequence that
// is not UTF-8, or 0 when data is valid UTF-8.
func InvalidUTF8Line(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return 1 + bytes.Count(data[:i], []byte("\n"))
		}
		i += n
	}
	return 0
}

// LooksGB18030 reports whether data that is not valid UTF-8 reads as
// Chinese text in GBK/GB18030: it decodes without replacement characters,
// and its double-byte characters are mostly in the GB2312 zone (both bytes
// 0xA1-0xFE, where the common hanzi are) rather than pairing a high byte
// with an ASCII letter, as Latin-1 accents ("Gen\xe8ve") would.
func LooksGB18030(data []byte) bool {
	if utf8.Valid(data) {
		return false
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return false
	}
	zone, other := 0, 0
	for i := 0; i < len(data); i++ {
		b := data[i]
		if b < 0x80 {
			continue
		}
		if i+1 < len(data) && b >= 0xa1 && b <= 0xf7 && data[i+1] >= 0xa1 && data[i+1] <= 0xfe {
			zone++
		} else {
			other++
		}
		i++
	}
	return zone > 0 && zone >= 4*other
}

// PopulationPoint is a count of people at a place: a village, a census
// block's centroid. Point is {lon, lat}, WGS84.
type PopulationPoint struct {
	Point orb.Point
	Count float64
}

// ReadPopulation reads population points: a CSV or GeoJSON file of points
// (as stations are read) with a count in opts.ValueCol (default
// "population"), converted to WGS84 from opts.CRS. Every record that
// cannot be used is a problem with its line or feature.
func ReadPopulation(data []byte, name string, opts StationOptions) ([]PopulationPoint, Problems, error) {
	if opts.ValueCol == "" {
		opts.ValueCol = "population"
	}
	sf, err := StationRecords(data, name, opts)
	if err != nil {
		return nil, nil, err
	}
	pts, probs := populationOf(sf, name, opts)
	return pts, probs, nil
}

// PopulationFromLayer reads population points from a layer of points
// (a database table), as ReadPopulation does from a file; the layer's
// system applies unless opts.CRS is given.
func PopulationFromLayer(l *Layer, name string, opts StationOptions) ([]PopulationPoint, Problems) {
	if opts.ValueCol == "" {
		opts.ValueCol = "population"
	}
	sf := RecordsFromLayer(l, opts)
	sf.CRS = layerCRS(l, crs.CRS{})
	for i := range sf.Unsplittable {
		sf.Unsplittable[i].File = name
	}
	return populationOf(sf, name, opts)
}

// populationOf checks and converts population records.
func populationOf(sf *StationFile, name string, opts StationOptions) ([]PopulationPoint, Problems) {
	probs := sf.Unsplittable
	if opts.CRS.Name == "" {
		opts.CRS = sf.CRS
	}
	var out []PopulationPoint
	for _, r := range sf.Records {
		bad := func(msg string) {
			probs = append(probs, Problem{File: name, Line: r.Line, Feature: r.Feature, ID: r.ID, Msg: msg})
		}
		lon, lat, e1, e2 := r.Coords()
		if err := errors.Join(e1, e2); err != nil {
			bad("coordinates: " + err.Error())
			continue
		}
		if opts.CRS.Name != "" && !opts.CRS.IsWGS84() {
			lon, lat = opts.CRS.ToWGS84(lon, lat)
		}
		if err := checkLonLat(lon, lat); err != nil {
			bad(err.Error())
			continue
		}
		n, err := parseCoord(r.Value, r.sep)
		if err != nil || n < 0 {
			bad(fmt.Sprintf("%s %q is not a count of people", opts.ValueCol, r.Value))
			continue
		}
		out = append(out, PopulationPoint{Point: orb.Point{lon, lat}, Count: n})
	}
	return out, probs
}
