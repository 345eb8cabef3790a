package mri

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// niftiSpec describes a synthetic single-file NIfTI-1 image.
type niftiSpec struct {
	order     binary.ByteOrder
	datatype  int16
	bitpix    int16
	dims      []int16
	slope     float32
	inter     float32
	voxOffset float32
	magic     string
	values    []float64 // stored values, converted to datatype
	sizeofHdr int32
}

// encode writes the header (348 bytes), padding up to vox_offset and the data.
func (s niftiSpec) encode(t *testing.T) []byte {
	t.Helper()
	h := make([]byte, 348)
	bo := s.order
	sz := s.sizeofHdr
	if sz == 0 {
		sz = 348
	}
	bo.PutUint32(h[0:], uint32(sz))
	bo.PutUint16(h[40:], uint16(len(s.dims)))
	for i, d := range s.dims {
		bo.PutUint16(h[42+2*i:], uint16(d))
		bo.PutUint32(h[80+4*i:], math.Float32bits(1.5))
	}
	bo.PutUint16(h[70:], uint16(s.datatype))
	bitpix := s.bitpix
	if bitpix == 0 {
		bitpix = int16(8 * map[int16]int{2: 1, 256: 1, 4: 2, 512: 2, 8: 4, 16: 4, 64: 8}[s.datatype])
	}
	bo.PutUint16(h[72:], uint16(bitpix))
	off := s.voxOffset
	if off == 0 {
		off = 352
	}
	bo.PutUint32(h[108:], math.Float32bits(off))
	bo.PutUint32(h[112:], math.Float32bits(s.slope))
	bo.PutUint32(h[116:], math.Float32bits(s.inter))
	magic := s.magic
	if magic == "" {
		magic = "n+1\x00"
	}
	copy(h[344:], magic)
	var buf bytes.Buffer
	buf.Write(h)
	for buf.Len() < int(off) && off < 4096 { // a huge vox_offset is left unpadded
		buf.WriteByte(0)
	}
	for _, v := range s.values {
		switch s.datatype {
		case DTUint8:
			buf.WriteByte(uint8(v))
		case DTInt8:
			buf.WriteByte(byte(int8(v)))
		case DTInt16:
			binary.Write(&buf, bo, int16(v))
		case DTUint16:
			binary.Write(&buf, bo, uint16(v))
		case DTInt32:
			binary.Write(&buf, bo, int32(v))
		case DTFloat32:
			binary.Write(&buf, bo, float32(v))
		case DTFloat64:
			binary.Write(&buf, bo, v)
		default:
			buf.WriteByte(0)
		}
	}
	return buf.Bytes()
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestNIfTISynthetic(t *testing.T) {
	vals := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		spec niftiSpec
		want func(v float64) float64
	}{
		{"uint8 LE scaled", niftiSpec{order: binary.LittleEndian, datatype: DTUint8, slope: 2, inter: -1}, func(v float64) float64 { return 2*v - 1 }},
		{"int16 BE", niftiSpec{order: binary.BigEndian, datatype: DTInt16, slope: 1}, func(v float64) float64 { return v }},
		{"int16 LE negative, slope 0 = none", niftiSpec{order: binary.LittleEndian, datatype: DTInt16, inter: 5}, func(v float64) float64 { return v }},
		{"float32 BE", niftiSpec{order: binary.BigEndian, datatype: DTFloat32, slope: 0.5, inter: 0.25}, func(v float64) float64 { return 0.5*v + 0.25 }},
		{"float64 LE", niftiSpec{order: binary.LittleEndian, datatype: DTFloat64, slope: 1}, func(v float64) float64 { return v }},
		{"int8", niftiSpec{order: binary.LittleEndian, datatype: DTInt8}, func(v float64) float64 { return v }},
		{"uint16 BE", niftiSpec{order: binary.BigEndian, datatype: DTUint16}, func(v float64) float64 { return v }},
		{"int32 LE offset 400", niftiSpec{order: binary.LittleEndian, datatype: DTInt32, voxOffset: 400}, func(v float64) float64 { return v }},
	} {
		s := tc.spec
		s.dims = []int16{2, 3, 2}
		s.values = append([]float64(nil), vals...)
		if tc.name == "int16 LE negative, slope 0 = none" || tc.name == "int8" {
			for i := range s.values {
				s.values[i] -= 6
			}
		}
		raw := s.encode(t)
		for _, zipped := range []bool{false, true} {
			b, name := raw, "x.nii"
			if zipped {
				b, name = gz(raw), "x.nii.gz"
			}
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			v, err := ReadNIfTI(path)
			if err != nil {
				t.Fatalf("%s (gzip %v): %v", tc.name, zipped, err)
			}
			if !slicesEqual(v.Dims, []int{2, 3, 2}) || v.Datatype != int(s.datatype) || v.BigEndian != (s.order == binary.BigEndian) {
				t.Fatalf("%s: dims %v datatype %d big endian %v", tc.name, v.Dims, v.Datatype, v.BigEndian)
			}
			if v.Pixdim[0] != 1.5 || (s.voxOffset != 0 && v.VoxOffset != int(s.voxOffset)) {
				t.Errorf("%s: pixdim %v vox_offset %d", tc.name, v.Pixdim, v.VoxOffset)
			}
			for i, x := range s.values {
				if got, want := float64(v.Data[i]), tc.want(x); got != want {
					t.Fatalf("%s: voxel %d = %v, want %v", tc.name, i, got, want)
				}
			}
			// x fastest: voxel (1, 2, 1) is index (1*3 + 2)*2 + 1 = 11.
			if v.At(1, 2, 1) != v.Data[11] {
				t.Errorf("%s: At(1, 2, 1) = %v, want Data[11] = %v", tc.name, v.At(1, 2, 1), v.Data[11])
			}
		}
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestNIfTICorrupt(t *testing.T) {
	good := niftiSpec{order: binary.LittleEndian, datatype: DTInt16, dims: []int16{3, 2, 2}, values: make([]float64, 12)}
	raw := good.encode(t)
	if _, err := DecodeNIfTI(bytes.NewReader(raw)); err != nil {
		t.Fatalf("valid file: %v", err)
	}
	// Every strict prefix is truncated: error, no panic (plain and gzip).
	for n := range len(raw) {
		if _, err := DecodeNIfTI(bytes.NewReader(raw[:n])); err == nil {
			t.Fatalf("prefix of %d bytes: no error", n)
		}
	}
	zr := gz(raw)
	for n := range len(zr) {
		if _, err := DecodeNIfTI(bytes.NewReader(zr[:n])); err == nil {
			t.Fatalf("gzip prefix of %d bytes: no error", n)
		}
	}
	bad := map[string]niftiSpec{}
	with := func(f func(s *niftiSpec)) niftiSpec {
		s := good
		s.dims = append([]int16(nil), good.dims...)
		f(&s)
		return s
	}
	bad["sizeof_hdr"] = with(func(s *niftiSpec) { s.sizeofHdr = 540 })
	bad["magic"] = with(func(s *niftiSpec) { s.magic = "abc\x00" })
	bad["pair"] = with(func(s *niftiSpec) { s.magic = "ni1\x00" })
	bad["datatype"] = with(func(s *niftiSpec) { s.datatype = 32 }) // complex64
	bad["bitpix"] = with(func(s *niftiSpec) { s.bitpix = 8 })
	bad["dim0"] = with(func(s *niftiSpec) { s.dims = nil })
	bad["dim<1"] = with(func(s *niftiSpec) { s.dims[1] = -4 })
	bad["huge"] = with(func(s *niftiSpec) { s.dims = []int16{32767, 32767, 32767, 32767} })
	bad["vox_offset"] = with(func(s *niftiSpec) { s.voxOffset = 1e9 })
	bad["vox_offset<348"] = with(func(s *niftiSpec) { s.voxOffset = 12 })
	bad["slope NaN"] = with(func(s *niftiSpec) { s.slope = float32(math.NaN()) })
	for name, s := range bad {
		if _, err := DecodeNIfTI(bytes.NewReader(s.encode(t))); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Gzip magic followed by garbage.
	if _, err := DecodeNIfTI(bytes.NewReader([]byte{0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})); err == nil {
		t.Error("corrupt gzip: no error")
	}
	// Random byte flips in the header never panic.
	for i := range 348 {
		for _, b := range []byte{0x00, 0xff, 0x7f, 0x80} {
			c := append([]byte(nil), raw...)
			c[i] = b
			DecodeNIfTI(bytes.NewReader(c))
		}
	}
}

func TestLoadCH2Missing(t *testing.T) {
	t.Setenv("DENOISING_CH2", filepath.Join(t.TempDir(), "none.nii.gz"))
	_, err := LoadCH2()
	if err == nil || !strings.Contains(err.Error(), "sudo apt-get install mricron-data") || !strings.Contains(err.Error(), "make setup") {
		t.Errorf("missing file: error %v, want one naming the install command", err)
	}
}

// loadCH2 skips the test when mricron-data is not installed.
func loadCH2(t testing.TB) *Volume {
	t.Helper()
	if _, err := os.Stat(CH2Path); errors.Is(err, fs.ErrNotExist) && os.Getenv("DENOISING_CH2") == "" {
		t.Skipf("Debian package mricron-data is not installed (%s)", CH2InstallCommand)
	}
	v, err := LoadCH2()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCH2(t *testing.T) {
	v := loadCH2(t)
	if !slicesEqual(v.Dims, []int{181, 217, 181}) || v.Datatype != DTUint8 || v.BigEndian || v.VoxOffset != 352 {
		t.Fatalf("dims %v datatype %d big endian %v vox_offset %d; want 181x217x181 uint8 LE at 352",
			v.Dims, v.Datatype, v.BigEndian, v.VoxOffset)
	}
	for i, p := range v.Pixdim {
		if p != 1 {
			t.Errorf("pixdim[%d] = %v, want 1 mm", i+1, p)
		}
	}
	lo, hi := minMax(v.Data)
	if lo != 0 || hi != 254 {
		t.Errorf("value range [%v, %v], want [0, 254]", lo, hi)
	}
	for _, a := range v.Data {
		if a != float32(math.Trunc(float64(a))) {
			t.Fatalf("non-integer value %v in a uint8 volume with slope 1", a)
		}
	}
}
