package sdae

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dlc-go/denoising/kit/data"
)

// synthDigits returns n synthetic "digits": a few random thick strokes within
// the central 20 x 20 box (like MNIST), values in [0, 1] with soft edges,
// labels i mod 10.
func synthDigits(n int, seed uint64) Digits {
	rng := rand.New(rand.NewPCG(seed, 77))
	d := Digits{Images: make([]float32, n*pixels), Labels: make([]int, n)}
	for i := range n {
		img := d.Images[i*pixels : (i+1)*pixels]
		for range 3 {
			x0, y0 := 4+16*rng.Float64(), 4+16*rng.Float64()
			x1, y1 := 4+16*rng.Float64(), 4+16*rng.Float64()
			for y := range Side {
				for x := range Side {
					dist := segDist(float64(x), float64(y), x0, y0, x1, y1)
					v := float32(math.Max(0, math.Min(1, 2-dist)))
					img[y*Side+x] = max(img[y*Side+x], v)
				}
			}
		}
		d.Labels[i] = i % 10
	}
	return d
}

func segDist(px, py, x0, y0, x1, y1 float64) float64 {
	dx, dy := x1-x0, y1-y0
	t := ((px-x0)*dx + (py-y0)*dy) / (dx*dx + dy*dy + 1e-12)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(px-x0-t*dx, py-y0-t*dy)
}

// rot90 is the exact counter-clockwise quarter turn (numpy's rot90):
// out[i][j] = in[j][n-1-i].
func rot90(in []float32, n int) []float32 {
	out := make([]float32, n*n)
	for i := range n {
		for j := range n {
			out[i*n+j] = in[j*n+n-1-i]
		}
	}
	return out
}

func maxAbsDiff(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i]-b[i])))
	}
	return m
}

func TestRotateImage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{Side, 5, 6} {
		src := make([]float32, n*n)
		for i := range src {
			src[i] = rng.Float32()
		}
		dst := make([]float32, n*n)
		if err := RotateImage(dst, src, n, n, 0); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(dst, src) {
			t.Errorf("n=%d: rotation by 0 is not the identity", n)
		}
		want := src
		for q := 1; q <= 4; q++ {
			want = rot90(want, n)
			if err := RotateImage(dst, src, n, n, float64(q)*math.Pi/2); err != nil {
				t.Fatal(err)
			}
			if d := maxAbsDiff(dst, want); d > 1e-6 {
				t.Errorf("n=%d: rotation by %d quarter turns differs from the pixel rotation by %g", n, q, d)
			}
		}
	}
	// A pixel right of the centre moves above it under +90 degrees (counter-clockwise as displayed).
	src := make([]float32, 25)
	src[2*5+4] = 1 // (y=2, x=4)
	dst := make([]float32, 25)
	RotateImage(dst, src, 5, 5, math.Pi/2)
	if math.Abs(float64(dst[0*5+2])-1) > 1e-6 {
		t.Errorf("quarter turn sent (2,4) elsewhere than (0,2): %v", dst)
	}
	// Bilinear interpolation of a smooth centred bump keeps its mass.
	bump := make([]float32, pixels)
	for y := range Side {
		for x := range Side {
			r2 := (float64(x)-13.5)*(float64(x)-13.5) + (float64(y)-13.5)*(float64(y)-13.5)
			bump[y*Side+x] = float32(math.Exp(-r2 / 20))
		}
	}
	for _, a := range []float64{0.3, 1, 2.5} {
		rot := make([]float32, pixels)
		RotateImage(rot, bump, Side, Side, a)
		if d := maxAbsDiff(rot, bump); d > 0.02 {
			t.Errorf("angle %g: rotation of an isotropic bump changed it by %g", a, d)
		}
	}
	if err := RotateImage(dst, src[:24], 5, 5, 0); err == nil {
		t.Error("bad size accepted")
	}
	if err := RotateImage(dst, src, 5, 5, math.NaN()); err == nil {
		t.Error("NaN angle accepted")
	}
}

// generators returns one configured generator of each kind.
func generators(t *testing.T) map[string]interface {
	Generate(n int, seed uint64) ([]float32, []int, error)
} {
	t.Helper()
	digits := synthDigits(30, 1)
	patches := make([]float32, 5*pixels)
	for i := range patches {
		patches[i] = float32(i%97) / 96
	}
	src, err := PatchesFromSlice(patches)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]interface {
		Generate(n int, seed uint64) ([]float32, []int, error)
	}{
		"rot":        Rot{Digits: digits},
		"bg-rand":    BgRand{Digits: digits},
		"bg-img":     BgImg{Digits: digits, Patches: src},
		"bg-img-rot": BgImg{Digits: digits, Patches: src, Rotate: true},
		"rect":       Rect{},
		"rect-img":   RectImg{Patches: src},
		"convex":     Convex{},
	}
}

func TestDeterminism(t *testing.T) {
	for name, g := range generators(t) {
		a, la, err := g.Generate(40, 7)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, lb, _ := g.Generate(40, 7)
		c, _, _ := g.Generate(40, 8)
		p, lp, _ := g.Generate(10, 7)
		if len(a) != 40*pixels || len(la) != 40 {
			t.Errorf("%s: got %d values and %d labels", name, len(a), len(la))
		}
		if !slices.Equal(a, b) || !slices.Equal(la, lb) {
			t.Errorf("%s: same seed, different data", name)
		}
		if slices.Equal(a, c) {
			t.Errorf("%s: different seeds, same data", name)
		}
		if !slices.Equal(p, a[:10*pixels]) || !slices.Equal(lp, la[:10]) {
			t.Errorf("%s: Generate(10) is not a prefix of Generate(40)", name)
		}
		for i, v := range a {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("%s: value #%d = %g outside [0, 1]", name, i, v)
			}
		}
		if _, _, err := g.Generate(0, 1); err == nil {
			t.Errorf("%s: n = 0 accepted", name)
		}
	}
}

func TestDigitLabelsAndErrors(t *testing.T) {
	d := synthDigits(7, 2)
	_, labels, err := Rot{Digits: d}.Generate(20, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range labels {
		if l != d.Labels[i%7] {
			t.Fatalf("label %d = %d, want source digit %d's %d", i, l, i%7, d.Labels[i%7])
		}
	}
	if _, _, err := (Rot{Digits: Digits{Images: d.Images[:100], Labels: d.Labels}}).Generate(3, 1); err == nil {
		t.Error("mis-sized digits accepted")
	}
	if _, _, err := (BgImg{Digits: d}).Generate(3, 1); err == nil {
		t.Error("nil patch source accepted")
	}
	if _, _, err := (BgRand{Digits: d, Composite: 9}).Generate(3, 1); err == nil {
		t.Error("unknown composite accepted")
	}
	if _, err := PatchesFromSlice(make([]float32, 100)); err == nil {
		t.Error("mis-sized patches accepted")
	}
}

// bg-rand: digit pixels kept, background uniform (mean 1/2, variance 1/12).
func TestBgRand(t *testing.T) {
	d := synthDigits(50, 3)
	const thr = 0.1
	imgs, _, err := BgRand{Digits: d, Composite: CompositeReplace, Threshold: thr}.Generate(50, 1)
	if err != nil {
		t.Fatal(err)
	}
	var bg []float64
	for i := range 50 {
		for j := range pixels {
			v, dv := imgs[i*pixels+j], d.Images[i*pixels+j]
			if dv > thr {
				if v != dv {
					t.Fatalf("image %d pixel %d: digit value %g changed to %g", i, j, dv, v)
				}
			} else {
				bg = append(bg, float64(v))
			}
		}
	}
	checkUniform(t, "replace", bg)

	imgs, _, _ = BgRand{Digits: d}.Generate(50, 1) // CompositeMax
	bg = bg[:0]
	for i := range 50 {
		for j := range pixels {
			v, dv := imgs[i*pixels+j], d.Images[i*pixels+j]
			if v < dv {
				t.Fatalf("max composite darkened a digit pixel: %g < %g", v, dv)
			}
			if dv == 0 {
				bg = append(bg, float64(v))
			}
		}
	}
	checkUniform(t, "max", bg)
}

// checkUniform checks mean 1/2 and variance 1/12 of U[0,1] samples within 4
// standard errors (Var of the sample mean 1/(12 n); of (x-1/2)^2: 1/80 - 1/144).
func checkUniform(t *testing.T, name string, xs []float64) {
	t.Helper()
	n := float64(len(xs))
	var m, v float64
	for _, x := range xs {
		m += x
		v += (x - 0.5) * (x - 0.5)
	}
	m /= n
	v /= n
	if math.Abs(m-0.5) > 4*math.Sqrt(1/12.0/n) {
		t.Errorf("%s: background mean %g over %g pixels, want 0.5", name, m, n)
	}
	if math.Abs(v-1/12.0) > 4*math.Sqrt((1/80.0-1/144.0)/n) {
		t.Errorf("%s: background variance %g, want 1/12", name, v)
	}
}

// bg-img: with black patches and CompositeMax, bg-img is the digit and
// bg-img-rot is exactly rot (same stream: the angle is drawn first); with
// constant patches and CompositeReplace, background pixels take the patch value.
func TestBgImg(t *testing.T) {
	d := synthDigits(20, 4)
	black, _ := PatchesFromSlice(make([]float32, 3*pixels))
	imgs, _, err := BgImg{Digits: d, Patches: black}.Generate(20, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(imgs, d.Images) {
		t.Error("bg-img over black patches is not the digit")
	}
	rotImgs, _, _ := Rot{Digits: d}.Generate(20, 5)
	imgs, _, _ = BgImg{Digits: d, Patches: black, Rotate: true}.Generate(20, 5)
	if !slices.Equal(imgs, rotImgs) {
		t.Error("bg-img-rot over black patches is not rot")
	}
	consts := make([]float32, 4*pixels)
	for k := range 4 {
		for j := range pixels {
			consts[k*pixels+j] = 0.2 + 0.2*float32(k)
		}
	}
	src, _ := PatchesFromSlice(consts)
	imgs, _, _ = BgImg{Digits: d, Patches: src, Composite: CompositeReplace}.Generate(20, 5)
	for i := range 20 {
		var bgVal float32 = -1
		for j := range pixels {
			v, dv := imgs[i*pixels+j], d.Images[i*pixels+j]
			if dv > 0 {
				if v != dv {
					t.Fatalf("image %d: digit pixel changed", i)
				}
				continue
			}
			if bgVal < 0 {
				bgVal = v
			}
			if v != bgVal {
				t.Fatalf("image %d: background is not one patch: %g and %g", i, bgVal, v)
			}
		}
	}
}

// PatchesFromImages crops real pixels and skips flat patches.
func TestPatchesFromImages(t *testing.T) {
	im := &data.Image{Name: "half", H: 40, W: 60, C: 1, Pix: make([]float32, 40*60)}
	for y := range 40 {
		for x := 30; x < 60; x++ {
			im.Pix[y*60+x] = float32(y) / 40 // left half flat, right half a ramp
		}
	}
	src, err := PatchesFromImages([]*data.Image{im}, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		p, err := src(rng)
		if err != nil {
			t.Fatal(err)
		}
		if std(p) < 0.05 {
			t.Fatalf("flat patch returned (std %g)", std(p))
		}
	}
	flat := &data.Image{Name: "flat", H: 28, W: 28, C: 1, Pix: make([]float32, pixels)}
	src, _ = PatchesFromImages([]*data.Image{flat}, 0.01)
	if _, err := src(rng); err == nil {
		t.Error("a flat image gave a patch")
	}
	if _, err := PatchesFromImages([]*data.Image{{H: 10, W: 10, C: 1, Pix: make([]float32, 100)}}, 0); err == nil {
		t.Error("a 10x10 image accepted")
	}
}

// bbox returns the bounding box of pixels where pred holds.
func bbox(img []float32, pred func(float32) bool) (y0, x0, h, w, count int) {
	y0, x0, y1, x1 := Side, Side, -1, -1
	for y := range Side {
		for x := range Side {
			if pred(img[y*Side+x]) {
				y0, x0, y1, x1 = min(y0, y), min(x0, x), max(y1, y), max(x1, x)
				count++
			}
		}
	}
	return y0, x0, y1 - y0 + 1, x1 - x0 + 1, count
}

func checkBalance(t *testing.T, name string, labels []int) {
	t.Helper()
	ones := 0
	for _, l := range labels {
		ones += l
	}
	n := float64(len(labels))
	if f := float64(ones) / n; math.Abs(f-0.5) > 4*math.Sqrt(0.25/n) {
		t.Errorf("%s: fraction of label 1 is %g over %g images", name, f, n)
	}
}

func TestRect(t *testing.T) {
	const n = 2000
	imgs, labels, err := Rect{}.Generate(n, 3)
	if err != nil {
		t.Fatal(err)
	}
	checkBalance(t, "rect", labels)
	for i := range n {
		img := imgs[i*pixels : (i+1)*pixels]
		y0, x0, h, w, count := bbox(img, func(v float32) bool { return v > 0.5 })
		if want := 2*(h+w) - 4; count != want {
			t.Fatalf("image %d: %d white pixels, an outline of %dx%d has %d", i, count, h, w, want)
		}
		for y := y0; y < y0+h; y++ {
			for x := x0; x < x0+w; x++ {
				border := y == y0 || y == y0+h-1 || x == x0 || x == x0+w-1
				if (img[y*Side+x] == 1) != border {
					t.Fatalf("image %d: pixel (%d,%d) breaks the outline", i, y, x)
				}
			}
		}
		if abs(h-w) < 3 || min(h, w) < 3 {
			t.Fatalf("image %d: %dx%d rectangle violates the size rules", i, h, w)
		}
		if want := map[bool]int{true: LabelTall, false: LabelWide}[h > w]; labels[i] != want {
			t.Fatalf("image %d: label %d for a %d(h) x %d(w) rectangle", i, labels[i], h, w)
		}
	}
	if _, _, err := (Rect{Sizes: RectSizes{MinSide: 20, MaxSide: 21}}).Generate(1, 1); err == nil {
		t.Error("impossible sizes accepted")
	}
}

func abs(x int) int { return max(x, -x) }

func TestRectImg(t *testing.T) {
	calls := 0
	// Alternating source: RectImg draws the inside patch first, then the
	// background: inside = 0.9, background = 0.1.
	src := func(*rand.Rand) ([]float32, error) {
		calls++
		v := float32(0.1)
		if calls%2 == 1 {
			v = 0.9
		}
		p := make([]float32, pixels)
		for j := range p {
			p[j] = v
		}
		return p, nil
	}
	const n = 1000
	imgs, labels, err := RectImg{Patches: src}.Generate(n, 4)
	if err != nil {
		t.Fatal(err)
	}
	checkBalance(t, "rect-img", labels)
	for i := range n {
		_, _, h, w, count := bbox(imgs[i*pixels:(i+1)*pixels], func(v float32) bool { return v == 0.9 })
		if count != h*w {
			t.Fatalf("image %d: inside patch covers %d pixels of its %dx%d box", i, count, h, w)
		}
		if want := map[bool]int{true: LabelTall, false: LabelWide}[h > w]; labels[i] != want || abs(h-w) < 3 {
			t.Fatalf("image %d: label %d for %d(h) x %d(w)", i, labels[i], h, w)
		}
	}
	if _, _, err := (RectImg{}).Generate(1, 1); err == nil {
		t.Error("nil patch source accepted")
	}
}

// ConvexityDefect on hand-made shapes.
func TestConvexityDefect(t *testing.T) {
	img := make([]float32, pixels)
	for y := 3; y < 10; y++ {
		for x := 5; x < 20; x++ {
			img[y*Side+x] = 1
		}
	}
	if m, d := ConvexityDefect(img, 0.5); m != 0 || d != 0 {
		t.Errorf("filled rectangle: defect %d, depth %g", m, d)
	}
	// Right triangle with legs 4 at (0,0): x, y >= 0, x + y <= 4; hole at (1,1).
	clear(img)
	for y := range 5 {
		for x := range 5 - y {
			img[y*Side+x] = 1
		}
	}
	if m, _ := ConvexityDefect(img, 0.5); m != 0 {
		t.Errorf("triangle: defect %d", m)
	}
	img[1*Side+1] = 0
	// Distances of (1,1) to the edges: 1, 1 and (4-2)/sqrt 2: depth 1.
	if m, d := ConvexityDefect(img, 0.5); m != 1 || math.Abs(d-1) > 1e-12 {
		t.Errorf("triangle with a hole: defect %d depth %g, want 1 and 1", m, d)
	}
	// An L: [0,10)x[0,3) plus [0,3)x[0,10): the notch between them is missing.
	clear(img)
	for y := range 10 {
		for x := range 10 {
			if y < 3 || x < 3 {
				img[y*Side+x] = 1
			}
		}
	}
	// Hull: (0,0), (9,0), (9,2), (2,9), (0,9); lattice points of the notch
	// x, y >= 3 with x + y <= 11 (the edge from (9,2) to (2,9)): 9 - x of them
	// for x = 3..8, 6+5+4+3+2+1 = 21.
	if m, _ := ConvexityDefect(img, 0.5); m != 21 {
		t.Errorf("L shape: defect %d, want 21", m)
	}
	// Collinear: a diagonal segment with a gap.
	clear(img)
	for k := range 6 {
		img[k*Side+k] = 1
	}
	img[3*Side+3] = 0
	if m, d := ConvexityDefect(img, 0.5); m != 1 || d != 0 {
		t.Errorf("segment with a gap: defect %d depth %g", m, d)
	}
}

// Convex images are digitally convex; non-convex ones are visibly not: checked
// with tests independent of the hull code (segments between white pixels and
// support functions sampled over 720 directions).
func TestConvex(t *testing.T) {
	const n = 300
	imgs, labels, err := Convex{}.Generate(n, 5)
	if err != nil {
		t.Fatal(err)
	}
	checkBalance(t, "convex", labels)
	var dirs [][2]float64
	for k := range 720 {
		a := float64(k) * math.Pi / 360
		dirs = append(dirs, [2]float64{math.Cos(a), math.Sin(a)})
	}
	for i := range n {
		img := imgs[i*pixels : (i+1)*pixels]
		var white, black [][2]int
		for y := range Side {
			for x := range Side {
				if img[y*Side+x] > 0.5 {
					white = append(white, [2]int{x, y})
				} else {
					black = append(black, [2]int{x, y})
				}
			}
		}
		// Support function h(u) = max over white of p.u, centred coordinates.
		h := make([]float64, len(dirs))
		for k, u := range dirs {
			h[k] = math.Inf(-1)
			for _, p := range white {
				h[k] = math.Max(h[k], (float64(p[0])-13.5)*u[0]+(float64(p[1])-13.5)*u[1])
			}
		}
		// deepInside reports p.u <= h(u) - margin for every sampled u: with
		// |p| <= 20 and a half-step of pi/720, that implies p is inside the hull
		// when margin >= 2*20*pi/720 ~ 0.18.
		deepInside := func(p [2]int, margin float64) bool {
			for k, u := range dirs {
				if (float64(p[0])-13.5)*u[0]+(float64(p[1])-13.5)*u[1] > h[k]-margin {
					return false
				}
			}
			return true
		}
		deep := 0
		for _, p := range black {
			if deepInside(p, 0.5) {
				deep++
			}
		}
		if labels[i] == LabelConvex {
			if len(white) < 19 {
				t.Fatalf("image %d: convex region of %d pixels", i, len(white))
			}
			for _, p := range black {
				if deepInside(p, 0.2) {
					t.Fatalf("image %d (convex): black pixel %v inside the hull of the white ones", i, p)
				}
			}
			// Every lattice point on a segment between two white pixels is white.
			for a := range white {
				for b := a + 1; b < len(white); b++ {
					dx, dy := white[b][0]-white[a][0], white[b][1]-white[a][1]
					g := gcd(abs(dx), abs(dy))
					for s := 1; s < g; s++ {
						x, y := white[a][0]+s*dx/g, white[a][1]+s*dy/g
						if img[y*Side+x] < 0.5 {
							t.Fatalf("image %d (convex): (%d,%d) on the segment %v-%v is black", i, x, y, white[a], white[b])
						}
					}
				}
			}
		} else if deep == 0 {
			t.Fatalf("image %d (non-convex): no black pixel 0.5 deep inside the hull", i)
		}
	}
	if _, _, err := (Convex{P: 2}).Generate(1, 1); err == nil {
		t.Error("P = 2 accepted")
	}
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// On real MNIST digits (when installed): rotation keeps a digit's mass (digits
// sit in the central 20 x 20 box, inside the rotation-invariant disc), and the
// generators accept a data.Set.
func TestMNISTVariants(t *testing.T) {
	set, err := data.MNIST(data.Test)
	if errors.Is(err, data.ErrNotInstalled) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	small, err := set.Slice(0, 200)
	if err != nil {
		t.Fatal(err)
	}
	digits, err := DigitsFromSet(small)
	if err != nil {
		t.Fatal(err)
	}
	imgs, labels, err := Rot{Digits: digits}.Generate(200, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		var m0, m1 float64
		for j := range pixels {
			m0 += float64(digits.Images[i*pixels+j])
			m1 += float64(imgs[i*pixels+j])
		}
		if math.Abs(m1-m0) > 0.03*m0 || labels[i] != digits.Labels[i] {
			t.Fatalf("digit %d: mass %g -> %g after rotation, label %d -> %d", i, m0, m1, digits.Labels[i], labels[i])
		}
	}
	if _, err := DigitsFromSet(&data.Set{H: 28, W: 28, C: 3}); err == nil {
		t.Error("3-channel set accepted")
	}
}
