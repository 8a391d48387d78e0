package geodata

import (
	"bytes"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a new pseudo-terminal and returns its controller and the
// name of its terminal side (/dev/pts/N), a character device only this
// test uses.
func openPTY(t *testing.T) (*os.File, string) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no pseudo-terminals here:", err)
	}
	t.Cleanup(func() { m.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skip("cannot unlock the pseudo-terminal:", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skip("cannot name the pseudo-terminal:", e)
	}
	name := "/dev/pts/" + strconv.Itoa(int(n))
	if fi, err := os.Stat(name); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Skip("the pseudo-terminal is not a character device here:", name, err)
	}
	return m, name
}

// TestWriteFileAtomicCharDevice: a character device (a pseudo-terminal
// made for the test, never /dev/null) is written straight: the bytes come
// out on the other side and the device stays a device.
func TestWriteFileAtomicCharDevice(t *testing.T) {
	m, name := openPTY(t)
	want := "covaudit report\nline two\n"
	got := make(chan string, 1)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 4096)
		for !strings.Contains(b.String(), "line two") {
			n, err := m.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		got <- b.String()
	}()
	if err := WriteFileAtomic(name, writeString(want)); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		// The terminal writes each newline as CR LF.
		if s = strings.ReplaceAll(s, "\r\n", "\n"); s != want {
			t.Errorf("the terminal got %q, want %q", s, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal got nothing")
	}
	if fi, err := os.Stat(name); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Errorf("%s is no longer a character device: %v", name, err)
	}
}
