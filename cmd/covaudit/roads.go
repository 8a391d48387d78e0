package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/roads"
	"github.com/spf13/pflag"
)

// roadOptions are the flags of the road-network rule, shared by check and
// nearest.
type roadOptions struct {
	roads          string
	profile        enumFlag
	speeds         string
	direction      enumFlag
	accessSpeed    speedFlag
	maxAccess      distanceFlag
	tolerance      percentFlag
	stationFilter  string
	districtFilter string
}

func newRoadOptions() roadOptions {
	return roadOptions{
		profile:     enumFlag{value: "car", allowed: []string{"car", "bicycle", "foot"}, what: "profile"},
		direction:   enumFlag{value: "to-station", allowed: []string{"to-station", "from-station"}, what: "direction"},
		accessSpeed: speedFlag(5 / 3.6),
		maxAccess:   1000,
		tolerance:   0.1,
	}
}

func (o *roadOptions) addFlags(f *pflag.FlagSet, check bool) {
	f.StringVar(&o.roads, "roads", "", "OpenStreetMap road network (.osm.pbf, .osm, .osm.gz, .osm.bz2): rural districts then use travel time by road (`FILE`)")
	f.Var(&o.profile, "profile", "road network: who travels: car|bicycle|foot")
	f.StringVar(&o.speeds, "speeds", "", "road network: speed table replacing the profile's (`FILE`; see covaudit speeds)")
	f.Var(&o.direction, "direction", "road network: to-station (residents travel) or from-station (the station's vehicle travels out)")
	f.Var(&o.accessSpeed, "access-speed", "road network: speed of the straight leg between a place and the road, or a station")
	f.Var(&o.maxAccess, "max-access", "road network: longest such leg; land farther from every usable road and station is a no-access gap")
	if check {
		f.Var(&o.tolerance, "tolerance", "road network: widest bracket of a district's uncovered area, percent of its area")
	}
	f.StringVar(&o.stationFilter, "station-filter", "", "stations from an OpenStreetMap file: the tag that selects them (`key=value[,value]`, such as amenity=police)")
	if check {
		f.StringVar(&o.districtFilter, "district-filter", "", "districts from an OpenStreetMap file: the tag of their boundary relations (`key=value`, such as admin_level=7)")
	}
}

// profileFor returns the chosen profile, overridden by --speeds.
func (o *roadOptions) profileFor() (roads.Profile, error) {
	p, err := roads.ProfileByName(o.profile.value)
	if err != nil {
		return p, usageError{err.Error()}
	}
	if o.speeds == "" {
		return p, nil
	}
	f, err := os.Open(o.speeds)
	if err != nil {
		return p, inputError{err}
	}
	defer f.Close()
	p, err = roads.ReadSpeeds(f, o.speeds, p)
	if err != nil {
		return p, inputError{err}
	}
	return p, nil
}

func (o *roadOptions) validate() error {
	if !(float64(o.accessSpeed) > 0) {
		return usageError{"--access-speed must be positive"}
	}
	if !(float64(o.maxAccess) >= 0) {
		return usageError{"--max-access must not be negative"}
	}
	if !(float64(o.tolerance) > 0) {
		return usageError{"--tolerance must be positive"}
	}
	return nil
}

// roadSource is the OSM file of --roads, or the embedded demo network.
func (o *roadOptions) roadSource() geodata.OSMSource {
	if o.roads == demoRoadsName {
		return geodata.OSMSource{Name: demoRoadsName, Data: demoRoads}
	}
	return geodata.OSMSource{Name: o.roads}
}

// loadNetwork reads the road network of the chosen profile. Progress goes
// to the terminal (see progress).
func (o *roadOptions) loadNetwork(ctx context.Context, pr *progress) (*roads.Network, geodata.RoadsInfo, error) {
	prof, err := o.profileFor()
	if err != nil {
		return nil, geodata.RoadsInfo{}, err
	}
	net, info, err := geodata.ReadRoads(ctx, o.roadSource(), prof, func(pass int, read, size int64) {
		pr.bytes(fmt.Sprintf("reading roads, pass %d of 2", pass), read, size)
	})
	pr.done()
	if err != nil {
		return nil, info, inputError{err}
	}
	net.BuildIndex()
	return net, info, nil
}

// fieldFor joins stations to the network and runs the multi-source search.
func (o *roadOptions) fieldFor(net *roads.Network, stations []coverage.Station) *roads.Field {
	dir, _ := roads.ParseDirection(o.direction.value)
	pos := make([][2]float64, len(stations))
	for i, s := range stations {
		pos[i] = [2]float64{s.Point[0], s.Point[1]}
	}
	return roads.NewField(net, pos, roads.Access{SpeedMS: float64(o.accessSpeed), CapM: float64(o.maxAccess)}, dir)
}

// progress draws a one-line progress indicator on a terminal; it is silent
// when stderr is not a terminal or with --quiet.
type progress struct {
	w    io.Writer
	on   bool
	mu   sync.Mutex
	last string
}

func newProgress(stderr io.Writer, quiet bool) *progress {
	p := &progress{w: stderr}
	if f, ok := stderr.(*os.File); ok && !quiet {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

func (p *progress) show(s string) {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s == p.last {
		return
	}
	p.last = s
	fmt.Fprintf(p.w, "\r%-60s", s)
}

func (p *progress) bytes(what string, read, size int64) {
	if size > 0 {
		p.show(fmt.Sprintf("%s: %3d%% [%-20s]", what, 100*read/size, strings.Repeat("=", int(20*read/size))))
	}
}

func (p *progress) count(what string, done, total int) {
	if total > 0 {
		p.show(fmt.Sprintf("%s: %d of %d [%-20s]", what, done, total, strings.Repeat("=", 20*done/total)))
	}
}

func (p *progress) done() {
	if p == nil || !p.on || p.last == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r%-60s\r", "")
	p.last = ""
}

// roadSummary describes the road network of an audit, for the report.
type roadSummary struct {
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

// useRoads reads the road network, builds the travel-time field from the
// audit's stations and puts rural districts under the road rule.
func (a *audit) useRoads(ctx context.Context, copts *coverage.Options, pr *progress) error {
	net, err := a.roadNetwork(ctx, copts, pr)
	if err != nil {
		return err
	}
	copts.Roads = a.opts.road.fieldFor(net, a.stations)
	a.roadInfo.StationJoins = copts.Roads.Joins
	return nil
}

// roadNetwork reads the road network for an audit: it records the input,
// its attribution and summary, sets the tolerance and puts rural districts
// under the road rule.
func (a *audit) roadNetwork(ctx context.Context, copts *coverage.Options, pr *progress) (*roads.Network, error) {
	o := &a.opts.road
	if err := o.validate(); err != nil {
		return nil, err
	}
	net, info, err := o.loadNetwork(ctx, pr)
	if err != nil {
		return nil, err
	}
	in := input{role: "roads", name: o.roads, data: demoRoads}
	if o.roads == demoRoadsName {
		in = in.hashed()
	} else if in, err = streamedInput("roads", o.roads); err != nil {
		return nil, err
	}
	a.inputs = append(a.inputs, in)
	if o.roads == demoRoadsName {
		a.attribution = append(a.attribution, demoRoadsAttribution)
	} else {
		a.attribution = append(a.attribution, "Road network: "+o.roads+", OpenStreetMap data © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)")
	}
	if info.MissingSegments > 0 {
		a.warn(fmt.Sprintf("%s: %d way segment(s) left out: their nodes are not in the file (ways cut by the extract's edge)", o.roads, info.MissingSegments))
	}
	st := net.Stats()
	a.roadInfo = &roadSummary{Profile: o.profile.value, Direction: o.direction.value, AccessKmh: float64(o.accessSpeed) * 3.6,
		MaxAccessM: float64(o.maxAccess), TolerancePct: float64(o.tolerance), Nodes: st.Nodes, Segments: st.Segments,
		LengthKm: geodata.Fixed{V: st.LengthM / 1000, Digits: 3}, Ways: info.WaysKept}
	copts.RoadTolerance = float64(o.tolerance) / 100
	road := coverage.Rule{Kind: coverage.KindRoad, TimeS: float64(a.opts.ruralTime), Profile: o.profile.value}
	for i := range a.districts {
		if a.districts[i].Class == "rural" {
			a.districts[i].Rule = road
		}
	}
	return net, nil
}

// osmStations reads stations from an OpenStreetMap file by --station-filter.
func (o *roadOptions) osmStations(path string) ([]coverage.Station, geodata.Problems, error) {
	if o.stationFilter == "" {
		return nil, nil, usageError{fmt.Sprintf("%s is an OpenStreetMap file: --station-filter key=value says which elements are stations", path)}
	}
	f, err := geodata.ParseTagFilter(o.stationFilter)
	if err != nil {
		return nil, nil, usageError{"--station-filter: " + err.Error()}
	}
	sts, probs, err := geodata.ReadOSMStations(context.Background(), geodata.OSMSource{Name: path}, f)
	if err == nil && len(sts) == 0 && len(probs) == 0 {
		err = fmt.Errorf("%s: no node, way or relation matches %s", path, f)
	}
	return sts, probs, err
}

// osmDistricts reads districts from an OpenStreetMap file by
// --district-filter.
func (o *roadOptions) osmDistricts(path, nameTag, classTag string) ([]geodata.DistrictFeature, geodata.Problems, error) {
	if o.districtFilter == "" {
		return nil, nil, usageError{fmt.Sprintf("%s is an OpenStreetMap file: --district-filter key=value says which boundary relations are districts", path)}
	}
	f, err := geodata.ParseTagFilter(o.districtFilter)
	if err != nil {
		return nil, nil, usageError{"--district-filter: " + err.Error()}
	}
	return geodata.ReadOSMDistricts(context.Background(), geodata.OSMSource{Name: path}, f, nameTag, classTag)
}
