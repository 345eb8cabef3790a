package dae

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dlc-go/denoising/kit/data"
)

func newSet(t *testing.T, images []float32, h, w int) *data.Set {
	t.Helper()
	s, err := data.NewSet("synthetic", images, nil, 0, h, w, 1)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNearestVisibleHandCase: 2x3 images, pixels 0 and 1 hidden. Image 1
// agrees with the query on the visible pixels but not on the hidden ones;
// image 2 agrees on the hidden ones, off by 0.1 on one visible pixel; image
// 0 is off by 0.5 on a visible pixel. On visible pixels the order is 1, 2,
// 0; on all pixels image 2 would come first.
func TestNearestVisibleHandCase(t *testing.T) {
	q := []float32{0, 0, 0.2, 0.4, 0.6, 0.8}
	mask := []bool{true, true, false, false, false, false}
	images := slices.Concat(
		[]float32{0, 0, 0.7, 0.4, 0.6, 0.8}, // 0: visible error 0.5
		[]float32{1, 1, 0.2, 0.4, 0.6, 0.8}, // 1: visible error 0, hidden error 1 + 1
		[]float32{0, 0, 0.2, 0.4, 0.6, 0.9}, // 2: visible error 0.1
	)
	set := newSet(t, images, 2, 3)
	nb, err := NearestVisible(set, q, mask, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(nb.Index, []int{1, 2}) {
		t.Errorf("order %v, want [1 2]", nb.Index)
	}
	if math.Abs(nb.Dist2[0]) > 1e-12 || math.Abs(nb.Dist2[1]-0.01) > 1e-6 {
		t.Errorf("distances %v, want [0 0.01]", nb.Dist2)
	}
	wantMean := []float32{0.5, 0.5, 0.2, 0.4, 0.6, 0.85}
	for i := range wantMean {
		if math.Abs(float64(nb.Mean[i]-wantMean[i])) > 1e-6 {
			t.Errorf("mean %v, want %v", nb.Mean, wantMean)
			break
		}
	}
	if !slices.Equal(nb.Images, images[6:18]) {
		t.Errorf("images %v", nb.Images)
	}
	// With every pixel visible, image 2 is the nearest (its hidden pixels match).
	all, err := NearestVisible(set, q, nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(all.Index, []int{2, 0, 1}) {
		t.Errorf("all pixels: order %v, want [2 0 1]", all.Index)
	}
	// k beyond N is capped; ties go to the lower index.
	dup := newSet(t, slices.Concat(images[6:12], images[6:12], images[0:6]), 2, 3)
	nb, err = NearestVisible(dup, q, mask, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(nb.Index, []int{0, 1, 2}) {
		t.Errorf("ties: order %v, want [0 1 2]", nb.Index)
	}
}

// TestNearestVisibleIgnoresHidden: rewriting the hidden pixels of every
// training image and of the query changes neither the neighbours nor their
// distances, while rewriting a visible pixel does change the distances.
func TestNearestVisibleIgnoresHidden(t *testing.T) {
	const n, h, w = 300, 6, 7
	rng := rand.New(rand.NewPCG(1, 2))
	images := make([]float32, n*h*w)
	for i := range images {
		images[i] = rng.Float32()
	}
	q := make([]float32, h*w)
	for i := range q {
		q[i] = rng.Float32()
	}
	mask := make([]bool, h*w)
	for i := range mask {
		mask[i] = rng.Float64() < 0.6
	}
	a, err := NearestVisible(newSet(t, images, h, w), q, mask, 5)
	if err != nil {
		t.Fatal(err)
	}
	images2, q2 := slices.Clone(images), slices.Clone(q)
	for i := range images2 {
		if mask[i%(h*w)] {
			images2[i] = rng.Float32()
		}
	}
	for i := range q2 {
		if mask[i] {
			q2[i] = 100
		}
	}
	b, err := NearestVisible(newSet(t, images2, h, w), q2, mask, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Index, b.Index) || !slices.Equal(a.Dist2, b.Dist2) {
		t.Errorf("hidden pixels changed the result: %v %v vs %v %v", a.Index, a.Dist2, b.Index, b.Dist2)
	}
	// Brute force: the returned ones are the 5 smallest visible distances.
	d := make([]float64, n)
	for k := range n {
		for p := range h * w {
			if !mask[p] {
				e := float64(images[k*h*w+p]) - float64(q[p])
				d[k] += e * e
			}
		}
	}
	sorted := slices.Clone(d)
	slices.Sort(sorted)
	for j, i := range a.Index {
		if math.Abs(d[i]-sorted[j]) > 1e-12 || math.Abs(a.Dist2[j]-d[i]) > 1e-12 {
			t.Errorf("neighbour %d: index %d at %g, want distance %g", j, i, d[i], sorted[j])
		}
	}
	first := slices.Index(mask, false)
	q2[first] += 0.5
	c, _ := NearestVisible(newSet(t, images2, h, w), q2, mask, 5)
	if slices.Equal(a.Dist2, c.Dist2) {
		t.Error("a visible pixel did not change the distances")
	}
}

func TestNearestVisibleErrors(t *testing.T) {
	set := newSet(t, make([]float32, 12), 2, 3)
	q := make([]float32, 6)
	for name, f := range map[string]func() error{
		"nil set":    func() error { _, err := NearestVisible(nil, q, nil, 1); return err },
		"short q":    func() error { _, err := NearestVisible(set, q[:5], nil, 1); return err },
		"short mask": func() error { _, err := NearestVisible(set, q, make([]bool, 5), 1); return err },
		"k=0":        func() error { _, err := NearestVisible(set, q, nil, 0); return err },
		"all hidden": func() error {
			_, err := NearestVisible(set, q, []bool{true, true, true, true, true, true}, 1)
			return err
		},
	} {
		if f() == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}
