package audit

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/roads"
)

// roadSet is an audit's road networks: one per profile and speed table
// (read from the file once each), and one cost field per way of searching
// them that a class uses (profile, time or distance, direction, delay);
// coverage.Rule.Network indexes the fields.
type roadSet struct {
	nets map[netKey]*roads.Network
	// headNets are the networks with the head side's scenario (diff), or
	// nil.
	headNets map[netKey]*roads.Network
	fields   []fieldSpec
	built    []*roads.Field // the fields of the audit's stations
	info     *RoadSummary
}

// netKey names a network: who travels, on which speed table.
type netKey struct{ profile, speeds string }

// fieldSpec is a way of searching a network.
type fieldSpec struct {
	net       netKey
	distance  bool // network metres, not seconds
	direction roads.Direction
	delayS    float64
}

// RoadSummary describes the road network of an audit, for the report.
type RoadSummary struct {
	Profile      string        `json:"profile"`
	Direction    string        `json:"direction"`
	AccessKmh    float64       `json:"access_speed_kmh"`
	MaxAccessM   float64       `json:"max_access_m"`
	TolerancePct float64       `json:"tolerance_pct"`
	Nodes        int           `json:"nodes"`
	Segments     int           `json:"segments"`
	LengthKm     geodata.Fixed `json:"length_km"`
	Ways         int           `json:"ways"`
	StationJoins int           `json:"station_joins"`
}

// roadSource is the OSM file of Roads.File, or the embedded demo network.
func (c *Config) roadSource() geodata.OSMSource {
	if c.Roads.File == DemoRoads {
		return geodata.OSMSource{Name: demoRoadsName, Data: demoRoads}
	}
	return geodata.OSMSource{Name: c.Roads.File}
}

// Profile returns a profile by name, its speed table replaced by the
// table of the speeds file when one is given.
func Profile(name, speeds string) (roads.Profile, error) {
	p, err := roads.ProfileByName(name)
	if err != nil {
		return p, UsageError{err.Error()}
	}
	if speeds == "" {
		return p, nil
	}
	f, err := os.Open(speeds)
	if err != nil {
		return p, InputError{err}
	}
	defer f.Close()
	p, err = roads.ReadSpeeds(f, speeds, p)
	if err != nil {
		return p, InputError{err}
	}
	return p, nil
}

// loadRoads reads the networks the classes need, searches them from the
// stations and gives every road district its field.
func (a *Audit) loadRoads(ctx context.Context) error {
	cfg := &a.Config
	rs := &roadSet{nets: map[netKey]*roads.Network{}}
	a.roads = rs
	fieldOf := map[fieldSpec]int{}
	for i := range a.Districts {
		d := &a.Districts[i]
		if !d.Rule.ByRoad() {
			continue
		}
		d.Rule.Profile = cmp.Or(d.Rule.Profile, cfg.Roads.Profile)
		d.Rule.Direction = cmp.Or(d.Rule.Direction, cfg.Roads.Direction)
		dir, err := roads.ParseDirection(d.Rule.Direction)
		if err != nil {
			return UsageError{err.Error()}
		}
		speeds := cfg.Roads.Speeds
		if cl := cfg.Class(d.Class); cl != nil && cl.Rule.Speeds != "" {
			speeds = cl.Rule.Speeds
		}
		spec := fieldSpec{net: netKey{d.Rule.Profile, speeds}, distance: d.Rule.Kind == coverage.KindRoadDistance, direction: dir, delayS: d.Rule.DelayS}
		k, ok := fieldOf[spec]
		if !ok {
			k = len(rs.fields)
			fieldOf[spec] = k
			rs.fields = append(rs.fields, spec)
		}
		d.Rule.Network = k
	}
	// The report's network summary is the first network's, read even when
	// no district is under a road rule (nearest measures travel times for
	// every point).
	first := netKey{cfg.Roads.Profile, cfg.Roads.Speeds}
	if len(rs.fields) > 0 {
		first = rs.fields[0].net
	}
	keys := []netKey{first}
	seen := map[netKey]bool{first: true}
	for _, f := range rs.fields {
		if !seen[f.net] {
			seen[f.net] = true
			keys = append(keys, f.net)
		}
	}
	sc, err := a.readScenario("", cfg.Roads.Close, cfg.Roads.SpeedFactor)
	if err != nil {
		return err
	}
	hs, err := a.readScenario("head-", cfg.Roads.HeadClose, cfg.Roads.HeadSpeedFactor)
	if err != nil {
		return err
	}
	if !hs.Empty() {
		rs.headNets = map[netKey]*roads.Network{}
	}
	for i, key := range keys {
		net, info, err := a.readNetwork(ctx, key)
		if err != nil {
			return err
		}
		var stats roads.ScenarioStats
		if !sc.Empty() {
			net, stats = net.Apply(sc)
			net.BuildIndex()
			info.WaysKept -= stats.GoneWays
			if i == 0 {
				a.scenario = &ScenarioReport{Close: cfg.Roads.Close, SpeedFactor: cfg.Roads.SpeedFactor, ClosedSegments: stats.ClosedSegments,
					SlowedSegments: stats.SlowedSegments, ClosedWays: stats.GoneWays}
			}
		}
		rs.nets[key] = net
		if rs.headNets != nil {
			hn, hst := net.Apply(hs)
			hn.BuildIndex()
			rs.headNets[key] = hn
			if i == 0 {
				a.headScenario = &ScenarioReport{Close: cfg.Roads.HeadClose, SpeedFactor: cfg.Roads.HeadSpeedFactor, ClosedSegments: hst.ClosedSegments,
					SlowedSegments: hst.SlowedSegments, ClosedWays: hst.GoneWays}
			}
		}
		if i == 0 {
			st := net.Stats()
			dir := cfg.Roads.Direction
			if len(rs.fields) > 0 {
				dir = rs.fields[0].direction.String()
			}
			rs.info = &RoadSummary{Profile: key.profile, Direction: dir, AccessKmh: cfg.Roads.AccessSpeedMS * 3.6,
				MaxAccessM: cfg.Roads.MaxAccessM, TolerancePct: cfg.Roads.TolerancePct, Nodes: st.Nodes, Segments: st.Segments,
				LengthKm: geodata.Fixed{V: st.LengthM / 1000, Digits: 3}, Ways: info.WaysKept}
			if info.MissingSegments > 0 {
				a.warn(fmt.Sprintf("%s: %d way segment(s) left out: their nodes are not in the file (ways cut by the extract's edge; first: %s)", cfg.Roads.File, info.MissingSegments, wayList(info.MissingWays)))
			}
		}
	}
	in := input{role: "roads", name: demoRoadsName, data: demoRoads}
	if cfg.Roads.File == DemoRoads {
		in = in.hashed()
		a.Attribution = append(a.Attribution, demoRoadsAttribution)
	} else {
		if in, err = streamedInput("roads", cfg.Roads.File); err != nil {
			return err
		}
		a.Attribution = append(a.Attribution, "Road network: "+cfg.Roads.File+", OpenStreetMap data © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)")
	}
	a.inputs = append(a.inputs, in)
	a.opts.RoadTolerance = cfg.Roads.TolerancePct / 100
	a.opts.RoadsFor = a.fieldFor
	if len(rs.fields) == 0 {
		// No class is under a road rule: nearest still measures travel
		// times by road, to-station by the default profile.
		dir, err := roads.ParseDirection(cfg.Roads.Direction)
		if err != nil {
			return UsageError{err.Error()}
		}
		rs.fields = []fieldSpec{{net: first, direction: dir}}
	}
	rs.built = make([]*roads.Field, len(rs.fields))
	for k := range rs.fields {
		rs.built[k] = a.fieldFor(k, a.Stations)
	}
	rs.info.StationJoins = rs.built[0].Joins
	a.opts.Roads = rs.built
	return nil
}

// readNetwork reads one profile's network from the road file.
func (a *Audit) readNetwork(ctx context.Context, key netKey) (*roads.Network, geodata.RoadsInfo, error) {
	prof, err := Profile(key.profile, key.speeds)
	if err != nil {
		return nil, geodata.RoadsInfo{}, err
	}
	pr := a.Config.Progress
	net, info, err := geodata.ReadRoads(ctx, a.Config.roadSource(), prof, func(pass int, read, size int64) {
		if pr != nil {
			pr.Bytes(fmt.Sprintf("reading roads (%s), pass %d of 2", key.profile, pass), read, size)
		}
	})
	if pr != nil {
		pr.Done()
	}
	if err != nil {
		return nil, info, InputError{err}
	}
	net.BuildIndex()
	return net, info, nil
}

// fieldFor joins stations to network k (coverage.Rule.Network) and runs
// its multi-source search; distance fields search by length, with legs at
// 1 m/s so that every cost is metres.
func (a *Audit) fieldFor(k int, stations []coverage.Station) *roads.Field {
	return a.fieldOn(a.roads.nets, k, stations)
}

// headFieldFor is fieldFor on the head side's networks (diff's
// --head-close and --head-speed-factor).
func (a *Audit) headFieldFor(k int, stations []coverage.Station) *roads.Field {
	return a.fieldOn(a.roads.headNets, k, stations)
}

func (a *Audit) fieldOn(nets map[netKey]*roads.Network, k int, stations []coverage.Station) *roads.Field {
	spec := a.roads.fields[k]
	net := nets[spec.net]
	acc := roads.Access{SpeedMS: a.Config.Roads.AccessSpeedMS, CapM: a.Config.Roads.MaxAccessM}
	if spec.distance {
		net, acc.SpeedMS = net.ByLength(), 1
	}
	pos := make([][2]float64, len(stations))
	for i, s := range stations {
		pos[i] = [2]float64{s.Point[0], s.Point[1]}
	}
	// The rule's delay at every station, or the station's own (its file's
	// --delay-col); times only: distances take none.
	var delay []float64
	own := false
	for _, s := range stations {
		own = own || s.HasDelay
	}
	if !spec.distance && (spec.delayS > 0 || own) {
		delay = make([]float64, len(stations))
		for i, s := range stations {
			delay[i] = spec.delayS
			if s.HasDelay {
				delay[i] = s.DelayS
			}
		}
	}
	f := roads.NewDelayedField(net, pos, delay, acc, spec.direction)
	f.WalkCapped = spec.distance
	return f
}

// osmStations reads stations from an OpenStreetMap file by the station
// filter.
func osmStations(ctx context.Context, path, filter string) ([]coverage.Station, geodata.Problems, error) {
	if filter == "" {
		return nil, nil, UsageError{fmt.Sprintf("%s is an OpenStreetMap file: --station-filter key=value says which elements are stations", path)}
	}
	f, err := geodata.ParseTagFilter(filter)
	if err != nil {
		return nil, nil, UsageError{"--station-filter: " + err.Error()}
	}
	sts, probs, err := geodata.ReadOSMStations(ctx, geodata.OSMSource{Name: path}, f)
	if err == nil && len(sts) == 0 && len(probs) == 0 {
		err = fmt.Errorf("%s: no node, way or relation matches %s", path, f)
	}
	return sts, probs, err
}

// osmDistricts reads districts from an OpenStreetMap file by the district
// filter.
func osmDistricts(ctx context.Context, path, filter, nameTag, classTag string) ([]geodata.DistrictFeature, geodata.Problems, error) {
	if filter == "" {
		return nil, nil, UsageError{fmt.Sprintf("%s is an OpenStreetMap file: --district-filter key=value says which boundary relations are districts", path)}
	}
	f, err := geodata.ParseTagFilter(filter)
	if err != nil {
		return nil, nil, UsageError{"--district-filter: " + err.Error()}
	}
	return geodata.ReadOSMDistricts(ctx, geodata.OSMSource{Name: path}, f, nameTag, classTag)
}

// wayList names OpenStreetMap ways by id: "way 12, way 40".
func wayList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("way %d", id)
	}
	return strings.Join(parts, ", ")
}

// ScenarioReport is the report's account of a road scenario: the files
// and what they changed in the (first) network.
type ScenarioReport struct {
	Close          string `json:"close,omitempty"`
	SpeedFactor    string `json:"speed_factor,omitempty"`
	ClosedSegments int    `json:"closed_segments"`
	SlowedSegments int    `json:"slowed_segments"`
	// ClosedWays are the ways left without any segment.
	ClosedWays int `json:"closed_ways"`
}

// readScenario reads the closure and speed-factor files ("" for none)
// into one scenario, recording them as inputs.
func (a *Audit) readScenario(prefix, closePath, factorPath string) (*roads.Scenario, error) {
	sc := &roads.Scenario{}
	for _, f := range []struct {
		role, path string
		read       func(r io.Reader, name string) (*roads.Scenario, error)
	}{{prefix + "close", closePath, geodata.ReadClosures}, {prefix + "speed-factor", factorPath, geodata.ReadSpeedFactors}} {
		if f.path == "" {
			continue
		}
		in, err := loadInput(f.role, f.path, a.Config.Stdin)
		if err != nil {
			return nil, err
		}
		part, err := f.read(bytes.NewReader(in.data), in.name)
		if err != nil {
			return nil, InputError{err}
		}
		a.inputs = append(a.inputs, in.hashed())
		if part.ClosedWays != nil {
			sc.ClosedWays, sc.Closed = part.ClosedWays, part.Closed
		} else {
			sc.WayFactor, sc.Slowed = part.WayFactor, part.Slowed
		}
	}
	return sc, nil
}
