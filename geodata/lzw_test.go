package geodata

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"golang.org/x/image/tiff/lzw"
)

// lzwDecode decodes one strip with golang.org/x/image/tiff/lzw, the TIFF
// variant's reader that ReadGeoTIFF uses.
func lzwDecode(t testing.TB, enc []byte) []byte {
	t.Helper()
	r := lzw.NewReader(bytes.NewReader(enc), lzw.MSB, 8)
	defer r.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return out
}

func TestLZWRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 4))
	random := func(n, alphabet int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(alphabet))
		}
		return b
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"one byte", []byte{7}},
		{"two equal", []byte{0, 0}},
		{"zeros", make([]byte, 100000)},
		{"random bytes", random(200000, 256)},
		{"four symbols", random(300000, 4)},
		{"text", bytes.Repeat([]byte("TOBEORNOTTOBEORTOBEORNOT#"), 4000)},
	}
	// Every length around the width changes and the table's clearing.
	for _, n := range []int{250, 254, 255, 256, 510, 511, 512, 513, 1022, 1023, 1024, 2046, 2047, 2048, 4093, 4094, 4095, 4096, 8190} {
		tests = append(tests, struct {
			name string
			data []byte
		}{"random " + strconv.Itoa(n), random(n, 256)})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := lzwEncode(nil, tt.data)
			if got := lzwDecode(t, enc); !bytes.Equal(got, tt.data) {
				t.Errorf("decode(lzwEncode(%d bytes)) gives %d bytes, not the input", len(tt.data), len(got))
			}
		})
	}
}

// FuzzLZW checks that the TIFF variant's reader decodes whatever the
// encoder writes back to the input.
func FuzzLZW(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("TOBEORNOTTOBEORTOBEORNOT"))
	f.Add(bytes.Repeat([]byte{1, 2, 3}, 3000))
	f.Fuzz(func(t *testing.T, data []byte) {
		if got := lzwDecode(t, lzwEncode(nil, data)); !bytes.Equal(got, data) {
			t.Fatalf("round trip of %d bytes gives %d bytes, not the input", len(data), len(got))
		}
	})
}

func BenchmarkLZW(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 1<<20)
	v := float32(1000)
	for i := 0; i+4 <= len(data); i += 4 {
		v += float32(rng.NormFloat64())
		binary.LittleEndian.PutUint32(data[i:], math.Float32bits(v))
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var dst []byte
	for b.Loop() {
		dst = lzwEncode(dst[:0], data)
	}
	b.ReportMetric(float64(len(dst))/float64(len(data)), "ratio")
}
