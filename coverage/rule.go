package coverage

import (
	"errors"
	"fmt"
	"math"
)

// RuleKind names how a rule measures the cost of reaching a station.
type RuleKind string

// The rule kinds.
const (
	// KindRadius: cost is the geodesic distance to the nearest station, m.
	KindRadius RuleKind = "radius"
	// KindSpeed: cost is geodesic distance x detour factor / speed, s.
	KindSpeed RuleKind = "speed"
	// KindRoadTime: cost is the travel time over a road network (see
	// Options.Roads): an access leg to a road, the roads, a leg to the
	// station, or walking straight to a station, plus the station's delay,
	// s.
	KindRoadTime RuleKind = "road-time"
	// KindRoadDistance: cost is the distance along a road network, access
	// legs included, m (a network searched by length: see
	// roads.Network.ByLength).
	KindRoadDistance RuleKind = "road-distance"
)

// Kinds lists every rule kind, for messages.
var Kinds = []RuleKind{KindRadius, KindSpeed, KindRoadTime, KindRoadDistance}

// Rule is a district class's coverage requirement: every place must reach a
// station at a cost of at most the threshold.
type Rule struct {
	Kind RuleKind
	// RadiusM is the radius rule's threshold, metres.
	RadiusM float64
	// TimeS is the speed and road rules' threshold, seconds.
	TimeS float64
	// Detour multiplies the straight-line distance under the speed rule (>= 1).
	Detour float64
	// SpeedMS is the travel speed under the speed rule, metres per second.
	SpeedMS float64
	// DistanceM is the road-distance rule's threshold, metres.
	DistanceM float64
	// Road rules: Network is the index of the rule's travel-time (or
	// distance) field in Options.Roads; Profile ("car") and Direction
	// ("to-station") say how it was searched, for reports; DelayS is the
	// delay every station adds (the field applies it), seconds.
	Network   int
	Profile   string
	Direction string
	DelayS    float64
}

// ByRoad says whether the rule is evaluated over a road network.
func (r Rule) ByRoad() bool { return r.Kind == KindRoadTime || r.Kind == KindRoadDistance }

// Limit is the rule's threshold in its cost unit (see Threshold).
func (r Rule) Limit() float64 {
	t, _ := r.Threshold()
	return t
}

// ErrBadRule is wrapped by Rule.Validate's errors.
var ErrBadRule = errors.New("coverage: invalid rule")

// Validate checks that the rule's numbers are usable.
func (r Rule) Validate() error {
	pos := func(name string, v float64) error {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s must be positive, got %v: %w", name, v, ErrBadRule)
		}
		return nil
	}
	switch r.Kind {
	case KindRadius:
		return pos("radius", r.RadiusM)
	case KindSpeed:
		if err := pos("time", r.TimeS); err != nil {
			return err
		}
		if err := pos("speed", r.SpeedMS); err != nil {
			return err
		}
		if !(r.Detour >= 1) || math.IsInf(r.Detour, 0) {
			return fmt.Errorf("detour factor must be at least 1, got %v: %w", r.Detour, ErrBadRule)
		}
		return nil
	case KindRoadTime:
		if !(r.DelayS >= 0) || math.IsInf(r.DelayS, 0) {
			return fmt.Errorf("delay must not be negative, got %v: %w", r.DelayS, ErrBadRule)
		}
		return pos("time", r.TimeS)
	case KindRoadDistance:
		return pos("distance", r.DistanceM)
	}
	return fmt.Errorf("unknown rule kind %q: %w", r.Kind, ErrBadRule)
}

// RadiusMeters returns the straight-line distance, metres, within which a
// place meets the rule: the radius itself, or time x speed / detour. For the
// road rules it is 0: no radius decides them.
func (r Rule) RadiusMeters() float64 {
	switch r.Kind {
	case KindSpeed:
		return r.TimeS * r.SpeedMS / r.Detour
	case KindRoadTime, KindRoadDistance:
		return 0
	}
	return r.RadiusM
}

// Cost converts a geodesic distance, metres, into the rule's cost unit.
func (r Rule) Cost(distM float64) float64 {
	if r.Kind == KindSpeed {
		return distM * r.Detour / r.SpeedMS
	}
	return distM
}

// Threshold returns the rule's limit and its unit: metres ("m") for the
// radius and road-distance rules, seconds ("s") for the speed and
// road-time rules.
func (r Rule) Threshold() (float64, string) {
	switch r.Kind {
	case KindSpeed, KindRoadTime:
		return r.TimeS, "s"
	case KindRoadDistance:
		return r.DistanceM, "m"
	}
	return r.RadiusM, "m"
}

// Unit returns the unit of the rule's cost: "m" or "s".
func (r Rule) Unit() string {
	_, u := r.Threshold()
	return u
}
