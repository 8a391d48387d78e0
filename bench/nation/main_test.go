package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/roads"
)

// TestSmallNation: a small nation reads as a road network of the grid's
// nodes (the rivers left out, ways cut at them but bridged), tiled by the
// districts asked for, with the stations asked for; the same seed writes
// the same files.
func TestSmallNation(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	for _, d := range dirs {
		if err := write(d, 2500, 16, 30, 2, 7); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"nation.osm", "districts.geojson", "stations.csv"} {
		a, _ := os.ReadFile(filepath.Join(dirs[0], f))
		b, _ := os.ReadFile(filepath.Join(dirs[1], f))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s: empty or not the same for the same seed", f)
		}
	}
	prof, _ := roads.ProfileByName("car")
	net, _, err := geodata.ReadRoads(context.Background(), geodata.OSMSource{Name: filepath.Join(dirs[0], "nation.osm")}, prof, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := net.Stats(); st.Nodes != 2500 {
		t.Errorf("road nodes = %d, want 2500 (a 50 x 50 grid)", st.Nodes)
	}
	feats, probs, err := geodata.ReadDistrictsData(mustRead(t, filepath.Join(dirs[0], "districts.geojson")), "districts.geojson", geodata.DistrictOptions{NameField: "name", ClassField: "class"})
	if err != nil || len(probs) > 0 || len(feats) != 16 {
		t.Errorf("districts: %d, %v, %v; want 16", len(feats), probs, err)
	}
	st := strings.Count(string(mustRead(t, filepath.Join(dirs[0], "stations.csv"))), "\n")
	if st != 31 {
		t.Errorf("stations.csv has %d lines, want 31", st)
	}
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
