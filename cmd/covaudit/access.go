package main

import (
	"fmt"
	"strings"

	"github.com/covaudit/covaudit/audit"
	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/internal/number"
	"github.com/spf13/pflag"
)

// accessOptions are the flags of the capacity-aware measures (check and
// nearest): the stations' capacity column and the measures asked for.
type accessOptions struct {
	capacityCol     string
	defaultCapacity float64
	method          string
	minAccess       float64
	capacitated     bool
	peoplePerUnit   float64
	capacityOrder   string
	flags           *pflag.FlagSet
}

func (o *accessOptions) addFlags(f *pflag.FlagSet) {
	o.flags = f
	f.StringVar(&o.capacityCol, "capacity-col", "capacity", "stations column or property of each station's capacity, a number >= 0 (lawyers, beds, engines), read with --access or --capacitated")
	f.Float64Var(&o.defaultCapacity, "default-capacity", 0, "capacity of stations whose --capacity-col is empty or missing (default: an input error)")
	f.StringVar(&o.method, "access", "", "accessibility index over --population: 2sfca|e2sfca (see docs/accessibility.md)")
	f.Float64Var(&o.minAccess, "min-access", 0, "with --access: the index, capacity units per 10,000 people, below which people count as under-served")
	f.BoolVar(&o.capacitated, "capacitated", false, "capacitated coverage over --population: each station serves its capacity x --people-per-unit people, nearest first")
	f.Float64Var(&o.peoplePerUnit, "people-per-unit", 0, "with --capacitated: the people one unit of capacity serves (such as 10000 for a lawyer)")
	f.StringVar(&o.capacityOrder, "capacity-order", "capacity", "with --capacitated: the order stations serve in: capacity (largest first) or given (file order)")
}

func (o *accessOptions) changed(name string) bool {
	if o.flags == nil {
		return false
	}
	fl := o.flags.Lookup(name)
	return fl != nil && fl.Changed
}

// apply sets the configuration's access settings and, when a measure is
// asked for, the capacity column.
func (o *accessOptions) apply(c *audit.Config) {
	c.Access = audit.AccessConfig{Method: strings.ToLower(o.method), MinAccess: o.minAccess, HasMinAccess: o.changed("min-access"),
		Capacitated: o.capacitated, PeoplePerUnit: o.peoplePerUnit, CapacityOrder: o.capacityOrder}
	if c.Access.Enabled() {
		c.Columns.CapacityCol = o.capacityCol
		c.Columns.DefaultCapacity, c.Columns.HasDefaultCapacity = o.defaultCapacity, o.changed("default-capacity")
	}
}

// decaySpec collects a class's E2SFCA decay keys: decay=gaussian|zones,
// zones=A|B|C (in the rule's unit: durations or distances) and
// weights=1|0.68|0.22.
type decaySpec struct {
	kind           string
	zones, weights []string
}

func (d *decaySpec) set(k, v string) error {
	var list []string
	for _, x := range strings.Split(v, "|") {
		if x = strings.TrimSpace(x); x != "" {
			list = append(list, x)
		}
	}
	switch k {
	case "decay":
		if v != "gaussian" && v != "zones" {
			return fmt.Errorf("decay %q: want gaussian or zones", v)
		}
		d.kind = v
	case "zones":
		d.zones = list
	case "weights":
		d.weights = list
	}
	return nil
}

// decay is the class's decay, nil when none is given.
func (d *decaySpec) decay(r audit.RuleSpec) (*coverage.Decay, error) {
	if d.kind == "" && d.zones == nil && d.weights == nil {
		return nil, nil
	}
	if d.kind == "gaussian" {
		if d.zones != nil || d.weights != nil {
			return nil, fmt.Errorf("decay=gaussian takes no zones or weights")
		}
		return &coverage.Decay{Gaussian: true}, nil
	}
	if len(d.zones) == 0 {
		return nil, fmt.Errorf("decay: zones=A|B|C and weights=1|0.68|0.22 (or decay=gaussian)")
	}
	out := &coverage.Decay{}
	_, unit := coverage.Rule{Kind: r.Kind}.Threshold()
	var errs []string
	for _, z := range d.zones {
		var v float64
		var err error
		if unit == "s" {
			var f durationFlag
			err, v = f.Set(z), float64(f)
		} else {
			var f distanceFlag
			err, v = f.Set(z), float64(f)
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("zones: %v", err))
		}
		out.Zones = append(out.Zones, v)
	}
	for _, w := range d.weights {
		v, ok := number.Parse(w)
		if !ok {
			errs = append(errs, fmt.Sprintf("weights: %q is not a number", w))
		}
		out.Weights = append(out.Weights, v)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	if err := out.Validate(); err != nil {
		return nil, fmt.Errorf("decay: %v", err)
	}
	return out, nil
}
