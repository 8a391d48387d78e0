package audit

import (
	"bytes"
	"encoding/base64"
	"encoding/gob"
	"fmt"
	"testing"

	"github.com/covaudit/covaudit/coverage"
)

// FuzzShardReport: a shard report of any bytes is read or refused with an
// error, never a panic; every result it accepts lies within the audit.
//
//	go test -fuzz=FuzzShardReport github.com/covaudit/covaudit/audit
func FuzzShardReport(f *testing.F) {
	sd := shardData{Meta: []byte(`{"tool":"covaudit"}`), Shard: Shard{1, 2}, Districts: 2, Stations: 1,
		Results: []shardResult{{Pos: 1, District: coverage.District{Name: "a"}, HasFail: true, GapWorst: []bool{true},
			Result: coverage.Result{AreaM2: 5, Fail: &coverage.Failure{Gaps: 1}, Gaps: []coverage.Gap{{AreaM2: 1, Worst: &coverage.Worst{}}}}}},
		StationRefs: map[int]coverage.Station{0: {ID: "s"}}}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&sd); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(fmt.Sprintf(`{"meta":{"shard":{"index":1,"count":2,"districts":2,"inputs_sha256":"x"}},"shard_data":%q}`,
		base64.StdEncoding.EncodeToString(buf.Bytes()))))
	f.Add([]byte(`{"meta":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, _, err := parseShard("fuzz.json", b)
		if err != nil {
			return
		}
		for _, r := range got.Results {
			if r.Pos < 0 || r.Pos >= got.Districts || len(r.GapWorst) != len(r.Result.Gaps) {
				t.Errorf("parseShard accepted result %d of %d districts", r.Pos, got.Districts)
			}
		}
	})
}
