package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/covaudit/covaudit/audit"
	"github.com/covaudit/covaudit/coverage"
)

// classFlag holds the classes given with --class (or the configuration
// file's classes), one spec per use:
//
//	NAME:values=A|B,rule=KIND,time=30m,distance=2km,radius=2km,speed=40km/h,
//	     detour=1.3,profile=car,direction=to-station,delay=60s,speeds=FILE
type classFlag struct{ specs []audit.Class }

func (c *classFlag) Type() string { return "class" }

func (c *classFlag) String() string {
	var out []string
	for _, s := range c.specs {
		out = append(out, s.Name)
	}
	return strings.Join(out, ",")
}

func (c *classFlag) Set(s string) error {
	cl, err := parseClass(s)
	if err != nil {
		return err
	}
	c.specs = append(c.specs, cl)
	return nil
}

// parseClass reads one class spec (see classFlag).
func parseClass(s string) (audit.Class, error) {
	name, rest, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return audit.Class{}, fmt.Errorf("class %q: want NAME:values=...,rule=...", s)
	}
	cl := audit.Class{Name: name, Values: []string{name}}
	var errs []string
	valuesGiven := false
	var decay decaySpec
	for _, kv := range strings.Split(rest, ",") {
		if strings.TrimSpace(kv) == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok {
			errs = append(errs, fmt.Sprintf("%q: want key=value", kv))
			continue
		}
		var err error
		r := &cl.Rule
		switch k {
		case "values":
			valuesGiven = true
			cl.Values = nil
			for _, x := range strings.Split(v, "|") {
				if x = strings.TrimSpace(x); x != "" {
					cl.Values = append(cl.Values, x)
				}
			}
		case "rule", "kind":
			r.Kind = coverage.RuleKind(v)
		case "radius":
			var d distanceFlag
			err, r.RadiusM = d.Set(v), float64(d)
		case "distance":
			var d distanceFlag
			err, r.DistanceM = d.Set(v), float64(d)
		case "time":
			var d durationFlag
			err, r.TimeS = d.Set(v), float64(d)
		case "delay":
			var d durationFlag
			err, r.DelayS = d.Set(v), float64(d)
		case "speed":
			var sp speedFlag
			err, r.SpeedMS = sp.Set(v), float64(sp)
		case "detour":
			r.Detour, err = strconv.ParseFloat(v, 64)
			if err != nil || !(r.Detour >= 1) || r.Detour > 1e6 {
				err = fmt.Errorf("invalid detour %q, want a number of at least 1", v)
			}
		case "profile":
			r.Profile = v
		case "direction":
			r.Direction = v
		case "speeds":
			r.Speeds = v
		case "decay", "zones", "weights":
			err = decay.set(k, v)
		default:
			err = fmt.Errorf("unknown key %q (keys: values, rule, radius, distance, time, speed, detour, profile, direction, delay, speeds, decay, zones, weights)", k)
		}
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	if valuesGiven && len(cl.Values) == 0 {
		errs = append(errs, "values: none given")
	}
	if cl.Rule.Kind == "" {
		errs = append(errs, "no rule (rule=radius|speed|road-time|road-distance)")
	}
	// A radius rule's distance is its radius (the configuration example
	// writes distance: 2km for both straight and road distances).
	if cl.Rule.Kind == coverage.KindRadius && cl.Rule.RadiusM == 0 {
		cl.Rule.RadiusM, cl.Rule.DistanceM = cl.Rule.DistanceM, 0
	}
	// Defaults of the kinds that have them.
	if cl.Rule.Kind == coverage.KindSpeed {
		if cl.Rule.Detour == 0 {
			cl.Rule.Detour = audit.DefaultDetour
		}
		if cl.Rule.SpeedMS == 0 {
			cl.Rule.SpeedMS = audit.DefaultSpeedMS
		}
	}
	if d, err := decay.decay(cl.Rule); err != nil {
		errs = append(errs, err.Error())
	} else {
		cl.Decay = d
	}
	if len(errs) > 0 {
		return cl, fmt.Errorf("class %q: %s", name, strings.Join(errs, "; "))
	}
	return cl, nil
}
