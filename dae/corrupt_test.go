package dae

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// inkImages returns n random h x w images with every value in [0.1, 1], so
// that a pixel set to 0 is always a change.
func inkImages(n, h, w int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 99))
	x := make([]float32, n*h*w)
	for i := range x {
		x[i] = float32(0.1 + 0.9*rng.Float64())
	}
	return x
}

func testRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

func TestCorruptionValidate(t *testing.T) {
	for _, c := range LectureCorruptions() {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.Name(), err)
		}
	}
	for _, c := range []Corruption{Erasure{P: 0}, Erasure{P: 1}, Gaussian{SigmaNorm: 1e-9}, Block{Size: 1}} {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: boundary value rejected: %v", c.Name(), err)
		}
	}
	bad := []Corruption{
		Erasure{P: -0.1}, Erasure{P: 1.1}, Erasure{P: math.NaN()},
		Gaussian{SigmaNorm: 0}, Gaussian{SigmaNorm: -1}, Gaussian{SigmaNorm: math.NaN()}, Gaussian{SigmaNorm: math.Inf(1)},
		Block{Size: 0}, Block{Size: -3},
	}
	src := inkImages(2, 5, 6, 1)
	for _, c := range bad {
		if c.Validate() == nil {
			t.Errorf("%s: Validate should fail", c.Name())
		}
		if _, err := c.Apply(make([]float32, len(src)), src, 2, 5, 6, testRNG(1)); err == nil {
			t.Errorf("%s: Apply should fail", c.Name())
		}
	}
	// Argument errors, for every corruption.
	for _, c := range LectureCorruptions() {
		small := Block{Size: 3} // the lecture's blocks do not fit 5x6 images
		if _, ok := c.(Block); ok {
			c = small
		}
		dst := make([]float32, len(src))
		cases := map[string]func() ([]bool, error){
			"short src": func() ([]bool, error) { return c.Apply(dst[:10], src[:10], 2, 5, 6, testRNG(1)) },
			"short dst": func() ([]bool, error) { return c.Apply(dst[:10], src, 2, 5, 6, testRNG(1)) },
			"n=0":       func() ([]bool, error) { return c.Apply(dst[:0], src[:0], 0, 5, 6, testRNG(1)) },
			"nil rng":   func() ([]bool, error) { return c.Apply(dst, src, 2, 5, 6, nil) },
		}
		for name, f := range cases {
			if _, err := f(); err == nil {
				t.Errorf("%s, %s: want an error", c.Name(), name)
			}
		}
	}
	if _, err := (Block{Size: 6}).Apply(make([]float32, len(src)), src, 2, 5, 6, testRNG(1)); err == nil {
		t.Error("a 6x6 block in 5x6 images should fail")
	}
	if _, _, err := CorruptCopy(nil, src, 2, 5, 6, testRNG(1)); err == nil {
		t.Error("CorruptCopy(nil) should fail")
	}
}

func TestCorruptionNames(t *testing.T) {
	var names []string
	for _, c := range LectureCorruptions() {
		names = append(names, c.Name())
	}
	want := []string{"erasure-p0.5", "erasure-p0.9", "gaussian-sigma2", "gaussian-sigma4", "block-10", "block-16"}
	if !slices.Equal(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
}

// TestErasureStatistics: the number of erased pixels is Binomial(M, P)
// (within 5 standard deviations), erased pixels are 0 and flagged, the
// others are copied bit for bit.
func TestErasureStatistics(t *testing.T) {
	const n, h, w = 100, 28, 28
	src := inkImages(n, h, w, 2)
	for _, p := range []float64{0.5, 0.9, 0.1} {
		dst := make([]float32, len(src))
		mask, err := Erasure{P: p}.Apply(dst, src, n, h, w, testRNG(3))
		if err != nil {
			t.Fatal(err)
		}
		if len(mask) != n*h*w {
			t.Fatalf("mask has %d values, want %d", len(mask), n*h*w)
		}
		erased := 0
		for i := range src {
			switch {
			case mask[i] && dst[i] != 0:
				t.Fatalf("p=%g: pixel %d flagged erased but is %g", p, i, dst[i])
			case !mask[i] && dst[i] != src[i]:
				t.Fatalf("p=%g: pixel %d not erased but changed %g -> %g", p, i, src[i], dst[i])
			case mask[i]:
				erased++
			}
		}
		m := float64(len(src))
		mean, sd := m*p, math.Sqrt(m*p*(1-p))
		if math.Abs(float64(erased)-mean) > 5*sd {
			t.Errorf("p=%g: %d erased of %g, want %g +- %g (5 sd)", p, erased, m, mean, 5*sd)
		}
	}
	// p = 0 and p = 1 are exact.
	dst := make([]float32, len(src))
	if mask, _ := (Erasure{P: 0}).Apply(dst, src, n, h, w, testRNG(1)); slices.Contains(mask, true) || !slices.Equal(dst, src) {
		t.Error("p=0 changed something")
	}
	if mask, _ := (Erasure{P: 1}).Apply(dst, src, n, h, w, testRNG(1)); slices.Contains(mask, false) || slices.ContainsFunc(dst, func(v float32) bool { return v != 0 }) {
		t.Error("p=1 left a pixel")
	}
}

// TestGaussianStatistics: the added noise has mean 0 and standard deviation
// SigmaNorm * MNISTStd in [0, 1] units, i.e. SigmaNorm in normalised units
// (checked within 5 standard errors, so sigma = 2 is not mistaken for 2 in
// [0, 1] units).
func TestGaussianStatistics(t *testing.T) {
	const n, h, w = 50, 28, 28
	src := inkImages(n, h, w, 4)
	for _, g := range []Gaussian{{SigmaNorm: 2}, {SigmaNorm: 4}, GaussianFrom01(0.1)} {
		dst := make([]float32, len(src))
		mask, err := g.Apply(dst, src, n, h, w, testRNG(5))
		if err != nil {
			t.Fatal(err)
		}
		if mask != nil {
			t.Errorf("%s: mask should be nil", g.Name())
		}
		m := float64(len(src))
		var s1, s2, n1, n2 float64
		for i := range src {
			d := float64(dst[i]) - float64(src[i])
			s1 += d
			s2 += d * d
			dn := NormalizeMNIST(float64(dst[i])) - NormalizeMNIST(float64(src[i]))
			n1 += dn
			n2 += dn * dn
		}
		mean, std := s1/m, math.Sqrt(s2/m-(s1/m)*(s1/m))
		nstd := math.Sqrt(n2/m - (n1/m)*(n1/m))
		want := g.Sigma01()
		if math.Abs(mean) > 5*want/math.Sqrt(m) {
			t.Errorf("%s: noise mean %g, want 0 +- %g", g.Name(), mean, 5*want/math.Sqrt(m))
		}
		tol := 5 / math.Sqrt(2*m) // relative standard error of a sample std
		if math.Abs(std/want-1) > tol {
			t.Errorf("%s: noise std %g in [0,1] units, want %g (rel. tol %g)", g.Name(), std, want, tol)
		}
		if math.Abs(nstd/g.SigmaNorm-1) > tol+1e-5 {
			t.Errorf("%s: noise std %g in normalised units, want %g", g.Name(), nstd, g.SigmaNorm)
		}
	}
	if s := (Gaussian{SigmaNorm: 2}).Sigma01(); math.Abs(s-0.6162) > 1e-12 {
		t.Errorf("sigma 2 in [0,1] units = %g, want 0.6162", s)
	}
	if g := GaussianFrom01(1.2324); math.Abs(g.SigmaNorm-4) > 1e-12 {
		t.Errorf("GaussianFrom01(1.2324).SigmaNorm = %g, want 4", g.SigmaNorm)
	}
	if v := DenormalizeMNIST(NormalizeMNIST(0.7)); math.Abs(v-0.7) > 1e-15 {
		t.Errorf("normalise round trip: %g", v)
	}
	if v := NormalizeMNIST(0); math.Abs(v+0.1307/0.3081) > 1e-15 {
		t.Errorf("NormalizeMNIST(0) = %g", v)
	}
}

// blockCorner checks that image k's mask is one size x size square inside
// the image, that dst is 0 there and equal to src elsewhere, and returns
// its top-left corner.
func blockCorner(t *testing.T, dst, src []float32, mask []bool, k, h, w, size int) (top, left int) {
	t.Helper()
	top, left, bottom, right, count := h, w, -1, -1, 0
	for y := range h {
		for x := range w {
			i := (k*h+y)*w + x
			if !mask[i] {
				if dst[i] != src[i] {
					t.Fatalf("image %d: pixel (%d,%d) outside the block changed", k, y, x)
				}
				continue
			}
			if dst[i] != 0 {
				t.Fatalf("image %d: masked pixel (%d,%d) is %g", k, y, x, dst[i])
			}
			count++
			top, left, bottom, right = min(top, y), min(left, x), max(bottom, y), max(right, x)
		}
	}
	// size^2 pixels in a size x size bounding box: a full contiguous square.
	if count != size*size || bottom-top+1 != size || right-left+1 != size {
		t.Fatalf("image %d: %d masked pixels in a %dx%d box, want a %dx%d square",
			k, count, bottom-top+1, right-left+1, size, size)
	}
	return top, left
}

// TestBlockStatistics: one contiguous Size x Size square per image, inside
// the image (non-square images catch an h/w swap), untouched elsewhere, its
// corner uniform over the valid positions (chi-square test at the 99.9%
// quantile, fixed seed).
func TestBlockStatistics(t *testing.T) {
	for _, tc := range []struct{ h, w, size, n int }{
		{28, 28, 16, 13 * 13 * 30}, // the lecture's 16x16 block: 169 positions, 30 per position
		{20, 28, 10, 11 * 19 * 20}, // non-square: 209 positions
		{28, 28, 28, 5},            // the block is the image
	} {
		src := inkImages(tc.n, tc.h, tc.w, 6)
		dst := make([]float32, len(src))
		mask, err := Block{Size: tc.size}.Apply(dst, src, tc.n, tc.h, tc.w, testRNG(8))
		if err != nil {
			t.Fatal(err)
		}
		rows, cols := tc.h-tc.size+1, tc.w-tc.size+1
		counts := make([]int, rows*cols)
		for k := range tc.n {
			top, left := blockCorner(t, dst, src, mask, k, tc.h, tc.w, tc.size)
			if top+tc.size > tc.h || left+tc.size > tc.w {
				t.Fatalf("block at (%d,%d) leaves the image", top, left)
			}
			counts[top*cols+left]++
		}
		df := float64(len(counts) - 1)
		if df == 0 {
			continue
		}
		expected := float64(tc.n) / float64(len(counts))
		chi2 := 0.0
		for _, c := range counts {
			chi2 += (float64(c) - expected) * (float64(c) - expected) / expected
		}
		// Wilson-Hilferty approximation of the chi-square 99.9% quantile (z = 3.09).
		a := 2 / (9 * df)
		q := df * math.Pow(1-a+3.09*math.Sqrt(a), 3)
		if chi2 > q {
			t.Errorf("%dx%d, size %d: chi2 = %.1f > %.1f (df %g): corners not uniform", tc.h, tc.w, tc.size, chi2, q, df)
		}
		for i, c := range counts {
			if c == 0 {
				t.Errorf("%dx%d, size %d: corner %d never drawn", tc.h, tc.w, tc.size, i)
				break
			}
		}
	}
}

// TestCorruptionDeterminism: the same seed gives the same output and mask,
// another seed a different one, and in-place application equals the copy.
func TestCorruptionDeterminism(t *testing.T) {
	const n, h, w = 4, 28, 28
	src := inkImages(n, h, w, 9)
	for _, c := range LectureCorruptions() {
		a, ma, err := CorruptCopy(c, src, n, h, w, testRNG(11))
		if err != nil {
			t.Fatal(err)
		}
		b, mb, _ := CorruptCopy(c, src, n, h, w, testRNG(11))
		d, _, _ := CorruptCopy(c, src, n, h, w, testRNG(12))
		if !slices.Equal(a, b) || !slices.Equal(ma, mb) {
			t.Errorf("%s: same seed, different output", c.Name())
		}
		if slices.Equal(a, d) {
			t.Errorf("%s: different seeds, same output", c.Name())
		}
		inPlace := slices.Clone(src)
		mi, err := c.Apply(inPlace, inPlace, n, h, w, testRNG(11))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(inPlace, a) || !slices.Equal(mi, ma) {
			t.Errorf("%s: in-place result differs", c.Name())
		}
		if !slices.Equal(inkImages(n, h, w, 9), src) {
			t.Fatal("CorruptCopy modified src")
		}
	}
}
