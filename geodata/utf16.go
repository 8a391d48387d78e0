package geodata

import (
	"bufio"
	"bytes"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// utf16Encoding says whether text starting with head is UTF-16, and in
// which byte order: by its byte-order mark (FF FE little-endian, FE FF
// big-endian), else by the zero bytes of the first characters, which
// UTF-8 text never holds (a CSV header in UTF-16 is mostly ASCII, one zero
// byte per character: after it in little-endian, before it in big-endian).
// It returns nil for anything else.
func utf16Encoding(head []byte) encoding.Encoding {
	switch {
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	}
	head = head[:min(len(head), 64)&^1]
	pairs := len(head) / 2
	if pairs < 2 {
		return nil
	}
	evenZero, oddZero := 0, 0
	for i := 0; i < len(head); i += 2 {
		if head[i] == 0 {
			evenZero++
		}
		if head[i+1] == 0 {
			oddZero++
		}
	}
	switch {
	case evenZero == 0 && 2*oddZero >= pairs:
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	case oddZero == 0 && 2*evenZero >= pairs:
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	}
	return nil
}

// utf8Reader returns a reader of br's text as UTF-8: br itself, or its
// UTF-16 decoded (see utf16Encoding).
func utf8Reader(br *bufio.Reader) *bufio.Reader {
	head, _ := br.Peek(64)
	if enc := utf16Encoding(head); enc != nil {
		return bufio.NewReader(transform.NewReader(br, enc.NewDecoder()))
	}
	return br
}

// utf8Bytes returns data as UTF-8: data itself, or its UTF-16 decoded (see
// utf16Encoding). Lines keep their numbers.
func utf8Bytes(data []byte) []byte {
	if enc := utf16Encoding(data[:min(len(data), 64)]); enc != nil {
		if out, err := enc.NewDecoder().Bytes(data); err == nil {
			return out
		}
	}
	return data
}

// IsUTF16 reports whether data is UTF-16 text (by its byte-order mark or
// the zero bytes of its first characters), which the station readers
// decode.
func IsUTF16(data []byte) bool { return utf16Encoding(data[:min(len(data), 64)]) != nil }
