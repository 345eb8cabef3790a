package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// idxBytes encodes an unsigned-byte IDX array.
func idxBytes(dims []uint32, payload []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		_ = binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(payload)
	return b.Bytes()
}

func gzipBytes(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func seq(n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(i * 7)
	}
	return out
}

func TestReadIDXFileValid(t *testing.T) {
	dir := t.TempDir()
	raw := idxBytes([]uint32{3, 2, 4}, seq(24))
	for name, content := range map[string][]byte{"plain": raw, "gzip.gz": gzipBytes(t, raw)} {
		idx, err := ReadIDXFile(writeFile(t, dir, name, content))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(idx.Dims, []int{3, 2, 4}) || !bytes.Equal(idx.Data, seq(24)) {
			t.Errorf("%s: got dims %v data %v", name, idx.Dims, idx.Data)
		}
	}
}

func TestReadIDXFileCorrupt(t *testing.T) {
	dir := t.TempDir()
	good := idxBytes([]uint32{3, 2, 4}, seq(24))
	goodGz := gzipBytes(t, good)
	badCRC := bytes.Clone(goodGz)
	badCRC[len(badCRC)-8] ^= 0xff // CRC-32 sits in the 8-byte trailer
	cases := map[string][]byte{
		"empty":             {},
		"short magic":       {0, 0},
		"bad magic":         append([]byte{1, 0}, good[2:]...),
		"bad type":          append([]byte{0, 0, 0x0D}, good[3:]...),
		"zero dims":         {0, 0, 0x08, 0},
		"too many dims":     {0, 0, 0x08, 200},
		"truncated dims":    good[:9],
		"truncated data":    good[:len(good)-1],
		"trailing bytes":    append(bytes.Clone(good), 0),
		"huge header":       idxBytes([]uint32{0xffffffff, 0xffffffff, 0xffffffff}, seq(10)),
		"huge header gz":    gzipBytes(t, idxBytes([]uint32{60000, 0xffff, 0xffff}, seq(10))),
		"overflowing dims":  idxBytes([]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, nil),
		"truncated gz":      goodGz[:len(goodGz)-10],
		"truncated gz data": gzipBytes(t, good[:len(good)-3]),
		"bad gz crc":        badCRC,
		"bad gz header":     {0x1f, 0x8b, 0, 0, 0},
	}
	for name, content := range cases {
		_, err := ReadIDXFile(writeFile(t, dir, "f", content))
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got error %v, want one wrapping ErrCorrupt", name, err)
		}
	}
	if _, err := ReadIDXFile(filepath.Join(dir, "does-not-exist")); err == nil {
		t.Error("missing file: no error")
	}
}

// TestReadIDXCapsAllocation checks that the cap is the file, not the header:
// ReadIDX with a small maxPayload refuses a header it could otherwise satisfy.
func TestReadIDXCapsAllocation(t *testing.T) {
	raw := idxBytes([]uint32{100}, seq(100))
	if _, err := ReadIDX(bytes.NewReader(raw), 104); err != nil {
		t.Fatalf("payload 100 within cap 104-4: %v", err)
	}
	if _, err := ReadIDX(bytes.NewReader(raw), 103); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("payload 100 over cap 103-4: got %v, want ErrCorrupt", err)
	}
}

// writeMNISTDir writes a tiny MNIST-like directory (train split, gzip'ed) and
// returns it: 3 images 2x2 with pixel values i*4+k and labels 7, 0, 9.
func writeMNISTDir(t *testing.T) string {
	dir := t.TempDir()
	pix := make([]byte, 12)
	for i := range pix {
		pix[i] = byte(i * 20)
	}
	writeFile(t, dir, "train-images-idx3-ubyte.gz", gzipBytes(t, idxBytes([]uint32{3, 2, 2}, pix)))
	writeFile(t, dir, "train-labels-idx1-ubyte", idxBytes([]uint32{3}, []byte{7, 0, 9}))
	return dir
}

func TestLoadMNISTSynthetic(t *testing.T) {
	dir := writeMNISTDir(t)
	s, err := LoadMNIST(dir, Train, "tiny")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "tiny/train" || !reflect.DeepEqual(s.Shape(), []int{3, 2, 2, 1}) {
		t.Fatalf("got %v", s)
	}
	for i, v := range s.Images {
		if want := float32(i*20) / 255; v != want {
			t.Errorf("pixel %d = %g, want %g", i, v, want)
		}
	}
	if !reflect.DeepEqual(s.Labels, []int{7, 0, 9}) {
		t.Errorf("labels %v", s.Labels)
	}
	if _, err := LoadMNIST(dir, Test, "tiny"); err == nil {
		t.Error("test split files absent: no error")
	}
	if _, err := LoadMNIST(dir, "valid", "tiny"); err == nil {
		t.Error("unknown split: no error")
	}
}

func TestLoadIDXSetMismatch(t *testing.T) {
	dir := t.TempDir()
	images := writeFile(t, dir, "images", idxBytes([]uint32{3, 2, 2}, seq(12)))
	cases := map[string][]byte{
		"count":       idxBytes([]uint32{2}, []byte{1, 2}),
		"range":       idxBytes([]uint32{3}, []byte{1, 10, 2}),
		"labels rank": idxBytes([]uint32{3, 1}, []byte{1, 2, 3}),
	}
	for name, content := range cases {
		labels := writeFile(t, dir, "labels", content)
		if _, err := LoadIDXSet("x", images, labels, 10); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", name, err)
		}
	}
	flat := writeFile(t, dir, "flat", idxBytes([]uint32{12}, seq(12)))
	if _, err := LoadIDXSet("x", flat, "", 10); !errors.Is(err, ErrCorrupt) {
		t.Errorf("1-D images: got %v, want ErrCorrupt", err)
	}
}
