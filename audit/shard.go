package audit

// Shards split an audit's districts over machines: every shard reads all
// the inputs (districts, stations, roads), checks them and warns as the
// whole audit does, but evaluates only its own districts (ShardOf), and
// writes a JSON report carrying each of its results exactly (shard_data:
// base64 of a gob stream, floats bit for bit). Merge puts the shards'
// results back in district order and renders them with the same code as
// an unsharded check, so every output is byte for byte the unsharded one
// (sums re-added in district order from the exact values), but for the
// JSON report's meta.shard note.

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/covaudit/covaudit/coverage"
)

// Shard names one of Count shards, Index from 1 to Count.
type Shard struct{ Index, Count int }

// ParseShard reads "K/N" (1 <= K <= N).
func ParseShard(s string) (Shard, error) {
	var sh Shard
	k, n, ok := strings.Cut(s, "/")
	if ok {
		_, err1 := fmt.Sscanf(k, "%d", &sh.Index)
		_, err2 := fmt.Sscanf(n, "%d", &sh.Count)
		ok = err1 == nil && err2 == nil && fmt.Sprintf("%d/%d", sh.Index, sh.Count) == s
	}
	if !ok || sh.Count < 1 || sh.Index < 1 || sh.Index > sh.Count || sh.Count > maxShards {
		return Shard{}, fmt.Errorf("invalid shard %q, must be K/N with 1 <= K <= N <= %d", s, maxShards)
	}
	return sh, nil
}

// maxShards bounds N, so that a mistyped count fails rather than leaving
// every shard empty.
const maxShards = 100000

// String is "K/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// ShardOf is the shard (1 to n) of the district read from feature index
// feature of its file: a stable hash (splitmix64) of the index, so that
// neighbouring districts, which cost alike, spread over the shards.
func ShardOf(feature, n int) int {
	z := uint64(feature) + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return int(z%uint64(n)) + 1
}

// shardDistricts are the districts of the audit's shard and their
// positions in Districts.
func (a *Audit) shardDistricts() ([]coverage.District, []int) {
	sh := a.Config.Shard
	var ds []coverage.District
	var pos []int
	for i, d := range a.Districts {
		if ShardOf(a.featureIdx[i], sh.Count) == sh.Index {
			ds = append(ds, d)
			pos = append(pos, i)
		}
	}
	return ds, pos
}

// ShardMeta is the report's note on sharding: the shard (Index of Count)
// or, Merged, the report merged from Count shards; InputsSHA256 is the
// SHA-256 of the rest of the meta (parameters, inputs and their
// hashes), the same for every shard of one audit.
type ShardMeta struct {
	Index        int    `json:"index,omitempty"`
	Count        int    `json:"count"`
	Merged       bool   `json:"merged,omitempty"`
	Districts    int    `json:"districts"`
	InputsSHA256 string `json:"inputs_sha256"`
}

// metaSHA256 is the hex SHA-256 of a meta without its shard note.
func metaSHA256(m ReportMeta) string {
	m.Shard = nil
	b, _ := json.Marshal(m)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// shardData is what a shard's report carries for Merge.
type shardData struct {
	Meta         []byte // the JSON of the meta, shard note left out
	Shard        Shard
	Districts    int // valid districts of the whole audit
	Stations     int
	LoadWarnings []string
	Attribution  []string
	SkippedD     int
	SkippedS     int
	Population   bool
	Roads        *RoadSummary
	Results      []shardResult
	// StationRefs are the stations the results name (worst places), by
	// index in the audit's stations.
	StationRefs map[int]coverage.Station
}

// shardResult is one district's evaluation, its travel-time grid left out
// (the HTML and SVG maps are not merged); the district's outline is kept,
// for a GeoPackage gap map's districts layer.
type shardResult struct {
	Pos      int
	District coverage.District
	Result   coverage.Result
	// Flags that gob would lose with zero values: which pointers were set.
	HasFail, HasTravel bool
	GapWorst           []bool
	Warnings           []string
}

// encodeShard is the base64 gob of the shard's results.
func (a *Audit) encodeShard(meta ReportMeta) (string, error) {
	meta.Shard = nil
	var mbuf bytes.Buffer
	enc := json.NewEncoder(&mbuf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(meta); err != nil {
		return "", err
	}
	mb := mbuf.Bytes()
	sd := shardData{Meta: mb, Shard: a.Config.Shard, Districts: len(a.Districts), Stations: len(a.Stations),
		LoadWarnings: a.Warnings[:a.loadWarnings], Attribution: a.Attribution, SkippedD: a.skippedD, SkippedS: a.skippedS,
		Population: a.hasPopulation, Roads: a.roadInfo(), StationRefs: map[int]coverage.Station{}}
	ref := func(i int) {
		if i >= 0 {
			s := a.Stations[i]
			sd.StationRefs[i] = coverage.Station{ID: s.ID, Name: s.Name}
		}
	}
	for i, r := range a.Results {
		d := *r.District
		sr := shardResult{Pos: a.resultPos[i], District: d, Result: r, HasFail: r.Fail != nil, HasTravel: r.Travel != nil, Warnings: a.resultWarn[i]}
		sr.Result.District = nil
		if r.Travel != nil {
			t := *r.Travel
			t.Grid, t.TimesS = nil, nil
			sr.Result.Travel = &t
		}
		ref(r.Worst.Station)
		for _, g := range r.Gaps {
			sr.GapWorst = append(sr.GapWorst, g.Worst != nil)
			if g.Worst != nil {
				ref(g.Worst.Station)
			}
		}
		sd.Results = append(sd.Results, sr)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&sd); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// shardFile is a shard report as Merge reads it.
type shardFile struct {
	Meta      ReportMeta `json:"meta"`
	ShardData string     `json:"shard_data"`
}

// ErrNotShard is wrapped by Merge's errors for a file that is no shard
// report.
var ErrNotShard = errors.New("audit: not a shard report")

// readShard reads one shard report.
func readShard(path string) (*shardData, ShardMeta, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, ShardMeta{}, InputError{err}
	}
	return parseShard(path, b)
}

// parseShard parses a shard report's bytes; path names it in errors.
func parseShard(path string, b []byte) (*shardData, ShardMeta, error) {
	var f shardFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, ShardMeta{}, InputError{fmt.Errorf("%s: not a JSON report: %w", path, err)}
	}
	if f.Meta.Shard == nil || f.Meta.Shard.Merged || f.ShardData == "" {
		return nil, ShardMeta{}, InputError{fmt.Errorf("%s: no shard_data (write shard reports with covaudit check --shard K/N --format json): %w", path, ErrNotShard)}
	}
	raw, err := base64.StdEncoding.DecodeString(f.ShardData)
	if err != nil {
		return nil, ShardMeta{}, InputError{fmt.Errorf("%s: shard_data: %w", path, err)}
	}
	var sd shardData
	if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&sd); err != nil {
		return nil, ShardMeta{}, InputError{fmt.Errorf("%s: shard_data: %w", path, err)}
	}
	if sd.Shard.Index != f.Meta.Shard.Index || sd.Shard.Count != f.Meta.Shard.Count {
		return nil, ShardMeta{}, InputError{fmt.Errorf("%s: meta.shard says %d/%d, shard_data %s", path, f.Meta.Shard.Index, f.Meta.Shard.Count, sd.Shard)}
	}
	for _, r := range sd.Results {
		if r.Pos < 0 || r.Pos >= sd.Districts || len(r.GapWorst) != len(r.Result.Gaps) {
			return nil, ShardMeta{}, InputError{fmt.Errorf("%s: shard_data: result of district %d out of range", path, r.Pos)}
		}
		named := []int{r.Result.Worst.Station}
		for _, g := range r.Result.Gaps {
			if g.Worst != nil {
				named = append(named, g.Worst.Station)
			}
		}
		for _, s := range named {
			if _, ok := sd.StationRefs[s]; s >= 0 && (!ok || s >= sd.Stations) {
				return nil, ShardMeta{}, InputError{fmt.Errorf("%s: shard_data: district %d names station %d, not carried", path, r.Pos, s)}
			}
		}
	}
	return &sd, *f.Meta.Shard, nil
}

// Merge reads the reports of the N shards of one audit (check --shard K/N
// --format json, in any order) and returns the audit they make: its
// results in district order, the warnings of the whole audit, ready for
// Write with out, whose outputs are byte for byte those of the unsharded
// check (the JSON report's meta.shard says it was merged). Shards of
// other inputs or settings, a shard given twice or missing are errors
// naming the file. The HTML and SVG maps and the stations report are not
// merged.
func Merge(paths []string, out Output) (*Audit, error) {
	if len(paths) == 0 {
		return nil, UsageError{"merge needs the shard reports (FILE...)"}
	}
	if out.HTML != "" || out.SVG != "" || out.StationsReport != "" {
		return nil, UsageError{"merge writes the report and the gap map; the maps and the stations report need an unsharded check"}
	}
	if err := out.Check(); err != nil {
		return nil, err
	}
	var first *shardData
	var firstMeta ShardMeta
	byIndex := map[int]string{}
	var all []*shardData
	for _, p := range paths {
		sd, sm, err := readShard(p)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first, firstMeta = sd, sm
		} else {
			switch {
			case sm.InputsSHA256 != firstMeta.InputsSHA256 || !bytes.Equal(sd.Meta, first.Meta):
				return nil, InputError{fmt.Errorf("%s: a shard of other inputs or settings than %s (inputs_sha256 %s, not %s)", p, paths[0], sm.InputsSHA256, firstMeta.InputsSHA256)}
			case sm.Count != firstMeta.Count:
				return nil, InputError{fmt.Errorf("%s: shard %d of %d, but %s is of %d shards", p, sm.Index, sm.Count, paths[0], firstMeta.Count)}
			case sd.Districts != first.Districts || sd.Stations != first.Stations || !slices.Equal(sd.LoadWarnings, first.LoadWarnings):
				return nil, InputError{fmt.Errorf("%s: its inputs read differently from %s's", p, paths[0])}
			}
		}
		if q, ok := byIndex[sm.Index]; ok {
			return nil, InputError{fmt.Errorf("%s: shard %d of %d again (also %s)", p, sm.Index, sm.Count, q)}
		}
		byIndex[sm.Index] = p
		all = append(all, sd)
	}
	var missing []string
	for k := 1; k <= firstMeta.Count; k++ {
		if _, ok := byIndex[k]; !ok {
			missing = append(missing, fmt.Sprint(k))
		}
	}
	if len(missing) > 0 {
		return nil, InputError{fmt.Errorf("%s: shard(s) %s of %d missing", paths[0], strings.Join(missing, ", "), firstMeta.Count)}
	}
	// The parameters are kept as written, so that they print the same.
	var raw struct {
		Tool, Version, Command string
		Parameters             map[string]json.RawMessage
		Inputs                 []ReportInput
	}
	if err := json.Unmarshal(first.Meta, &raw); err != nil {
		return nil, InputError{fmt.Errorf("%s: meta: %w", paths[0], err)}
	}
	meta := ReportMeta{Tool: raw.Tool, Version: raw.Version, Command: raw.Command, Parameters: map[string]any{}, Inputs: raw.Inputs}
	for k, v := range raw.Parameters {
		meta.Parameters[k] = v
	}
	a := &Audit{Config: Config{Output: out}, Command: meta.Command, Version: meta.Version, meta: &meta, shardCount: firstMeta.Count,
		Attribution: first.Attribution, skippedD: first.SkippedD, skippedS: first.SkippedS, hasPopulation: first.Population}
	if first.Roads != nil {
		a.roads = &roadSet{info: first.Roads}
	}
	a.Stations = make([]coverage.Station, first.Stations)
	results := make([]*shardResult, first.Districts)
	for k, sd := range all {
		for i := range sd.Results {
			r := &sd.Results[i]
			if results[r.Pos] != nil {
				return nil, InputError{fmt.Errorf("%s: district %d is in another shard too", paths[k], r.Pos)}
			}
			results[r.Pos] = r
		}
		for i, s := range sd.StationRefs {
			if i < 0 || i >= len(a.Stations) {
				return nil, InputError{fmt.Errorf("%s: shard_data: station %d out of range", paths[k], i)}
			}
			a.Stations[i] = s
		}
	}
	a.Warnings = append([]string{}, first.LoadWarnings...)
	for pos, r := range results {
		if r == nil {
			return nil, InputError{fmt.Errorf("%s: district %d is in no shard", paths[0], pos)}
		}
		res := r.Result
		d := r.District
		res.District = &d
		if !r.HasFail {
			res.Fail = nil
		} else if res.Fail == nil {
			res.Fail = &coverage.Failure{}
		}
		if !r.HasTravel {
			res.Travel = nil
		} else if res.Travel == nil {
			res.Travel = &coverage.TravelTimes{}
		}
		for g := range res.Gaps {
			if !r.GapWorst[g] {
				res.Gaps[g].Worst = nil
			} else if res.Gaps[g].Worst == nil {
				res.Gaps[g].Worst = &coverage.Worst{}
			}
		}
		a.Results = append(a.Results, res)
		a.Warnings = append(a.Warnings, r.Warnings...)
	}
	return a, nil
}

// WriteMerged writes a merged audit's outputs (see Merge) and returns
// ErrFailed when a district fails, as check does.
func (a *Audit) WriteMerged(stdout, stderr io.Writer) error {
	if err := a.emitLayers(stdout, stderr, a.gapFeatures, a.districtFeatures, a.WriteReport); err != nil {
		return err
	}
	if a.Failing() > 0 {
		return ErrFailed
	}
	return nil
}
