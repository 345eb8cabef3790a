package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// IDX is an array decoded from an IDX file, the format of the MNIST and
// Fashion-MNIST distributions (http://yann.lecun.com/exdb/mnist/):
//
//	bytes 0-1: 0x00 0x00
//	byte  2:   element type (only 0x08, unsigned byte, is supported here)
//	byte  3:   number of dimensions d
//	then d big-endian uint32 sizes, then the data in row-major order.
//
// Data holds prod(Dims) bytes, row-major. For MNIST images Dims is
// [N, 28, 28]; for labels it is [N].
type IDX struct {
	// Dims are the sizes of the dimensions, outermost first.
	Dims []int
	// Data is the row-major payload, len(Data) == prod(Dims).
	Data []uint8
}

// ErrCorrupt is wrapped by every error that ReadIDX and ReadIDXFile return for
// a malformed, truncated or oversized file (test with errors.Is).
var ErrCorrupt = errors.New("corrupt IDX data")

// MaxIDXBytes is the largest payload ReadIDXFile accepts (2 GiB); MNIST's
// largest file holds 47 MB.
const MaxIDXBytes = 1 << 31

// maxIDXDims bounds the number of dimensions in a header.
const maxIDXDims = 8

// maxDeflateRatio bounds the expansion of DEFLATE: 258-byte matches coded in
// at most 2 bits give a ratio below 1032:1, so a gzip file of n bytes cannot
// decompress to more than ~1032*n bytes. It caps what a (bogus) header of a
// small gzip file may ask us to allocate.
const maxDeflateRatio = 1032

// idxTypeUByte is the IDX element-type code for unsigned bytes.
const idxTypeUByte = 0x08

// ReadIDXFile reads an IDX file, gzip-compressed or not (detected from the
// gzip magic bytes 1f 8b, not from the name).
//
// The header is validated before anything is allocated: the payload size
// prod(Dims) must fit in the file (exactly, for an uncompressed file; within
// the maximal DEFLATE expansion of the file size, for a gzip file) and in
// MaxIDXBytes. A truncated file, trailing bytes, a bad gzip checksum, a bad
// magic number or an unsupported element type give an error wrapping
// ErrCorrupt; the function never panics on bad input.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := info.Size()
	br := bufio.NewReaderSize(f, 1<<16)
	magic, _ := br.Peek(2)
	var r io.Reader = br
	maxPayload := size - 4 // at least the 4-byte magic precedes the payload
	if bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: bad gzip header: %v", ErrCorrupt, path, err)
		}
		defer zr.Close()
		r = zr
		maxPayload = size*maxDeflateRatio + 1024
	}
	idx, err := ReadIDX(r, min(maxPayload, MaxIDXBytes))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return idx, nil
}

// ReadIDX decodes one uncompressed IDX stream from r, which must end right
// after the payload. maxPayload caps prod(Dims) (the bytes to allocate); a
// header asking for more gives an error wrapping ErrCorrupt. See IDX for the
// format and ReadIDXFile for the checks made.
func ReadIDX(r io.Reader, maxPayload int64) (*IDX, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, fmt.Errorf("%w: reading magic number: %v", ErrCorrupt, err)
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, fmt.Errorf("%w: bad magic number %02x %02x %02x %02x (want 00 00 <type> <ndims>)",
			ErrCorrupt, head[0], head[1], head[2], head[3])
	}
	if head[2] != idxTypeUByte {
		return nil, fmt.Errorf("%w: element type 0x%02x not supported (only 0x08, unsigned byte)", ErrCorrupt, head[2])
	}
	nd := int(head[3])
	if nd < 1 || nd > maxIDXDims {
		return nil, fmt.Errorf("%w: %d dimensions (want 1 to %d)", ErrCorrupt, nd, maxIDXDims)
	}
	dimBytes := make([]byte, 4*nd)
	if _, err := io.ReadFull(r, dimBytes); err != nil {
		return nil, fmt.Errorf("%w: reading %d dimension sizes: %v", ErrCorrupt, nd, err)
	}
	dims := make([]int, nd)
	payload := int64(1)
	limit := maxPayload - int64(4*nd)
	for i := range dims {
		d := int64(binary.BigEndian.Uint32(dimBytes[4*i:]))
		dims[i] = int(d)
		// payload <= limit is kept as an invariant, so payload*d cannot overflow.
		if d != 0 && payload > limit/d {
			return nil, fmt.Errorf("%w: dimensions %v need more bytes than the file can hold (%d)",
				ErrCorrupt, dimBytes2Ints(dimBytes), max(limit, 0))
		}
		payload *= d
	}
	if payload > limit {
		return nil, fmt.Errorf("%w: dimensions %v need %d bytes, more than the file can hold (%d)",
			ErrCorrupt, dims, payload, max(limit, 0))
	}
	buf := make([]uint8, payload)
	if n, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("%w: truncated: dimensions %v need %d bytes of data, read %d (%v)",
			ErrCorrupt, dims, payload, n, err)
	}
	// Reading to EOF makes gzip verify its CRC and length; anything left is junk.
	var one [1]byte
	n, err := io.ReadFull(r, one[:])
	switch {
	case n > 0:
		return nil, fmt.Errorf("%w: trailing bytes after %d bytes of data for dimensions %v", ErrCorrupt, payload, dims)
	case err != io.EOF:
		return nil, fmt.Errorf("%w: after the data: %v", ErrCorrupt, err)
	}
	return &IDX{Dims: dims, Data: buf}, nil
}

// dimBytes2Ints decodes big-endian uint32 sizes, for error messages.
func dimBytes2Ints(b []byte) []uint32 {
	out := make([]uint32, len(b)/4)
	for i := range out {
		out[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return out
}
