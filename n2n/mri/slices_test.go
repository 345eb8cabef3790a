package mri

import (
	"math"
	"testing"
)

// rampVolume is nx x ny x nz with voxel (x, y, z) = x + 10 y + 100 z.
func rampVolume(nx, ny, nz int) *Volume {
	v := &Volume{Dims: []int{nx, ny, nz}, Data: make([]float32, nx*ny*nz)}
	for z := range nz {
		for y := range ny {
			for x := range nx {
				v.Data[(z*ny+y)*nx+x] = float32(x + 10*y + 100*z)
			}
		}
	}
	return v
}

func TestAxialSliceLayout(t *testing.T) {
	v := rampVolume(4, 6, 3) // values 0 .. 3 + 50 + 200 = 253
	const hi = 253.0
	// Size 8: 4 x 6 slice padded by 2 columns and 1 row on each side.
	s, err := AxialSlice(v, 1, SliceOptions{Size: 8})
	if err != nil {
		t.Fatal(err)
	}
	for r := range 8 {
		for c := range 8 {
			got := s[r*8+c]
			want := float32(0)
			if r >= 1 && r < 7 && c >= 2 && c < 6 {
				x, y := c-2, 6-1-(r-1) // row 0 of the slice is the largest y
				want = float32(x+10*y+100) / hi
			}
			if math.Abs(float64(got-want)) > 1e-6 {
				t.Fatalf("pixel (%d, %d) = %v, want %v", r, c, got, want)
			}
		}
	}
	// Size 2: centre crop, offsets (2-4)/2 = -1 and (2-6)/2 = -2.
	s, err = AxialSlice(v, 0, SliceOptions{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := float32(1+10*3) / hi; math.Abs(float64(s[0]-want)) > 1e-6 { // x = 1, y = 6-1-2 = 3
		t.Errorf("cropped pixel (0, 0) = %v, want %v", s[0], want)
	}
	// Downsample 2: 2 x 3 blocks averaged; pixel (0, 0) averages x in {0,1},
	// y in {5, 4}: mean = 0.5 + 45.
	s, err = AxialSlice(v, 0, SliceOptions{Size: 3, Downsample: 2})
	if err != nil {
		t.Fatal(err)
	}
	// 2 x 3 downsampled slice in a 3 x 3 image: column offset (3-2)/2 = 0.
	if want := float32(45.5) / hi; math.Abs(float64(s[0]-want)) > 1e-6 {
		t.Errorf("downsampled pixel (0, 0) = %v, want %v", s[0], want)
	}
	for _, o := range []SliceOptions{{Size: -1}, {Downsample: -2}} {
		if _, err := AxialSlice(v, 0, o); err == nil {
			t.Errorf("options %+v: no error", o)
		}
	}
	if _, err := AxialSlice(v, 3, SliceOptions{}); err == nil {
		t.Error("z out of range: no error")
	}
	all, err := AxialSlices(v, []int{0, 2}, SliceOptions{Size: 8})
	if err != nil || len(all) != 2*64 {
		t.Fatalf("AxialSlices: %d values, %v", len(all), err)
	}
}

func TestCH2Slices(t *testing.T) {
	v := loadCH2(t)
	sp, err := DefaultSplit(v)
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Test) != DefaultTestZ1-DefaultTestZ0 || sp.Test[0] != DefaultTestZ0 {
		t.Errorf("test slices %v, want %d..%d", sp.Test, DefaultTestZ0, DefaultTestZ1-1)
	}
	for _, z := range sp.Train {
		if z >= DefaultTestZ0-DefaultGap && z < DefaultTestZ1+DefaultGap {
			t.Errorf("train slice %d inside the test block or its gap", z)
		}
	}
	// The top slices of the head are near-empty and dropped.
	if last := sp.Train[len(sp.Train)-1]; last < 150 || last > 175 {
		t.Errorf("last train slice %d, expected the head's top near z = 167", last)
	}
	t.Logf("%d train, %d test slices; train z in [%d, %d]", len(sp.Train), len(sp.Test), sp.Train[0], sp.Train[len(sp.Train)-1])

	x, err := AxialSlices(v, sp.Test, SliceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := DefaultSize * DefaultSize
	if len(x) != len(sp.Test)*n {
		t.Fatalf("%d values, want %d", len(x), len(sp.Test)*n)
	}
	var mx float32
	for i, a := range x {
		if a < 0 || a > 1 {
			t.Fatalf("value %v at %d outside [0, 1]", a, i)
		}
		mx = max(mx, a)
		// Padding: 181 columns centred in 224 leave columns 0..20 empty.
		if c := (i % n) % DefaultSize; c < (DefaultSize-181)/2 && a != 0 {
			t.Fatalf("padding column %d has value %v", c, a)
		}
	}
	if mx < 0.5 {
		t.Errorf("test slices peak at %v, expected bright tissue", mx)
	}
}
