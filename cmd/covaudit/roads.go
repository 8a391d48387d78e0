package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/spf13/pflag"
)

// roadOptions are the flags of the road network, shared by every command
// that audits.
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
	closeRoads     string
	speedFactor    string
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

func (o *roadOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.roads, "roads", "", "OpenStreetMap road network (.osm.pbf, .osm, .osm.gz, .osm.bz2): rural districts then use travel time by road (`FILE`)")
	f.Var(&o.profile, "profile", "road network: who travels: car|bicycle|foot")
	f.StringVar(&o.speeds, "speeds", "", "road network: speed table replacing the profile's (`FILE`; see covaudit speeds)")
	f.Var(&o.direction, "direction", "road network: to-station (residents travel) or from-station (the station's vehicle travels out)")
	f.Var(&o.accessSpeed, "access-speed", "road network: speed of the straight leg between a place and the road, or a station")
	f.Var(&o.maxAccess, "max-access", "road network: longest such leg; land farther from every usable road and station is a no-access gap")
	f.Var(&o.tolerance, "tolerance", "road network: widest bracket of a district's uncovered area, percent of its area")
	f.StringVar(&o.closeRoads, "close", "", "road network: roads to close before the search, GeoJSON lines or polygons, or OpenStreetMap way ids one a line (`FILE`)")
	f.StringVar(&o.speedFactor, "speed-factor", "", "road network: roads to slow, GeoJSON features with a \"factor\" in (0, 1], or \"way_id factor\" lines (`FILE`)")
	f.StringVar(&o.stationFilter, "station-filter", "", "stations from an OpenStreetMap file: the tag that selects them (`key=value[,value]`, such as amenity=police)")
	{
		f.StringVar(&o.districtFilter, "district-filter", "", "districts from an OpenStreetMap file: the tag of their boundary relations (`key=value`, such as admin_level=7)")
	}
}

// progress draws a one-line progress indicator on a terminal; it is silent
// when stderr is not a terminal or with --quiet.
type progress struct {
	w    io.Writer
	on   bool
	mu   sync.Mutex
	last string
}

func newProgress(stderr io.Writer) *progress {
	p := &progress{w: stderr}
	if f, ok := stderr.(*os.File); ok {
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

// Bytes, Count and Done make progress an audit.Progress.
func (p *progress) Bytes(what string, read, size int64) {
	if size > 0 {
		p.show(fmt.Sprintf("%s: %3d%% [%-20s]", what, 100*read/size, strings.Repeat("=", int(20*read/size))))
	}
}

func (p *progress) Count(what string, done, total int) {
	if total > 0 {
		p.show(fmt.Sprintf("%s: %d of %d [%-20s]", what, done, total, strings.Repeat("=", 20*done/total)))
	}
}

func (p *progress) Done() {
	if p == nil || !p.on || p.last == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r%-60s\r", "")
	p.last = ""
}
