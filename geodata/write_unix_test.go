//go:build unix

package geodata

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readAll reads path in a goroutine (opening a FIFO blocks until a writer
// comes) and sends what it read.
func readAll(path string) <-chan string {
	got := make(chan string, 1)
	go func() {
		b, err := os.ReadFile(path)
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		got <- string(b)
	}()
	return got
}

// TestWriteFileAtomicFIFO: a named pipe is written straight (its reader
// gets the bytes) and is still a pipe afterwards, with nothing beside it;
// a GeoPackage-style build is copied into it the same way.
func TestWriteFileAtomicFIFO(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	want := strings.Repeat("a line of the report\n", 10000) // more than a pipe's buffer
	for _, build := range []bool{false, true} {
		got := readAll(p)
		var err error
		if build {
			err = BuildFileAtomic(p, func(tmp string) error { return os.WriteFile(tmp, []byte(want), 0o600) })
		} else {
			err = WriteFileAtomic(p, writeString(want))
		}
		if err != nil {
			t.Fatalf("build %v: %v", build, err)
		}
		select {
		case s := <-got:
			if s != want {
				t.Errorf("build %v: the reader got %d bytes, want %d", build, len(s), len(want))
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("build %v: the reader got nothing", build)
		}
		if fi, err := os.Lstat(p); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
			t.Errorf("build %v: %s is no longer a named pipe: %v %v", build, p, fi.Mode(), err)
		}
		if got := entries(t, dir); len(got) != 1 {
			t.Errorf("build %v: folder holds %v, want only the pipe", build, got)
		}
	}
}

// TestWriteFileAtomicBrokenPipe: a pipe whose reader goes away fails the
// write with an error naming the pipe.
func TestWriteFileAtomicBrokenPipe(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	go func() {
		f, err := os.Open(p)
		if err == nil {
			f.Read(make([]byte, 10))
			f.Close()
		}
	}()
	err := WriteFileAtomic(p, func(w io.Writer) error {
		for range 1000 {
			if _, err := io.WriteString(w, strings.Repeat("x", 1<<16)); err != nil {
				return err
			}
			time.Sleep(time.Millisecond)
		}
		return nil
	})
	if !errors.Is(err, syscall.EPIPE) || !strings.HasPrefix(err.Error(), "write "+p+": ") {
		t.Errorf("write to a pipe with no reader = %v, want EPIPE naming %s", err, p)
	}
	if fi, err := os.Lstat(p); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("%s is no longer a named pipe", p)
	}
}
