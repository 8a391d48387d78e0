package geodata

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeString is a write func for WriteFileAtomic.
func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// entries lists a folder's names.
func entries(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestWriteFileAtomicRegular: a new file is created, an existing one is
// replaced whole and keeps its permissions, and nothing else is left in
// the folder.
func TestWriteFileAtomicRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	if err := WriteFileAtomic(p, writeString("first\n")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("new file: %v, %v; want mode 0644", fi, err)
	}
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(p, writeString("second\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "second\n" {
		t.Errorf("content %q, want %q", b, "second\n")
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file has mode %v, want its own 0600", fi.Mode().Perm())
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("folder holds %v, want only r.json", got)
	}
}

// TestWriteFileAtomicFailingWrite: a write that fails after some bytes (a
// full disk) leaves the target as it was and no temporary file, and the
// error names the target and the cause, not the temporary file.
func TestWriteFileAtomicFailingWrite(t *testing.T) {
	for _, n := range []int{0, 10, 1 << 16, 1<<16 + 1, 300000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "gaps.geojson")
			os.WriteFile(p, []byte("old\n"), 0o644)
			full := errors.New("no space left on device")
			err := WriteFileAtomic(p, func(w io.Writer) error {
				if _, err := w.Write(bytes.Repeat([]byte{'x'}, n)); err != nil {
					return err
				}
				return full
			})
			if !errors.Is(err, full) || !strings.HasPrefix(err.Error(), "write "+p+": ") || strings.Contains(err.Error(), ".tmp") {
				t.Errorf("WriteFileAtomic failing after %d bytes = %v, want %q naming the target only", n, err, "write "+p+": "+full.Error())
			}
			if b, _ := os.ReadFile(p); string(b) != "old\n" {
				t.Errorf("target holds %d bytes, want it untouched", len(b))
			}
			if got := entries(t, dir); len(got) != 1 {
				t.Errorf("folder holds %v, want only the untouched target", got)
			}
		})
	}
}

// TestWriteFileAtomicFolders: a missing folder, a file where a folder is
// needed, a read-only folder and a target that is a folder are errors
// naming the target and the folder, never the temporary file.
func TestWriteFileAtomicFolders(t *testing.T) {
	t.Chdir(t.TempDir())
	os.WriteFile("afile", []byte("x"), 0o644)
	os.Mkdir("adir", 0o755)
	for _, c := range []struct{ path, want string }{
		{"nodir/x.json", "write nodir/x.json: folder nodir does not exist"},
		{"a/b/x.json", "write a/b/x.json: folder a/b does not exist"},
		{"afile/x.json", "write afile/x.json: afile is not a folder"},
		{"afile/sub/x.json", "write afile/sub/x.json: afile is not a folder"},
		{"adir", "write adir: is a folder, not a file"},
	} {
		err := WriteFileAtomic(c.path, writeString("x"))
		if err == nil || err.Error() != c.want {
			t.Errorf("WriteFileAtomic(%q) = %v, want %q", c.path, err, c.want)
		}
	}
	if got := entries(t, "."); len(got) != 2 {
		t.Errorf("folder holds %v, want only afile and adir", got)
	}
	if got := entries(t, "adir"); len(got) != 0 {
		t.Errorf("adir holds %v", got)
	}
}

// TestWriteFileAtomicReadOnlyFolder: a folder where no file can be created
// is named as not writable. The permission is real when the test does not
// run as root (root writes anyway), and stands in by a failing create
// otherwise.
func TestWriteFileAtomicReadOnlyFolder(t *testing.T) {
	t.Chdir(t.TempDir())
	os.Mkdir("ro", 0o755)
	os.WriteFile("ro/x.json", []byte("old"), 0o644)
	want := "write ro/x.json: folder ro is not writable"
	if os.Geteuid() != 0 {
		os.Chmod("ro", 0o555)
		defer os.Chmod("ro", 0o755)
		if err := WriteFileAtomic("ro/x.json", writeString("new")); err == nil || err.Error() != want {
			t.Errorf("real read-only folder: %v, want %q", err, want)
		}
	}
	defer func(c func(string, string) (*os.File, error)) { createTemp = c }(createTemp)
	createTemp = func(dir, pattern string) (*os.File, error) {
		return nil, &fs.PathError{Op: "open", Path: filepath.Join(dir, "."+pattern+"123"), Err: fs.ErrPermission}
	}
	if err := WriteFileAtomic("ro/x.json", writeString("new")); err == nil || err.Error() != want {
		t.Errorf("refused create: %v, want %q", err, want)
	}
	if b, _ := os.ReadFile("ro/x.json"); string(b) != "old" {
		t.Errorf("target holds %q, want it untouched", b)
	}
}

// TestWriteFileAtomicLinks: a symbolic link is written through (the file
// it points to is replaced, or created when missing) and stays a link.
func TestWriteFileAtomicLinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	os.WriteFile(real, []byte("old"), 0o644)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("real.json", link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	dangling := filepath.Join(dir, "dangling.json")
	os.Symlink("new.json", dangling)
	for _, c := range []struct{ link, target string }{{link, real}, {dangling, filepath.Join(dir, "new.json")}} {
		if err := WriteFileAtomic(c.link, writeString("through")); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(c.link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s is no longer a link: %v", c.link, err)
		}
		if b, _ := os.ReadFile(c.target); string(b) != "through" {
			t.Errorf("%s holds %q, want what was written through %s", c.target, b, c.link)
		}
	}
	loop := filepath.Join(dir, "loop")
	os.Symlink("loop", loop)
	if err := WriteFileAtomic(loop, writeString("x")); err == nil || !strings.Contains(err.Error(), "symbolic links") {
		t.Errorf("a link to itself: %v", err)
	}
	missing := filepath.Join(dir, "to-nowhere")
	os.Symlink(filepath.Join(dir, "nodir", "x"), missing)
	if err := WriteFileAtomic(missing, writeString("x")); err == nil || !strings.Contains(err.Error(), "write "+missing+" (a link to ") ||
		!strings.Contains(err.Error(), "nodir does not exist") {
		t.Errorf("a link into a missing folder: %v", err)
	}
}

// TestWriteFileAtomicConcurrent: writers racing on one path leave one
// whole file, one of theirs, and no temporary file.
func TestWriteFileAtomicConcurrent(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	contents := make([]string, 8)
	for i := range contents {
		contents[i] = strings.Repeat(fmt.Sprintf("writer %d\n", i), 20000+i*1000)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(contents))
	for i, c := range contents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = WriteFileAtomic(p, writeString(c))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	b, _ := os.ReadFile(p)
	whole := false
	for _, c := range contents {
		whole = whole || string(b) == c
	}
	if !whole {
		t.Errorf("%s holds %d bytes, none of the writers' contents", p, len(b))
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("folder holds %v, want only r.json", got)
	}
}

// TestRemoveTempFiles: the temporary file of a write in progress is
// removed by RemoveTempFiles (as on a second interrupt), and the write then
// fails without creating its target.
func TestRemoveTempFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	started, release := make(chan bool), make(chan bool)
	done := make(chan error)
	go func() {
		done <- WriteFileAtomic(p, func(w io.Writer) error {
			io.WriteString(w, "partial")
			started <- true
			<-release
			return nil
		})
	}()
	<-started
	if got := entries(t, dir); len(got) != 1 || !strings.HasSuffix(got[0], ".tmp") {
		t.Fatalf("during the write the folder holds %v, want one temporary file", got)
	}
	if n := RemoveTempFiles(); n != 1 {
		t.Errorf("RemoveTempFiles() = %d, want 1", n)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("after RemoveTempFiles the folder holds %v", got)
	}
	close(release)
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("the write succeeded after its temporary file was removed")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the write did not end")
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("after the write the folder holds %v, want nothing", got)
	}
	if n := RemoveTempFiles(); n != 0 {
		t.Errorf("RemoveTempFiles() with no write running = %d, want 0", n)
	}
}

// TestKindOf: regular files are replaced; character devices, pipes and
// sockets are written in place; folders and block devices are refused.
func TestKindOf(t *testing.T) {
	for _, c := range []struct {
		desc string
		mode fs.FileMode
		want writeKind
		err  string
	}{
		{"regular file", 0o644, replaceFile, ""},
		{"character device (a terminal, /dev/null)", fs.ModeDevice | fs.ModeCharDevice | 0o666, inPlace, ""},
		{"named pipe", fs.ModeNamedPipe | 0o644, inPlace, ""},
		{"socket", fs.ModeSocket | 0o755, inPlace, ""},
		{"folder", fs.ModeDir | 0o755, 0, "is a folder"},
		{"block device", fs.ModeDevice | 0o660, 0, "block device"},
		{"irregular", fs.ModeIrregular, 0, "neither a file"},
	} {
		got, err := kindOf(c.mode)
		if c.err == "" && (err != nil || got != c.want) || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("kindOf(%s %v) = %v, %v; want %v, %q", c.desc, c.mode, got, err, c.want, c.err)
		}
	}
}

// TestDescriptorPath: the names of the process's descriptors are
// recognised before any link is followed; others are not.
func TestDescriptorPath(t *testing.T) {
	for _, c := range []struct {
		path string
		fd   int
		ok   bool
	}{
		{"/dev/stdout", 1, true},
		{"/dev/stderr", 2, true},
		{"/dev/./stdout", 1, true},
		{"/dev/fd/1", 1, true},
		{"/dev/fd/7", 7, true},
		{"/proc/self/fd/3", 3, true},
		{"/dev/fd/x", 0, false},
		{"/dev/fd/01", 0, false},
		{"/dev/fd/-1", 0, false},
		{"dev/stdout", 0, false},
		{"/dev/null", 0, false},
		{"stdout", 0, false},
	} {
		fd, ok := descriptorPath(c.path)
		if fd != c.fd || ok != c.ok {
			t.Errorf("descriptorPath(%q) = %d, %v; want %d, %v", c.path, fd, ok, c.fd, c.ok)
		}
	}
}

// TestBuildFileAtomic: a file built by name replaces its target whole; a
// failing build leaves the target and removes the temporary file and what
// SQLite leaves beside it.
func TestBuildFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "gaps.gpkg")
	if err := BuildFileAtomic(p, func(tmp string) error { return os.WriteFile(tmp, []byte("built"), 0o600) }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "built" {
		t.Errorf("target holds %q, want %q", b, "built")
	}
	fail := errors.New("disk full")
	err := BuildFileAtomic(p, func(tmp string) error {
		os.WriteFile(tmp, []byte("half"), 0o600)
		os.WriteFile(tmp+"-journal", []byte("journal"), 0o600)
		return fail
	})
	if !errors.Is(err, fail) || err.Error() != "write "+p+": disk full" {
		t.Errorf("failing build: %v, want %q", err, "write "+p+": disk full")
	}
	if b, _ := os.ReadFile(p); string(b) != "built" {
		t.Errorf("target holds %q after a failed build, want it untouched", b)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("folder holds %v, want only gaps.gpkg", got)
	}
	if err := BuildFileAtomic(filepath.Join(dir, "nodir", "g.gpkg"), func(string) error { return nil }); err == nil || !strings.Contains(err.Error(), "nodir does not exist") {
		t.Errorf("missing folder: %v", err)
	}
}

// TestCheckOutput: an output that could not be written is named as
// WriteFileAtomic would, and checking one that can leaves nothing behind.
func TestCheckOutput(t *testing.T) {
	t.Chdir(t.TempDir())
	os.Mkdir("adir", 0o755)
	for _, c := range []struct{ path, want string }{
		{"r.json", ""},
		{"adir/r.json", ""},
		{"nodir/r.json", "write nodir/r.json: folder nodir does not exist"},
		{"adir", "write adir: is a folder, not a file"},
	} {
		err := CheckOutput(c.path)
		if c.want == "" && err != nil || c.want != "" && (err == nil || err.Error() != c.want) {
			t.Errorf("CheckOutput(%q) = %v, want %q", c.path, err, c.want)
		}
	}
	if got := entries(t, "."); len(got) != 1 {
		t.Errorf("folder holds %v, want only adir", got)
	}
	if got := entries(t, "adir"); len(got) != 0 {
		t.Errorf("adir holds %v, want nothing", got)
	}
	defer func(c func(string, string) (*os.File, error)) { createTemp = c }(createTemp)
	createTemp = func(dir, pattern string) (*os.File, error) {
		return nil, &fs.PathError{Op: "open", Path: filepath.Join(dir, pattern), Err: fs.ErrPermission}
	}
	if err := CheckOutput("adir/r.json"); err == nil || err.Error() != "write adir/r.json: folder adir is not writable" {
		t.Errorf("CheckOutput in a read-only folder = %v", err)
	}
}
