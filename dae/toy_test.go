package dae

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestOpenCircleValidate(t *testing.T) {
	if err := DefaultOpenCircle().Validate(); err != nil {
		t.Fatalf("default prior invalid: %v", err)
	}
	bad := []OpenCircle{
		{},
		{Radius: -1, GapWidth: 1},
		{Radius: math.Inf(1)},
		{Radius: 1, GapCenter: math.NaN()},
		{Radius: 1, GapWidth: -0.1},
		{Radius: 1, GapWidth: 2 * math.Pi},
	}
	for _, c := range bad {
		if c.Validate() == nil {
			t.Errorf("%+v: want an error", c)
		}
		if _, err := c.Sample(3, 1); err == nil {
			t.Errorf("%+v: Sample should fail", c)
		}
	}
	c := DefaultOpenCircle()
	if _, err := c.Sample(-1, 1); err == nil {
		t.Error("Sample(-1) should fail")
	}
	for _, s := range []float64{0, -0.1, math.NaN(), math.Inf(1)} {
		if _, _, err := c.Pairs(3, s, 1); err == nil {
			t.Errorf("Pairs with sigma %g should fail", s)
		}
	}
}

// Test circles: the default, a rotated wide-gap one of radius 2.5, a full circle.
var testCircles = []OpenCircle{
	DefaultOpenCircle(),
	{Radius: 2.5, GapCenter: 2, GapWidth: 1.3},
	{Radius: 1, GapCenter: 0, GapWidth: 0},
}

func TestSampleOnArcNeverInGap(t *testing.T) {
	for _, c := range testCircles {
		pts, err := c.Sample(5000, 7)
		if err != nil {
			t.Fatal(err)
		}
		minGapDist := math.Inf(1) // smallest angular distance to the gap centre
		for i, p := range pts {
			if r := math.Hypot(p[0], p[1]); math.Abs(r-c.Radius) > 1e-12*c.Radius {
				t.Fatalf("%+v: point %d at radius %g", c, i, r)
			}
			th := math.Atan2(p[1], p[0])
			if c.InGap(th) {
				t.Fatalf("%+v: point %d at angle %g is in the gap", c, i, th)
			}
			minGapDist = math.Min(minGapDist, math.Abs(wrapAngle(th-c.GapCenter)))
		}
		// The gap edge is approached: with 5000 uniform points the closest lies
		// within ~ span*10/5000 of it (probability of failure ~ e^-10).
		if c.GapWidth > 0 && minGapDist-c.GapWidth/2 > c.ArcSpan()*10/5000 {
			t.Errorf("%+v: no sample near the gap edge (closest %g past it)", c, minGapDist-c.GapWidth/2)
		}
	}
}

// ksUniform is the Kolmogorov-Smirnov statistic of u against U(0, 1).
func ksUniform(u []float64) float64 {
	s := slices.Clone(u)
	slices.Sort(s)
	n := float64(len(s))
	var d float64
	for i, v := range s {
		d = math.Max(d, math.Max(float64(i+1)/n-v, v-float64(i)/n))
	}
	return d
}

func TestSampleUniformAngle(t *testing.T) {
	const n = 10000
	crit := 1.95 / math.Sqrt(n) // KS critical value at level 0.001
	for _, c := range testCircles {
		pts, err := c.Sample(n, 11)
		if err != nil {
			t.Fatal(err)
		}
		u := make([]float64, n)
		for i, p := range pts {
			tt := math.Mod(math.Atan2(p[1], p[0])-c.ArcStart(), 2*math.Pi)
			if tt < 0 {
				tt += 2 * math.Pi
			}
			u[i] = tt / c.ArcSpan()
		}
		if d := ksUniform(u); d > crit {
			t.Errorf("%+v: KS statistic %.4f > %.4f: angles not uniform on the arc", c, d, crit)
		}
		// The same test rejects a non-uniform angle law (u^2), so it has power.
		sq := make([]float64, n)
		for i := range u {
			sq[i] = u[i] * u[i]
		}
		if d := ksUniform(sq); d < crit {
			t.Errorf("KS failed to reject squared uniforms: %.4f", d)
		}
	}
}

func TestPairsDeterministicAndConsistent(t *testing.T) {
	c := DefaultOpenCircle()
	x1, n1, err := c.Pairs(100, 0.1, 3)
	if err != nil {
		t.Fatal(err)
	}
	x2, n2, _ := c.Pairs(100, 0.1, 3)
	if !slices.Equal(x1, x2) || !slices.Equal(n1, n2) {
		t.Error("same seed gave different pairs")
	}
	s, _ := c.Sample(100, 3)
	if !slices.Equal(s, x1) {
		t.Error("Pairs' clean points differ from Sample's with the same seed")
	}
	x3, _, _ := c.Pairs(100, 0.3, 3)
	if !slices.Equal(x3, x1) {
		t.Error("clean points depend on sigma")
	}
	x4, _, _ := c.Pairs(100, 0.1, 4)
	if slices.Equal(x4, x1) {
		t.Error("different seeds gave the same points")
	}
}

func TestNoiseMoments(t *testing.T) {
	const n, sigma = 40000, 0.1
	c := DefaultOpenCircle()
	x, xn, err := c.Pairs(n, sigma, 5)
	if err != nil {
		t.Fatal(err)
	}
	var m [2]meanVar
	var cov float64
	for i := range x {
		d0, d1 := xn[i][0]-x[i][0], xn[i][1]-x[i][1]
		m[0].add(d0)
		m[1].add(d1)
		cov += d0 * d1
	}
	for k := range 2 {
		if math.Abs(m[k].mean) > 4*sigma/math.Sqrt(n) {
			t.Errorf("noise mean[%d] = %g, want 0 +- %g", k, m[k].mean, 4*sigma/math.Sqrt(n))
		}
		v := m[k].s / float64(n-1)
		// Var of the sample variance of a Gaussian: 2 sigma^4 / n.
		if tol := 4 * sigma * sigma * math.Sqrt(2.0/n); math.Abs(v-sigma*sigma) > tol {
			t.Errorf("noise variance[%d] = %g, want %g +- %g", k, v, sigma*sigma, tol)
		}
	}
	if rho := cov / float64(n) / (sigma * sigma); math.Abs(rho) > 4/math.Sqrt(n) {
		t.Errorf("noise coordinates correlated: rho = %g", rho)
	}
}

func TestNearest(t *testing.T) {
	c := DefaultOpenCircle()
	w := c.GapWidth / 2
	cases := []struct {
		p, want [2]float64
	}{
		{[2]float64{0, 3}, [2]float64{0, 1}},                            // direction on the arc: radial projection
		{[2]float64{-0.5, 0}, [2]float64{-1, 0}},                        // inside the circle
		{[2]float64{2, 0.01}, [2]float64{math.Cos(w), math.Sin(w)}},     // gap direction, upper side
		{[2]float64{0.5, -0.01}, [2]float64{math.Cos(w), -math.Sin(w)}}, // gap direction, lower side
	}
	for _, tc := range cases {
		got := c.Nearest(tc.p)
		if math.Sqrt(dist2(got, tc.want)) > 1e-12 {
			t.Errorf("Nearest(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	// Against brute force over a dense set of arc points.
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range testCircles {
		arc := make([][2]float64, 200001)
		for i := range arc {
			arc[i] = c.Point(c.ArcStart() + c.ArcSpan()*float64(i)/float64(len(arc)-1))
		}
		for range 50 {
			p := [2]float64{(rng.Float64()*2 - 1) * 2 * c.Radius, (rng.Float64()*2 - 1) * 2 * c.Radius}
			best := math.Inf(1)
			for _, a := range arc {
				best = math.Min(best, dist2(p, a))
			}
			// Arc spacing ~3e-5 R: the brute force is within ~1e-9 R^2 of the truth.
			if d := c.DistanceToArc(p); math.Abs(d*d-best) > 1e-8*c.Radius*c.Radius {
				t.Errorf("%+v: DistanceToArc(%v)^2 = %g, brute force %g", c, p, d*d, best)
			}
		}
	}
}

func TestGrid(t *testing.T) {
	g, err := Grid(-1, 1, 0, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]float64{{-1, 0}, {0, 0}, {1, 0}, {-1, 2}, {0, 2}, {1, 2}, {-1, 4}, {0, 4}, {1, 4}}
	if !slices.Equal(g, want) {
		t.Errorf("Grid = %v, want %v", g, want)
	}
	for _, bad := range [][5]float64{{0, 1, 0, 1, 1}, {1, 0, 0, 1, 3}, {0, 1, 1, 1, 3}, {math.NaN(), 1, 0, 1, 3}} {
		if _, err := Grid(bad[0], bad[1], bad[2], bad[3], int(bad[4])); err == nil {
			t.Errorf("Grid%v: want an error", bad)
		}
	}
}

func TestMeanSquaredError(t *testing.T) {
	pred := [][2]float64{{0, 0}, {1, 1}, {3, 0}}
	x := [][2]float64{{0, 0}, {0, 0}, {0, 4}} // squared errors 0, 2, 25
	mse, se, err := MeanSquaredError(pred, x)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(mse-9) > 1e-12 {
		t.Errorf("mse = %g, want 9", mse)
	}
	// Sample variance of {0, 2, 25}: (81 + 49 + 256) / 2 = 193; se = sqrt(193/3).
	if math.Abs(se-math.Sqrt(193.0/3)) > 1e-12 {
		t.Errorf("stderr = %g, want %g", se, math.Sqrt(193.0/3))
	}
	if _, _, err := MeanSquaredError(pred, x[:2]); err == nil {
		t.Error("length mismatch should fail")
	}
	// The identity's MSE is 2 sigma^2 under this convention.
	const n, sigma = 40000, 0.2
	cl, no, _ := DefaultOpenCircle().Pairs(n, sigma, 9)
	mse, se, _ = MeanSquaredError(no, cl)
	if math.Abs(mse-2*sigma*sigma) > 4*se {
		t.Errorf("identity MSE %g +- %g, want 2 sigma^2 = %g", mse, se, 2*sigma*sigma)
	}
}

func TestFlatten32(t *testing.T) {
	pts := [][2]float64{{1, 2}, {3.5, -4}}
	flat := Flatten32(pts)
	if !slices.Equal(flat, []float32{1, 2, 3.5, -4}) {
		t.Errorf("Flatten32 = %v", flat)
	}
	back, err := Unflatten32(flat)
	if err != nil || !slices.Equal(back, pts) {
		t.Errorf("Unflatten32 = %v, %v", back, err)
	}
	if _, err := Unflatten32(flat[:3]); err == nil {
		t.Error("odd length should fail")
	}
}

func TestWrapAngle(t *testing.T) {
	for _, tc := range [][2]float64{{0, 0}, {math.Pi, -math.Pi}, {-math.Pi, -math.Pi}, {3 * math.Pi / 2, -math.Pi / 2}, {-7, -7 + 2*math.Pi}, {13, 13 - 4*math.Pi}} {
		if got := wrapAngle(tc[0]); math.Abs(got-tc[1]) > 1e-12 {
			t.Errorf("wrapAngle(%g) = %g, want %g", tc[0], got, tc[1])
		}
	}
}
