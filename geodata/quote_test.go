package geodata

import (
	"fmt"
	"strings"
	"testing"
)

// TestUnclosedQuoteRefusesTheFile: a quote that never closes takes the
// rest of the file into one field; that is an error naming its line, not
// one skippable record, while a bad quote within its own line stays one
// problem and the rows after it are read.
func TestUnclosedQuoteRefusesTheFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,lon,lat\n")
	for i := range 50 {
		if i == 20 {
			b.WriteString("s20,\"unclosed,1.5,42.5\n") // line 22
			continue
		}
		b.WriteString("s,a,1.5,42.5\n")
	}
	_, err := StationRecords([]byte(b.String()), "st.csv", StationOptions{})
	if err == nil || !strings.Contains(err.Error(), "st.csv:22:") || !strings.Contains(err.Error(), "never closes") {
		t.Fatalf("error %v, want st.csv:22 and a quote that never closes", err)
	}
	sf, err := StationRecords([]byte("id,name,lon,lat\ns1,a\"b,1.5,42.5\ns2,b,1.6,42.6\n"), "st.csv", StationOptions{})
	if err != nil {
		t.Fatalf("a bare quote within its line: %v", err)
	}
	if len(sf.Unsplittable) != 1 || sf.Unsplittable[0].Line != 2 || len(sf.Records) != 1 || sf.Records[0].ID != "s2" {
		t.Errorf("a bare quote within its line: problems %+v, records %+v; want one problem on line 2 and s2 read", sf.Unsplittable, sf.Records)
	}
}

// TestLoneCRLines: a file whose lines end in a lone CR (classic Mac OS)
// reads as the same file with LF, line numbers included.
func TestLoneCRLines(t *testing.T) {
	lf := "id,name,lon,lat\ns1,a,1.5,42.5\ns2,b,x,42.6\ns3,c,1.7,42.7\n"
	want, err := StationRecords([]byte(lf), "st.csv", StationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := StationRecords([]byte(strings.ReplaceAll(lf, "\n", "\r")), "st.csv", StationOptions{})
	if err != nil {
		t.Fatalf("lone CR: %v", err)
	}
	if len(got.Records) != 3 || len(got.Records) != len(want.Records) {
		t.Fatalf("lone CR: %d records, LF: %d, want 3", len(got.Records), len(want.Records))
	}
	for i := range want.Records {
		g, w := got.Records[i], want.Records[i]
		if g.Line != w.Line || g.ID != w.ID || g.Lon != w.Lon || g.Lat != w.Lat {
			t.Errorf("record %d: lone CR %+v, LF %+v", i, g, w)
		}
	}
}

// TestColumnListShort: a missing column's message names the first columns
// of a huge header, not all of it.
func TestColumnListShort(t *testing.T) {
	var cols []string
	for i := range 30 {
		cols = append(cols, fmt.Sprint(i)+strings.Repeat("x", 500))
	}
	_, err := StationRecords([]byte(strings.Join(cols, ",")+"\n1,2\n"), "st.csv", StationOptions{})
	if err == nil || len(err.Error()) > 5000 || !strings.Contains(err.Error(), "and 10 more") {
		t.Fatalf("error of %d bytes: %.300v", len(fmt.Sprint(err)), err)
	}
}

// TestEmptyMultiPointRecord: a station feature with an empty MultiPoint is
// a problem of its feature, as the station reader finds it, not nothing.
func TestEmptyMultiPointRecord(t *testing.T) {
	fc := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Point","coordinates":[1.5,42.5]}},{"type":"Feature","properties":{"id":"b"},"geometry":{"type":"MultiPoint","coordinates":[]}}]}`
	sf, err := StationRecords([]byte(fc), "st.geojson", StationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sf.Records) != 1 || len(sf.Unsplittable) != 1 || sf.Unsplittable[0].Feature != 1 || !strings.Contains(sf.Unsplittable[0].Msg, "empty MultiPoint") {
		t.Errorf("records %+v, problems %+v; want feature 0 read and feature 1 an empty MultiPoint", sf.Records, sf.Unsplittable)
	}
}

// TestLongNumberMessage: a megabyte coordinate is quoted by its start and
// length, not whole.
func TestLongNumberMessage(t *testing.T) {
	_, probs, err := ReadStationsCSV(strings.NewReader("id,lon,lat\na,"+strings.Repeat("1", 1<<20)+",42.5\n"), "st.csv", StationOptions{})
	if err == nil {
		err = probs.Err()
	}
	if err == nil || len(err.Error()) > 500 || !strings.Contains(err.Error(), "(1048576 bytes)") {
		t.Fatalf("error of %d bytes: %.300v", len(fmt.Sprint(err)), err)
	}
}
