package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// shardNote is the JSON report's meta.shard member, the one place where a
// merged report may differ from the unsharded one.
var shardNote = regexp.MustCompile(`(?s),\n    "shard": \{\n.*?\n    \}`)

// syntheticCity writes a seeded city: a grid of cols x rows districts
// with jittered shared corners, urban in the middle and rural around it,
// stations clustered downtown and spread thinly outside, one station far
// away (a warning), and population points; it returns the check flags
// that read them.
func syntheticCity(t testing.TB, dir string, seed int64, cols, rows, stations int) []string {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	const lon0, lat0, step = 10.0, 45.0, 0.03
	corner := make([][][2]float64, cols+1)
	for i := range corner {
		corner[i] = make([][2]float64, rows+1)
		for j := range corner[i] {
			jx, jy := 0.0, 0.0
			if i > 0 && i < cols && j > 0 && j < rows {
				jx, jy = (rng.Float64()-0.5)*step*0.4, (rng.Float64()-0.5)*step*0.4
			}
			corner[i][j] = [2]float64{lon0 + float64(i)*step + jx, lat0 + float64(j)*step + jy}
		}
	}
	var feats []any
	for i := 0; i < cols; i++ {
		for j := 0; j < rows; j++ {
			ring := [][2]float64{corner[i][j], corner[i+1][j], corner[i+1][j+1], corner[i][j+1], corner[i][j]}
			class := "rural"
			if 3*i >= cols && 3*i < 2*cols && 3*j >= rows && 3*j < 2*rows {
				class = "urban"
			}
			feats = append(feats, map[string]any{"type": "Feature",
				"properties": map[string]any{"name": fmt.Sprintf("d%d-%d", i, j), "id": fmt.Sprintf("%d", i*rows+j), "class": class},
				"geometry":   map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}}})
		}
	}
	b, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": feats})
	d := filepath.Join(dir, "districts.geojson")
	os.WriteFile(d, b, 0o644)
	var st strings.Builder
	st.WriteString("id,name,lon,lat\n")
	cx, cy := lon0+float64(cols)*step/2, lat0+float64(rows)*step/2
	for k := 0; k < stations; k++ {
		spread := float64(cols) * step / 2
		if k%3 != 0 {
			spread /= 4 // downtown
		}
		fmt.Fprintf(&st, "s%d,station %d,%.7f,%.7f\n", k, k, cx+rng.NormFloat64()*spread/2, cy+rng.NormFloat64()*spread/2)
	}
	fmt.Fprintf(&st, "far,far away,%.7f,%.7f\n", cx+30, cy)
	s := filepath.Join(dir, "stations.csv")
	os.WriteFile(s, []byte(st.String()), 0o644)
	var pop strings.Builder
	pop.WriteString("lon,lat,population\n")
	for k := 0; k < 40*cols*rows; k++ {
		fmt.Fprintf(&pop, "%.7f,%.7f,%d\n", lon0+rng.Float64()*float64(cols)*step, lat0+rng.Float64()*float64(rows)*step, 1+rng.Intn(500))
	}
	p := filepath.Join(dir, "population.csv")
	os.WriteFile(p, []byte(pop.String()), 0o644)
	return []string{"--districts", d, "--stations", s, "--population", p, "--rural-time", "12m"}
}

// TestShardMerge: the districts split into 1, 3 and 7 shards (run one by
// one, written as JSON) merge into the very bytes of the unsharded check in
// every format and the gap map, and exit as it does; the demo (urban
// parishes by radius, rural ones by road) and a seeded synthetic city (by
// radius and the speed model, with population).
func TestShardMerge(t *testing.T) {
	seed := int64(15)
	if s := os.Getenv("SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("seed: %d", seed)
	city := syntheticCity(t, t.TempDir(), seed, 9, 7, 60)
	for _, c := range []struct {
		name string
		args []string
	}{{"demo", nil}, {"city", city}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			want := map[string]string{}
			wantCode := -1
			for _, f := range []string{"json", "text", "csv", "markdown"} {
				args := append([]string{"check", "-q", "--format", f, "-o", filepath.Join(dir, "full."+f)}, c.args...)
				if f == "json" {
					args = append(args, "--gaps", filepath.Join(dir, "full.geojson"))
				}
				code, _, errOut := runCLI(t, "", args...)
				if code == 2 || wantCode >= 0 && code != wantCode {
					t.Fatalf("check %s: exit %d: %s", f, code, errOut)
				}
				wantCode = code
				b, _ := os.ReadFile(filepath.Join(dir, "full."+f))
				want[f] = string(b)
			}
			b, _ := os.ReadFile(filepath.Join(dir, "full.geojson"))
			want["geojson"] = string(b)
			var full struct {
				Warnings  []string `json:"warnings"`
				Districts []any    `json:"districts"`
			}
			json.Unmarshal([]byte(want["json"]), &full)
			if c.name == "city" && (len(full.Districts) != 63 || len(full.Warnings) == 0) {
				t.Fatalf("synthetic city: %d districts, warnings %q; want 63 and the far station's", len(full.Districts), full.Warnings)
			}
			for _, n := range []int{1, 3, 7} {
				var shards []string
				total := 0
				for k := 1; k <= n; k++ {
					p := filepath.Join(dir, fmt.Sprintf("shard-%d-of-%d.json", k, n))
					code, _, errOut := runCLI(t, "", append([]string{"check", "-q", "--shard", fmt.Sprintf("%d/%d", k, n), "--format", "json", "-o", p}, c.args...)...)
					if code == 2 {
						t.Fatalf("shard %d/%d: exit 2: %s", k, n, errOut)
					}
					var rep struct {
						Districts []any `json:"districts"`
					}
					b, _ := os.ReadFile(p)
					json.Unmarshal(b, &rep)
					total += len(rep.Districts)
					shards = append(shards, p)
				}
				if total != len(full.Districts) {
					t.Errorf("%d shards: %d districts in all, want %d", n, total, len(full.Districts))
				}
				// Given in reverse order: the merge sorts them.
				for i, j := 0, len(shards)-1; i < j; i, j = i+1, j-1 {
					shards[i], shards[j] = shards[j], shards[i]
				}
				for _, f := range []string{"json", "text", "csv", "markdown"} {
					out := filepath.Join(dir, fmt.Sprintf("merged-%d.%s", n, f))
					gaps := filepath.Join(dir, fmt.Sprintf("merged-%d.geojson", n))
					code, _, errOut := runCLI(t, "", append([]string{"merge", "-q", "--format", f, "-o", out, "--gaps", gaps}, shards...)...)
					if code != wantCode {
						t.Errorf("merge of %d shards, %s: exit %d, want %d: %s", n, f, code, wantCode, errOut)
					}
					got, _ := os.ReadFile(out)
					g := string(got)
					if f == "json" {
						if !strings.Contains(g, fmt.Sprintf(`"count": %d,`+"\n"+`      "merged": true`, n)) {
							t.Errorf("merge of %d shards: no shard note in meta", n)
						}
						g = shardNote.ReplaceAllString(g, "")
					}
					if g != want[f] {
						t.Errorf("merge of %d shards, %s: differs from the unsharded check (%s vs %s)", n, f, out, filepath.Join(dir, "full."+f))
					}
					gb, _ := os.ReadFile(gaps)
					if string(gb) != want["geojson"] {
						t.Errorf("merge of %d shards: gap map differs from the unsharded check's", n)
					}
				}
			}
		})
	}
}

// TestShardMergeRefuses: merging shards of other inputs, a shard twice, a
// missing shard or a file that is no shard report fails (exit 2) naming
// the file; --shard wants --format json and a valid K/N.
func TestShardMergeRefuses(t *testing.T) {
	dir := t.TempDir()
	city := syntheticCity(t, dir, 3, 4, 3, 12)
	shard := func(name, sh string, extra ...string) string {
		p := filepath.Join(dir, name)
		if code, _, errOut := runCLI(t, "", append(append([]string{"check", "-q", "--shard", sh, "--format", "json", "-o", p}, city...), extra...)...); code == 2 {
			t.Fatalf("shard %s: %s", sh, errOut)
		}
		return p
	}
	a1, a2 := shard("a1.json", "1/2"), shard("a2.json", "2/2")
	other := shard("b2.json", "2/2", "--urban-radius", "1.5km")
	three := shard("c1.json", "1/3")
	plain := filepath.Join(dir, "plain.json")
	runCLI(t, "", append([]string{"check", "-q", "--format", "json", "-o", plain}, city...)...)
	for _, c := range []struct {
		name  string
		files []string
		want  string
	}{
		{"other settings", []string{a1, other}, other + ": a shard of other inputs or settings than " + a1},
		{"twice", []string{a1, a1}, a1 + ": shard 1 of 2 again"},
		{"missing", []string{a2}, a2 + ": shard(s) 1 of 2 missing"},
		{"other count", []string{a1, three}, three + ": shard 1 of 3, but " + a1 + " is of 2 shards"},
		{"not a shard", []string{plain}, plain + ": no shard_data"},
		{"not JSON", []string{city[3]}, city[3] + ": not a JSON report"},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"merge", "-o", filepath.Join(dir, "m.txt")}, c.files...)...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, %q; want 2 and %q", c.name, code, errOut, c.want)
		}
	}
	for _, args := range [][]string{{"--shard", "1/2"}, {"--shard", "3/2", "--format", "json"}, {"--shard", "0/2", "--format", "json"}, {"--shard", "x", "--format", "json"}} {
		if code, _, errOut := runCLI(t, "", append(append([]string{"check"}, city...), args...)...); code != 2 || !strings.Contains(errOut, "shard") {
			t.Errorf("check %q: exit %d, %q; want a usage error", args, code, errOut)
		}
	}
	// Accessibility needs every district's people at each station.
	for _, f := range []string{"access=2sfca", "capacitated", "people-per-unit=1"} {
		args := append([]string{"check"}, city...)
		args = append(args, "--shard", "1/2", "--format", "json", "--default-capacity", "1", "--"+f)
		want := "--shard does not take --" + strings.SplitN(f, "=", 2)[0]
		if f == "people-per-unit=1" {
			args = append(args, "--capacitated")
			want = "--shard does not take --capacitated"
		}
		if code, _, errOut := runCLI(t, "", args...); code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("check %q: exit %d, %q; want 2 and %q", args[len(city)+1:], code, errOut, want)
		}
	}
}
