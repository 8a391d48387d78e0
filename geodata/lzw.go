package geodata

// TIFF's LZW (compression 5, TIFF 6.0 section 13) is written here by hand:
// no module the build can use encodes it. compress/lzw is the GIF and PDF
// variant's writer; TIFF's differs in two ways that make its output
// unreadable to libtiff and GDAL: codes are packed most significant bit
// first (compress/lzw's MSB order does that) and the code width grows one
// code early ("early change": 10 bits as soon as the next free code is 511
// as the decoder counts, not 512), which compress/lzw does not do.
// golang.org/x/image/tiff/lzw has the TIFF variant's reader only; the tests
// decode this encoder's output with it and with GDAL.

const (
	lzwClear    = 256
	lzwEOI      = 257
	lzwFirst    = 258
	lzwMaxWidth = 12
	// lzwTableFull is the next free code at which the encoder starts a new
	// table (as libtiff does: one short of 4095, the last 12-bit code).
	lzwTableFull = 1<<lzwMaxWidth - 2
	lzwHashBits  = 13
	lzwHashSize  = 1 << lzwHashBits
)

// lzwEncode appends src compressed as one TIFF LZW strip (a clear code
// first, the end-of-information code last) to dst.
func lzwEncode(dst, src []byte) []byte {
	e := lzwEncoder{dst: dst}
	e.reset()
	e.put(lzwClear)
	if len(src) == 0 {
		e.put(lzwEOI)
		return e.flush()
	}
	w := uint32(src[0]) // the code of the string read so far
	for _, c := range src[1:] {
		key := w<<8 | uint32(c)
		h := (key>>12 ^ key) & (lzwHashSize - 1)
		found := false
		for t := e.table[h]; t != 0; t = e.table[h] {
			if t>>12 == key {
				w, found = t&0xfff, true
				break
			}
			h = (h + 1) & (lzwHashSize - 1)
		}
		if found {
			continue
		}
		e.put(w)
		e.table[h] = key<<12 | e.next
		e.grow()
		w = uint32(c)
	}
	e.put(w)
	// The decoder counts a code after the last one too, so the end code
	// goes at the width it then expects.
	if e.next+1 == 1<<e.width {
		e.width++
	}
	e.put(lzwEOI)
	return e.flush()
}

// lzwEncoder is the state of one strip's encoding.
type lzwEncoder struct {
	dst   []byte
	bits  uint64 // pending bits, the oldest highest
	nbits uint
	width uint
	next  uint32 // the next free code
	// table maps a string (its prefix code << 8 | its last byte) to its
	// code: entries key<<12 | code, 0 for none (no entry has key 0 and
	// code 0).
	table [lzwHashSize]uint32
}

func (e *lzwEncoder) reset() {
	e.width, e.next = 9, lzwFirst
	clear(e.table[:])
}

// put writes one code at the current width.
func (e *lzwEncoder) put(code uint32) {
	e.bits |= uint64(code) << (64 - e.width - e.nbits)
	e.nbits += e.width
	for e.nbits >= 8 {
		e.dst = append(e.dst, byte(e.bits>>56))
		e.bits <<= 8
		e.nbits -= 8
	}
}

// grow counts the code just added to the table: the width grows as soon
// as the last code of the current width is taken (TIFF's early change:
// the decoder, one code behind, then still has one to go), and a full
// table is cleared.
func (e *lzwEncoder) grow() {
	e.next++
	switch {
	case e.next == lzwTableFull:
		e.put(lzwClear)
		e.reset()
	case e.next == 1<<e.width:
		e.width++
	}
}

// flush writes the last, partly filled byte (zero bits after the codes).
func (e *lzwEncoder) flush() []byte {
	if e.nbits > 0 {
		e.dst = append(e.dst, byte(e.bits>>56))
	}
	e.bits, e.nbits = 0, 0
	return e.dst
}
