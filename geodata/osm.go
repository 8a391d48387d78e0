package geodata

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/covaudit/covaudit/roads"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"
)

// IsOSMFile reports whether a path names an OpenStreetMap file by its
// extension: .osm.pbf, .pbf, .osm, .osm.gz, .osm.bz2.
func IsOSMFile(path string) bool {
	p := strings.ToLower(path)
	for _, ext := range []string{".pbf", ".osm", ".osm.gz", ".osm.bz2"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// OSMSource is an OpenStreetMap file to read, by path or from memory.
type OSMSource struct {
	// Name is the path, or the name used in messages when Data is set.
	Name string
	// Data, when not nil, is the file's content.
	Data []byte
}

func (s OSMSource) open() (io.ReadCloser, int64, error) {
	if s.Data != nil {
		return io.NopCloser(bytes.NewReader(s.Data)), int64(len(s.Data)), nil
	}
	f, err := os.Open(s.Name)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// osmKinds says which element types a scan wants.
type osmKinds struct{ nodes, ways, relations bool }

// countingReader counts the bytes read through it, for positions in
// messages and for progress.
type countingReader struct {
	r        io.Reader
	n        atomic.Int64 // the PBF decoders read while an error path reports it
	progress func(n int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	n := c.n.Add(int64(k))
	if c.progress != nil {
		c.progress(n)
	}
	return k, err
}

// scanOSM calls fn with every element of the kinds asked for, in file
// order. PBF is decoded in parallel (GOMAXPROCS blocks at once) and element
// kinds that are not wanted are skipped undecoded; XML may be gzip- or
// bzip2-compressed (by content, whatever the extension). Errors name the
// file and the byte offset (PBF: of the compressed file, at the end of the
// last whole block; XML: of the uncompressed text, with its line).
func scanOSM(ctx context.Context, src OSMSource, kinds osmKinds, progress func(read, size int64), fn func(osm.Object) error) error {
	path := src.Name
	f, size, err := src.open()
	if err != nil {
		return err
	}
	defer f.Close()
	if size == 0 {
		return fmt.Errorf("%s: empty file, not OpenStreetMap data", path)
	}
	cr := &countingReader{r: f}
	if progress != nil {
		cr.progress = func(n int64) { progress(n, size) }
	}
	br := bufio.NewReaderSize(cr, 1<<16)
	head, _ := br.Peek(512)
	var r io.Reader = br
	isXML := false
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: gzip: %v", path, err)
		}
		r, isXML = zr, true
	case bytes.HasPrefix(head, []byte("BZh")):
		r, isXML = bzip2.NewReader(br), true
	case bytes.Contains(head, []byte("<osm")) || bytes.HasPrefix(bytes.TrimSpace(head), []byte("<?xml")):
		isXML = true
	}
	if isXML {
		return scanXML(ctx, path, r, kinds, fn, cr)
	}
	if !bytes.Contains(head, []byte("OSMHeader")) {
		return fmt.Errorf("%s: not OpenStreetMap data: neither PBF (no OSMHeader block at byte 0) nor XML (no <osm> element)", path)
	}
	// The decoder gets a context of its own, cancelled only by Close from
	// this goroutine: osmpbf (paulmach/osm v0.8.0) races when its context
	// is cancelled while Scan runs (its serializer writes cData.Err as Next
	// replaces cData), so ctx is checked here, between objects.
	sc := osmpbf.New(context.Background(), r, runtime.GOMAXPROCS(0))
	defer sc.Close()
	sc.SkipNodes, sc.SkipWays, sc.SkipRelations = !kinds.nodes, !kinds.ways, !kinds.relations
	for n := 0; sc.Scan(); n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := fn(sc.Object()); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return fmt.Errorf("%s: in the block after byte %d (reading had reached byte %d of %d): %v", path, sc.FullyScannedBytes(), cr.n.Load(), size, describeRead(err))
	}
	return nil
}

// describeRead words a read error, naming a truncated file as such.
func describeRead(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "file is truncated (unexpected end of data)"
	}
	return err.Error()
}

// scanXML scans OSM XML; file counts the bytes of the file read so far.
func scanXML(ctx context.Context, path string, r io.Reader, kinds osmKinds, fn func(osm.Object) error, file *countingReader) error {
	sc := osmxml.New(ctx, r)
	defer sc.Close()
	for sc.Scan() {
		o := sc.Object()
		switch o.(type) {
		case *osm.Node:
			if !kinds.nodes {
				continue
			}
		case *osm.Way:
			if !kinds.ways {
				continue
			}
		case *osm.Relation:
			if !kinds.relations {
				continue
			}
		default:
			continue
		}
		if err := fn(o); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		// The decoder's message has the line of the (uncompressed) text.
		return fmt.Errorf("%s: %v (reading had reached byte %d of the file)", path, describeRead(err), file.n.Load())
	}
	return nil
}

// RoadsInfo describes what ReadRoads found.
type RoadsInfo struct {
	// WaysKept is the number of ways the profile can use.
	WaysKept int
	// MissingSegments counts way segments left out because a node is not
	// in the file (ways cut by the extract's edge).
	MissingSegments int
	// MissingWays are the ids of the first ways (at most 10, in file
	// order) that lost segments so.
	MissingWays []int64
}

// ReadRoads reads the ways of an OpenStreetMap file (.osm.pbf, or .osm XML,
// plain, gzip or bzip2) that the profile can use, in two passes: ways
// first, then only the nodes those ways use, so memory grows with the road
// network rather than the file. progress, when not nil, is called with the
// bytes read of each pass (pass 1 or 2).
func ReadRoads(ctx context.Context, src OSMSource, p roads.Profile, progress func(pass int, read, size int64)) (*roads.Network, RoadsInfo, error) {
	path := src.Name
	b := roads.NewBuilder(p)
	var info RoadsInfo
	pg := func(pass int) func(read, size int64) {
		if progress == nil {
			return nil
		}
		return func(read, size int64) { progress(pass, read, size) }
	}
	ways := 0
	// The kept ways and their segment counts, to name the ways that lose
	// segments to missing nodes (16 bytes a way, far fewer than nodes).
	type keptWay struct {
		id   int64
		segs int
	}
	var kept []keptWay
	err := scanOSM(ctx, src, osmKinds{ways: true}, pg(1), func(o osm.Object) error {
		w := o.(*osm.Way)
		ways++
		ids := make([]int64, len(w.Nodes))
		for i, n := range w.Nodes {
			ids[i] = int64(n.ID)
		}
		tags := w.Tags
		if b.AddWay(int64(w.ID), ids, func(k string) string { return tags.Find(k) }) {
			segs := 0
			for i := 0; i+1 < len(ids); i++ {
				if ids[i] != ids[i+1] {
					segs++
				}
			}
			kept = append(kept, keptWay{int64(w.ID), segs})
		}
		return nil
	})
	if err != nil {
		return nil, info, err
	}
	info.WaysKept = b.Ways()
	if info.WaysKept == 0 {
		return nil, info, fmt.Errorf("%s: no way usable by the %s profile among %d ways", path, p.Name, ways)
	}
	err = scanOSM(ctx, src, osmKinds{nodes: true}, pg(2), func(o osm.Object) error {
		n := o.(*osm.Node)
		if !b.NeedsNode(int64(n.ID)) {
			return nil
		}
		if !(n.Lat >= -90 && n.Lat <= 90 && n.Lon >= -180 && n.Lon <= 180) {
			return fmt.Errorf("node %d: position (%v, %v) is out of range", n.ID, n.Lon, n.Lat)
		}
		// PBF stores 1e-7 degrees as integers; rounding makes PBF and XML
		// give the same floats.
		b.SetNode(int64(n.ID), math.Round(n.Lon*1e7)/1e7, math.Round(n.Lat*1e7)/1e7)
		return nil
	})
	if err != nil {
		return nil, info, err
	}
	net, missing := b.Build()
	info.MissingSegments = missing
	if missing > 0 {
		built := map[int64]int{}
		for _, s := range net.Segs {
			built[s.Way]++
		}
		for _, w := range kept {
			if built[w.id] < w.segs && len(info.MissingWays) < 10 {
				info.MissingWays = append(info.MissingWays, w.id)
			}
		}
	}
	if len(net.Segs) == 0 {
		return nil, info, fmt.Errorf("%s: the %d usable ways have no node positions in the file (missing nodes in %s)",
			path, info.WaysKept, wayList(info.MissingWays, info.WaysKept))
	}
	return net, info, nil
}

// wayList names ways for a message: "way 77", "ways 77, 78 and 12 more".
func wayList(ids []int64, total int) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, strconv.FormatInt(id, 10))
	}
	s := strings.Join(parts, ", ")
	if total > len(ids) {
		s += fmt.Sprintf(" and %d more", total-len(ids))
	}
	if total > 1 {
		return "ways " + s
	}
	return "way " + s
}
