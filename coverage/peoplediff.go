package coverage

// People who lose and gain coverage between a base and a head (Compare
// with Options.Population). A place is classified on each side exactly as
// Evaluate counts it: a point is uncovered when it is beyond the rule
// (farther than the radius from every station, or beyond the limit by
// road); a raster cell is split exactly by the disks under the distance
// rules and counts as a whole by its centre under the road rules. So the
// people diff reports as losing coverage are those Evaluate counts as
// uncovered with head and covered with base, whatever else changed.

// newGapLines are the drawn new gaps' rings in the frame, exterior first.
func (f *frame) newGapLines(gaps []Gap) gapLocator {
	out := make(gapLocator, len(gaps))
	for i, g := range gaps {
		for _, r := range g.Polygon {
			ring := make([][2]float64, len(r))
			for k, p := range r {
				ring[k][0], ring[k][1] = f.proj.Forward(p[0], p[1])
			}
			out[i] = append(out[i], ring)
		}
	}
	return out
}

// peopleDistance counts, under a distance rule of radius r, the people
// covered with base and not head (lost) and the reverse (gained), and adds
// the lost people to the drawn new gaps holding them: a point to the gap
// it lies in, a raster cell's lost share to the gap holding its centre,
// else to the nearest (as in rasterPeople). baseEll, headEll and bothEll
// are the disks of base, head and both lists; for a raster, a cell's lost
// people are its uncovered people with head less those with both lists.
func (f *frame) peopleDistance(pop *Population, r float64, baseIx, headIx *Index, baseEll, headEll, bothEll []ellipse, gaps []Gap) (lost, gained float64) {
	loc := f.newGapLines(gaps)
	if g := pop.grid; g != nil {
		f.rasterEach(g, [][]ellipse{headEll, baseEll, bothEll}, func(quad [][2]float64, _ float64, unc []float64) {
			l, gn := max(0, unc[0]-unc[2]), max(0, unc[1]-unc[2])
			lost += l
			gained += gn
			if k := loc.cell(quad); k >= 0 && l > 0 {
				gaps[k].Population += l
			}
		})
		return lost, gained
	}
	f.eachPoint(pop, func(i int, x, y float64) {
		p := pop.points[i]
		_, dh := headIx.Nearest(p)
		_, db := baseIx.Nearest(p)
		switch uh, ub := dh > r, db > r; {
		case uh && !ub:
			lost += pop.counts[i]
			if k := loc.at([2]float64{x, y}); k >= 0 {
				gaps[k].Population += pop.counts[i]
			}
		case ub && !uh:
			gained += pop.counts[i]
		}
	})
	return lost, gained
}

// peopleRoad counts, under a road rule, the people covered with base and
// not head (lost) and the reverse (gained), place by place (see
// roadSetup.people), and adds the lost people to the drawn new gaps
// holding them.
func (f *frame) peopleRoad(pop *Population, base, head *roadSetup, gaps []Gap) (lost, gained float64) {
	loc := f.newGapLines(gaps)
	ub, uh := base.beyond(), head.beyond()
	head.eachPlace(pop, func(c, x, y float64) {
		switch h, b := uh(x, y), ub(x, y); {
		case h && !b:
			lost += c
			if k := loc.at([2]float64{x, y}); k >= 0 {
				gaps[k].Population += c
			}
		case b && !h:
			gained += c
		}
	})
	return lost, gained
}
