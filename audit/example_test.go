package audit_test

import (
	"context"
	"fmt"
	"log"

	"github.com/covaudit/covaudit/audit"
	"github.com/covaudit/covaudit/coverage"
)

// A Go program auditing districts through the library: the embedded
// Andorra demo (no files named), the urban parishes within 2 km of a
// station and the rural ones within 30 minutes by car over the demo's
// road network.
func Example() {
	cfg := audit.Default()
	cfg.Roads.File = audit.DemoRoads
	cfg.Classes[1].Rule = audit.RuleSpec{Kind: coverage.KindRoadTime, TimeS: 30 * 60}
	a, err := audit.Load(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	if err := a.Run(context.Background()); err != nil {
		log.Fatal(err)
	}
	for _, r := range a.Results {
		fmt.Printf("%-20s %-13s covered %5.1f%%  pass %v\n", r.District.Name, r.District.Rule.Kind, r.CoveredPct, r.Pass)
	}
	// The typed report, what --format json writes.
	rep := a.Report()
	fmt.Printf("%d of %d districts pass; %s m² uncovered\n", rep.Summary.Passing, rep.Summary.Districts, rep.Summary.UncoveredM2)
	// Output:
	// Escaldes-Engordany   radius        covered  16.6%  pass false
	// Andorra la Vella     radius        covered  53.6%  pass false
	// Ordino               road-time     covered  47.4%  pass false
	// La Massana           road-time     covered  84.1%  pass false
	// Sant Julià de Lòria  road-time     covered  86.2%  pass false
	// Encamp               road-time     covered  61.0%  pass false
	// Canillo              road-time     covered  54.5%  pass false
	// 0 of 7 districts pass; 194349577.09 m² uncovered
}
