package validate

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/covaudit/covaudit/coverage"
)

// namedDistrictsScan is namedDistricts as a scan of every name for every
// station: the reference the substring lookup must agree with.
func namedDistrictsScan(stations []coverage.Station, ds []coverage.District) []int {
	out := make([]int, len(stations))
	any := false
	for k, s := range stations {
		out[k] = -1
		sn := strings.ToLower(s.Name)
		best := 0
		for i, d := range ds {
			n := strings.ToLower(strings.TrimSpace(d.Name))
			if utf8.RuneCountInString(n) < 2 {
				continue
			}
			if l := len(n); l >= best && strings.Contains(sn, n) {
				if l == best && out[k] != i {
					out[k] = -2
					continue
				}
				best, out[k] = l, i
			}
		}
		if out[k] == -2 {
			out[k] = -1
		}
		any = any || out[k] >= 0
	}
	if !any {
		return nil
	}
	return out
}

func TestNamedDistrictsMatchesScan(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 1))
	word := func(n int) string {
		const abc = "abAB ÄéÉ"
		var b strings.Builder
		for range n {
			rs := []rune(abc)
			b.WriteRune(rs[r.IntN(len(rs))])
		}
		return b.String()
	}
	for trial := range 40 {
		nd := 1 + r.IntN(40)
		if trial%2 == 0 {
			nd = 300 + r.IntN(300) // names enough for the substring lookup
		}
		ds := make([]coverage.District, nd)
		for i := range ds {
			ds[i].Name = word(r.IntN(5))
		}
		st := make([]coverage.Station, 1+r.IntN(60))
		for i := range st {
			st[i].Name = word(r.IntN(12))
		}
		if trial%2 == 0 { // many stations: the substring lookup
			st = append(st, make([]coverage.Station, 1500)...)
			for i := range st {
				st[i].Name = word(r.IntN(8))
			}
		}
		got, want := namedDistricts(st, ds), namedDistrictsScan(st, ds)
		if len(got) != len(want) {
			t.Fatalf("trial %d: %d results, want %d", trial, len(got), len(want))
		}
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("trial %d: station %q: district %d, want %d", trial, st[k].Name, got[k], want[k])
			}
		}
	}
}

// A file of more than hintSample stations is looked at through an evenly
// spaced sample, and the hint says so.
func TestLikelyCRSSamplesLargeFiles(t *testing.T) {
	ds, st := wholeCity(1, 600, false, false)
	g := toGCJ(ds, st)
	var big []coverage.Station
	for len(big) <= hintSample {
		big = append(big, g...)
	}
	h, ok := LikelyCRS(big, ds)
	if !ok || h.CRS != "gcj02" {
		t.Fatalf("GCJ-02 stations repeated to %d: no hint (%v)", len(big), h)
	}
	if h.Stations != hintSample || h.Of != len(big) || !strings.Contains(h.Message(), "evenly spaced in file order") {
		t.Errorf("looked at %d of %d: %s", h.Stations, h.Of, h.Message())
	}
	if h, ok := LikelyCRS(g, ds); ok && h.Of != h.Stations {
		t.Errorf("a small file was sampled: %s", h.Message())
	}
}
