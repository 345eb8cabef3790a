package dae

import (
	"math"
	"testing"
)

// TestPixelEntropy checks closed forms: 0 for black-and-white pixels
// (values outside [0, 1] clipped), 1 bit at 0.5, H(0.25) = 2 - 0.75 log2 3.
func TestPixelEntropy(t *testing.T) {
	cases := []struct {
		x    []float32
		want float64
	}{
		{[]float32{0, 1, -0.3, 1.7}, 0},
		{[]float32{0.5, 0.5}, 1},
		{[]float32{0.25}, 2 - 0.75*math.Log2(3)},
		{[]float32{0.25, 0.75, 0, 0.5}, (2*(2-0.75*math.Log2(3)) + 1) / 4},
		{nil, 0},
	}
	for _, c := range cases {
		if got := PixelEntropy(c.x); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("PixelEntropy(%v) = %.15f, want %.15f", c.x, got, c.want)
		}
	}
}

// TestCompareBlur: two black-and-white "images" of 4 pixels, (1,1,0,0) and
// (0,0,1,1); their mean is 0.5 everywhere. An output of 0.5 everywhere is
// 0 from the mean and 0.25 from each; an output equal to the first image
// is 0.5 from the second, 0.25 from the mean, and 0 from the first.
func TestCompareBlur(t *testing.T) {
	nb := &Neighbours{
		Index:  []int{3, 7},
		Dist2:  []float64{0, 0},
		Images: []float32{1, 1, 0, 0, 0, 0, 1, 1},
		Mean:   []float32{0.5, 0.5, 0.5, 0.5},
	}
	c, err := CompareBlur([]float32{0.5, 0.5, 0.5, 0.5}, nb)
	if err != nil {
		t.Fatal(err)
	}
	if c.MSEToMean != 0 || c.MSEToEach[0] != 0.25 || c.MSEToEach[1] != 0.25 || c.Closest != 0 || c.MeanToEach != 0.25 {
		t.Errorf("blurry output: %+v", c)
	}
	if c.EntropyOutput != 1 || c.EntropyMean != 1 || c.EntropyNeighbours != 0 || !c.CloserToMean() {
		t.Errorf("blurry output entropies / CloserToMean: %+v", c)
	}
	// A sharp output (with values outside [0, 1], clipped) equal to image 1.
	c, err = CompareBlur([]float32{-0.2, 0, 1.3, 1}, nb)
	if err != nil {
		t.Fatal(err)
	}
	if c.MSEToMean != 0.25 || c.MSEToEach[0] != 1 || c.MSEToEach[1] != 0 || c.Closest != 1 || c.EntropyOutput != 0 || c.CloserToMean() {
		t.Errorf("sharp output: %+v", c)
	}
	for _, bad := range []struct {
		out []float32
		nb  *Neighbours
	}{
		{[]float32{0, 0, 0}, nb},
		{[]float32{0, 0, 0, 0}, nil},
		{[]float32{0, 0, 0, 0}, &Neighbours{}},
		{[]float32{0, 0, 0, 0}, &Neighbours{Index: []int{1}, Images: make([]float32, 3), Mean: make([]float32, 4)}},
	} {
		if _, err := CompareBlur(bad.out, bad.nb); err == nil {
			t.Errorf("CompareBlur(%v, %+v) should fail", bad.out, bad.nb)
		}
	}
	if (&BlurComparison{}).CloserToMean() {
		t.Error("CloserToMean with no neighbours should be false")
	}
}
