package geodata

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/paulmach/orb"
)

// Fixed is a number written with a fixed count of decimals, so that output
// diffs cleanly. NaN and infinities are written as null.
type Fixed struct {
	V      float64
	Digits int
}

// String is the number as MarshalJSON writes it ("null" for NaN and
// infinities), for CSV and text.
func (f Fixed) String() string {
	b, _ := f.MarshalJSON()
	return string(b)
}

// MarshalJSON writes the number with f.Digits decimals.
func (f Fixed) MarshalJSON() ([]byte, error) {
	if math.IsNaN(f.V) || math.IsInf(f.V, 0) {
		return []byte("null"), nil
	}
	v := f.V
	if v == 0 {
		v = 0 // no "-0.00"
	}
	s := strconv.FormatFloat(v, 'f', f.Digits, 64)
	if s[0] == '-' && isZeros(s[1:]) {
		s = s[1:]
	}
	return []byte(s), nil
}

func isZeros(s string) bool {
	for _, c := range s {
		if c != '0' && c != '.' {
			return false
		}
	}
	return true
}

// Prop is one property of a feature; Props keep their order in the output.
type Prop struct {
	Key   string
	Value any
}

// Feature is a polygon feature for WriteFeatures, or a point feature when
// Point is not nil ({lon, lat}; GeoJSON only).
type Feature struct {
	Polygon orb.Polygon
	Point   *orb.Point
	Props   []Prop
}

// WriteFeatures writes an RFC 7946 FeatureCollection of Polygon features:
// coordinates rounded to 1e-7 degrees (repeated points after rounding are
// dropped), one feature per line, "features": [] when there are none.
// Features are encoded on all cores, in runs of consecutive features, and
// written in their order: the bytes do not depend on the number of cores.
func WriteFeatures(w io.Writer, feats []Feature, extra []Prop) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(`{"type":"FeatureCollection"`)
	for _, p := range extra {
		if err := writeProp(bw, p); err != nil {
			return err
		}
	}
	bw.WriteString(`,"features":[`)
	err := inOrder(len(feats), featureRun, func(lo, hi int, buf []byte) ([]byte, error) {
		for i := lo; i < hi; i++ {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = appendFeature(buf, i, feats[i]); err != nil {
				return buf, err
			}
		}
		return buf, nil
	}, func(b []byte) error {
		_, err := bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// featureRun is how many consecutive features one worker of WriteFeatures
// encodes at a time.
const featureRun = 64

// appendFeature appends feature i (its number for errors) as one line of
// a FeatureCollection, starting with the line break.
func appendFeature(buf []byte, i int, f Feature) ([]byte, error) {
	buf = append(buf, "\n{\"type\":\"Feature\",\"properties\":{"...)
	for k, p := range f.Props {
		b, err := json.Marshal(p.Value)
		if err != nil {
			return buf, fmt.Errorf("feature %d: property %q: %w", i, p.Key, err)
		}
		if k > 0 {
			buf = append(buf, ',')
		}
		kb, _ := json.Marshal(p.Key)
		buf = append(buf, kb...)
		buf = append(buf, ':')
		buf = append(buf, b...)
	}
	if f.Point != nil {
		buf = append(buf, `},"geometry":{"type":"Point","coordinates":[`...)
		buf = appendCoord(buf, f.Point[0])
		buf = append(buf, ',')
		buf = appendCoord(buf, f.Point[1])
		return append(buf, "]}}"...), nil
	}
	buf = append(buf, `},"geometry":{"type":"Polygon","coordinates":[`...)
	for ri, ring := range f.Polygon {
		if ri > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		last := -1 // where the last point written starts in buf
		for _, p := range ring {
			at := len(buf)
			if last >= 0 {
				buf = append(buf, ',')
			}
			start := len(buf)
			buf = append(buf, '[')
			buf = appendCoord(buf, p[0])
			buf = append(buf, ',')
			buf = appendCoord(buf, p[1])
			buf = append(buf, ']')
			if last >= 0 && string(buf[start:]) == string(buf[last:at]) {
				buf = buf[:at] // the same point after rounding
				continue
			}
			last = start
		}
		buf = append(buf, ']')
	}
	return append(buf, "]}}"...), nil
}

// inOrder encodes [0, n) in runs of run consecutive items on all cores
// (encode appends the items lo..hi-1 to buf) and hands the runs to write in
// their order, holding at most a few runs per core at a time. The first
// error, of encode or write, stops it; write sees nothing after it.
func inOrder(n, run int, encode func(lo, hi int, buf []byte) ([]byte, error), write func([]byte) error) error {
	if n == 0 {
		return nil
	}
	type piece struct {
		lo, hi int
		buf    []byte
		err    error
		done   chan struct{}
	}
	workers := min(runtime.GOMAXPROCS(0), (n+run-1)/run)
	if workers <= 1 {
		buf, err := encode(0, n, nil)
		if err != nil {
			return err
		}
		return write(buf)
	}
	jobs := make(chan *piece, 4*workers)
	order := make(chan *piece, 4*workers)
	stop := make(chan struct{})
	free := make(chan []byte, 8*workers) // buffers written out, for reuse
	go func() {
		defer close(jobs)
		defer close(order)
		for lo := 0; lo < n; lo += run {
			p := &piece{lo: lo, hi: min(n, lo+run), done: make(chan struct{})}
			select {
			case order <- p:
			case <-stop:
				return
			}
			jobs <- p
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				var buf []byte
				select {
				case buf = <-free:
				default:
				}
				p.buf, p.err = encode(p.lo, p.hi, buf[:0])
				close(p.done)
			}
		}()
	}
	var err error
	for p := range order {
		<-p.done
		if err == nil {
			if err = p.err; err == nil {
				err = write(p.buf)
			}
			if err != nil {
				close(stop)
			}
		}
		select {
		case free <- p.buf:
		default:
		}
	}
	wg.Wait()
	return err
}

func writeProp(bw *bufio.Writer, p Prop) error {
	b, err := json.Marshal(p.Value)
	if err != nil {
		return err
	}
	kb, _ := json.Marshal(p.Key)
	bw.WriteByte(',')
	bw.Write(kb)
	bw.WriteByte(':')
	bw.Write(b)
	return nil
}

// appendCoord appends v rounded to 1e-7 degrees without trailing zeros
// (and "0" for a negative zero).
func appendCoord(buf []byte, v float64) []byte {
	at := len(buf)
	buf = strconv.AppendFloat(buf, v, 'f', 7, 64)
	for len(buf)-at > 1 && buf[len(buf)-1] == '0' {
		buf = buf[:len(buf)-1]
	}
	if buf[len(buf)-1] == '.' {
		buf = buf[:len(buf)-1]
	}
	if string(buf[at:]) == "-0" {
		buf = append(buf[:at], '0')
	}
	return buf
}

// WriteFileAtomic writes the file path with write, never leaving a file
// half written. What that takes depends on what path is:
//
//   - a regular file, or a path that does not exist yet: write fills a
//     temporary file with a unique name (".NAME.*.tmp") in the same folder,
//     which is flushed to disk and renamed over path only when everything
//     succeeded; on any error it is removed and path is left as it was. An
//     existing file keeps its permissions, a new one gets 0644.
//   - a character device (a terminal), a named pipe (FIFO) or a socket:
//     path is opened for writing and written straight, never replaced
//     (a socket cannot be opened as a file: that is an error saying so).
//     A failure part way leaves what was written there: a pipe's reader
//     sees the stream end early and the error is returned.
//   - /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N: the process's
//     own descriptor N is written, whatever it refers to (even a regular
//     file the shell redirected it to), and never replaced.
//
// Symbolic links are followed: the file a link points to is written (or
// created) and the link stays. A folder, a block device or another kind of
// file is refused. Errors name path as given (and where its link points),
// never the temporary file: "write nodir/x.json: folder nodir does not
// exist". The writes go through a 64 KiB buffer. Safe for concurrent use:
// writers of one path race, and the last rename wins with a whole file.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	t, err := resolveTarget(path)
	if err != nil {
		return err
	}
	if t.kind != replaceFile {
		return t.writeInPlace(write)
	}
	return t.replace(func(f *os.File) error {
		bw := bufio.NewWriterSize(namedWriter{f, t}, 1<<16)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// CheckOutput checks, without writing it, that WriteFileAtomic can write
// path: that it is not a folder or a block device and, for a file, that
// its folder exists and takes new files (a temporary file is created and
// removed there). The errors are WriteFileAtomic's. A program writing
// several outputs checks them all first, so that one that cannot be
// written leaves the others unwritten too.
func CheckOutput(path string) error {
	t, err := resolveTarget(path)
	if err != nil || t.kind != replaceFile {
		return err
	}
	f, err := t.createTemp()
	if err != nil {
		return err
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// BuildFileAtomic is WriteFileAtomic for writers that need a file by its
// name (SQLite): build fills the empty temporary file named tmp, which
// then replaces path as WriteFileAtomic's does. When path is a device, a
// pipe or a descriptor, tmp is in the system's temporary folder and its
// bytes are copied to path. On any error tmp is removed, and so are the
// files SQLite may leave beside it (tmp-journal, tmp-wal, tmp-shm).
func BuildFileAtomic(path string, build func(tmp string) error) error {
	t, err := resolveTarget(path)
	if err != nil {
		return err
	}
	if t.kind == replaceFile {
		// The temporary file stays open while build writes it by name,
		// so that replace's flush to disk and close apply to it.
		return t.replace(func(f *os.File) error { return build(f.Name()) })
	}
	tmp, err := os.CreateTemp("", "."+filepath.Base(t.path)+".*.tmp")
	if err != nil {
		return t.wrap(err)
	}
	name := tmp.Name()
	track(name)
	defer func() {
		removeTemp(name)
		untrack(name)
	}()
	if err := tmp.Close(); err != nil {
		return t.wrap(err)
	}
	if err := build(name); err != nil {
		return t.wrap(err)
	}
	f, err := os.Open(name)
	if err != nil {
		return t.wrap(err)
	}
	defer f.Close()
	return t.writeInPlace(func(w io.Writer) error {
		_, err := io.Copy(w, f)
		return err
	})
}

// writeKind is how WriteFileAtomic writes a target.
type writeKind int

const (
	replaceFile writeKind = iota // a regular file or a new path: a temporary file renamed over it
	inPlace                      // a character device, a named pipe or a socket: opened and written
	descriptor                   // /dev/stdout, /dev/stderr, /dev/fd/N: the process's descriptor
)

// outputTarget is an output path resolved: what it is and how to write it.
type outputTarget struct {
	name string      // the path as given, for messages
	path string      // the file written: name with its symbolic links followed
	kind writeKind   // how it is written
	fd   int         // the descriptor, for kind descriptor
	perm fs.FileMode // replaceFile: the permissions the file gets
}

// createTemp is os.CreateTemp, replaced in tests.
var createTemp = os.CreateTemp

// maxLinks is how many symbolic links an output path may go through.
const maxLinks = 40

// resolveTarget follows path's symbolic links and says how to write the
// file they lead to; an error names path and what is wrong with it.
func resolveTarget(path string) (outputTarget, error) {
	t := outputTarget{name: path, path: path, perm: 0o644}
	if path == "" {
		return t, errors.New("write: empty output path")
	}
	for hops := 0; ; hops++ {
		if fd, ok := descriptorPath(t.path); ok {
			t.kind, t.fd = descriptor, fd
			return t, nil
		}
		fi, err := os.Lstat(t.path)
		if errors.Is(err, fs.ErrNotExist) {
			return t, t.checkFolder()
		}
		if err != nil {
			if errors.Is(err, syscall.ENOTDIR) {
				return t, t.checkFolder()
			}
			return t, t.wrap(err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if hops == maxLinks {
				return t, t.errorf("more than %d symbolic links", maxLinks)
			}
			l, err := os.Readlink(t.path)
			if err != nil {
				return t, t.wrap(err)
			}
			if !filepath.IsAbs(l) {
				l = filepath.Join(filepath.Dir(t.path), l)
			}
			t.path = l
			continue
		}
		k, err := kindOf(fi.Mode())
		if err != nil {
			return t, t.errorf("%v", err)
		}
		t.kind = k
		if k == replaceFile {
			t.perm = fi.Mode().Perm()
		}
		return t, nil
	}
}

// kindOf says how a file of the given mode is written, or why it is not.
func kindOf(m fs.FileMode) (writeKind, error) {
	switch {
	case m.IsRegular():
		return replaceFile, nil
	case m.IsDir():
		return 0, errors.New("is a folder, not a file")
	case m&fs.ModeCharDevice != 0, m&fs.ModeNamedPipe != 0, m&fs.ModeSocket != 0:
		return inPlace, nil
	case m&fs.ModeDevice != 0:
		return 0, errors.New("is a block device: covaudit writes to files, pipes and terminals only")
	}
	return 0, fmt.Errorf("is neither a file, a pipe nor a terminal (mode %v)", m)
}

// descriptorPath says whether path names one of the process's own
// descriptors (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N), and
// which.
func descriptorPath(path string) (int, bool) {
	p := filepath.ToSlash(filepath.Clean(path))
	switch p {
	case "/dev/stdin":
		return 0, true
	case "/dev/stdout":
		return 1, true
	case "/dev/stderr":
		return 2, true
	}
	for _, dir := range []string{"/dev/fd/", "/proc/self/fd/"} {
		if n, ok := strings.CutPrefix(p, dir); ok {
			fd, err := strconv.Atoi(n)
			if err == nil && fd >= 0 && strconv.Itoa(fd) == n {
				return fd, true
			}
		}
	}
	return 0, false
}

// checkFolder checks that the folder of a path that does not exist yet is
// there to create it in.
func (t outputTarget) checkFolder() error {
	dir := filepath.Dir(t.path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return t.errorf("folder %s does not exist", dir)
	case errors.Is(err, syscall.ENOTDIR):
		return t.errorf("%s is not a folder", firstNonFolder(dir))
	case err != nil:
		return t.wrap(err)
	case !fi.IsDir():
		return t.errorf("%s is not a folder", dir)
	}
	return nil
}

// firstNonFolder is the first leading part of path that exists and is not
// a folder (path itself when none is found).
func firstNonFolder(path string) string {
	var parts []string
	for p := path; ; p = filepath.Dir(p) {
		parts = append(parts, p)
		if filepath.Dir(p) == p {
			break
		}
	}
	for i := len(parts) - 1; i >= 0; i-- {
		if fi, err := os.Stat(parts[i]); err == nil && !fi.IsDir() {
			return parts[i]
		}
	}
	return path
}

// replace writes a regular file (or creates one): fill writes the
// temporary file, which is flushed to disk and renamed over t.path.
func (t outputTarget) replace(fill func(*os.File) error) (err error) {
	tmp, err := t.createTemp()
	if err != nil {
		return err
	}
	name := tmp.Name()
	track(name)
	defer func() {
		if err != nil {
			tmp.Close()
			removeTemp(name)
		}
		untrack(name)
	}()
	if err = fill(tmp); err != nil {
		return t.wrap(err)
	}
	if err = tmp.Sync(); err != nil {
		return t.wrap(err)
	}
	if err = tmp.Close(); err != nil {
		return t.wrap(err)
	}
	if err = os.Chmod(name, t.perm); err != nil {
		return t.wrap(err)
	}
	if err = os.Rename(name, t.path); err != nil {
		return t.wrap(err)
	}
	return nil
}

// createTemp creates a temporary file beside t.path (".NAME.*.tmp"); an
// error names t and what is wrong with its folder.
func (t outputTarget) createTemp() (*os.File, error) {
	dir := filepath.Dir(t.path)
	tmp, err := createTemp(dir, "."+filepath.Base(t.path)+".*.tmp")
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
			return nil, t.errorf("folder %s is not writable", dir)
		case errors.Is(err, fs.ErrNotExist):
			return nil, t.errorf("folder %s does not exist", dir)
		}
		return nil, t.wrap(err)
	}
	return tmp, nil
}

// writeInPlace writes a device, a pipe or a descriptor straight, without
// truncating or replacing it.
func (t outputTarget) writeInPlace(write func(io.Writer) error) error {
	var f *os.File
	switch {
	case t.kind == descriptor && t.fd == 1:
		f = os.Stdout
	case t.kind == descriptor && t.fd == 2:
		f = os.Stderr
	default:
		// Another descriptor is reopened by its name in /dev/fd (the
		// same pipe or terminal; a regular file is appended to).
		p, flag := t.path, os.O_WRONLY
		if t.kind == descriptor {
			p, flag = "/dev/fd/"+strconv.Itoa(t.fd), os.O_WRONLY|os.O_APPEND
		}
		g, err := os.OpenFile(p, flag, 0)
		if err != nil {
			if errors.Is(err, syscall.ENXIO) {
				return t.errorf("is a socket or a device without a reader, which cannot be opened for writing")
			}
			return t.wrap(err)
		}
		defer g.Close()
		f = g
	}
	bw := bufio.NewWriterSize(namedWriter{f, t}, 1<<16)
	if err := write(bw); err != nil {
		return t.wrap(err)
	}
	if err := bw.Flush(); err != nil {
		return t.wrap(err)
	}
	if f != os.Stdout && f != os.Stderr {
		if err := f.Close(); err != nil {
			return t.wrap(err)
		}
	}
	return nil
}

// writeError is an error writing an output, named by the path as given.
type writeError struct {
	t   outputTarget
	err error
}

func (e *writeError) Error() string {
	name := e.t.name
	if e.t.path != e.t.name {
		name += " (a link to " + e.t.path + ")"
	}
	return "write " + name + ": " + e.err.Error()
}

func (e *writeError) Unwrap() error { return e.err }

// errorf is an error about t.
func (t outputTarget) errorf(format string, a ...any) error {
	return &writeError{t, fmt.Errorf(format, a...)}
}

// wrap names t in err, dropping the names of temporary files: a path
// error keeps only its cause, and an error that already names t is
// returned as it is.
func (t outputTarget) wrap(err error) error {
	var we *writeError
	if errors.As(err, &we) {
		return err
	}
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return &writeError{t, err}
}

// namedWriter writes to a file, naming the output (not the file, which may
// be a temporary one) in its errors.
type namedWriter struct {
	f *os.File
	t outputTarget
}

func (w namedWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		err = w.t.wrap(err)
	}
	return n, err
}

// pending holds the temporary files of the writes in progress, for
// RemoveTempFiles.
var pending struct {
	sync.Mutex
	names map[string]bool
}

func track(name string) {
	pending.Lock()
	defer pending.Unlock()
	if pending.names == nil {
		pending.names = map[string]bool{}
	}
	pending.names[name] = true
}

func untrack(name string) {
	pending.Lock()
	defer pending.Unlock()
	delete(pending.names, name)
}

// removeTemp removes a temporary file and what SQLite may have left
// beside it.
func removeTemp(name string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(name + suffix)
	}
}

// RemoveTempFiles removes the temporary files of every WriteFileAtomic and
// BuildFileAtomic in progress and returns how many there were, for a
// program about to exit at once (on a second interrupt): their targets are
// left as they were. Writes still running then fail.
func RemoveTempFiles() int {
	pending.Lock()
	defer pending.Unlock()
	for name := range pending.names {
		removeTemp(name)
	}
	n := len(pending.names)
	clear(pending.names)
	return n
}
