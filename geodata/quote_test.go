package geodata

import (
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
