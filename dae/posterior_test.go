package dae

import (
	"math"
	"math/rand/v2"
	"testing"
)

// besselRatioCF returns A(x) = I1(x) / I0(x) by Gauss's continued fraction
// I_nu / I_{nu-1} = 1 / (2 nu / x + I_{nu+1} / I_nu), evaluated backwards
// from a depth where the truncation error has been damped away.
func besselRatioCF(x float64) float64 {
	if x == 0 {
		return 0
	}
	n := int(3*x) + 60
	r := 0.0
	for nu := n; nu >= 1; nu-- {
		r = 1 / (2*float64(nu)/x + r)
	}
	return r
}

// besselRatioSeries returns I1(x) / I0(x) from the power series
// I_nu(x) = sum_k (x/2)^(2k+nu) / (k! (k+nu)!), summed in log space.
func besselRatioSeries(x float64) float64 {
	if x == 0 {
		return 0
	}
	n := int(x/2+20*math.Sqrt(x)) + 50
	lt := make([]float64, n) // log of the I0 terms
	lmax := math.Inf(-1)
	for k := range n {
		lg1, _ := math.Lgamma(float64(k + 1))
		lt[k] = 2*float64(k)*math.Log(x/2) - 2*lg1
		lmax = math.Max(lmax, lt[k])
	}
	var s0, s1 float64
	for k, l := range lt {
		e := math.Exp(l - lmax)
		s0 += e
		s1 += e * (x / 2) / float64(k+1) // I1 term = I0 term * (x/2) / (k+1)
	}
	return s1 / s0
}

func TestBesselRatioReference(t *testing.T) {
	// Table values (Abramowitz & Stegun 9.8 / any numerical library).
	const i0at1, i1at1 = 1.2660658777520084, 0.5651591039924850
	const i0at10, i1at10 = 2815.716628466254, 2670.988303701255
	for _, tc := range []struct{ x, want float64 }{{1, i1at1 / i0at1}, {10, i1at10 / i0at10}} {
		for name, f := range map[string]func(float64) float64{"CF": besselRatioCF, "series": besselRatioSeries} {
			if got := f(tc.x); math.Abs(got-tc.want) > 1e-13 {
				t.Errorf("%s A(%g) = %.16g, want %.16g", name, tc.x, got, tc.want)
			}
		}
	}
	for _, x := range []float64{0.01, 0.5, 3, 30, 100, 400, 700} {
		if a, b := besselRatioCF(x), besselRatioSeries(x); math.Abs(a-b) > 1e-12 {
			t.Errorf("A(%g): CF %.16g vs series %.16g", x, a, b)
		}
	}
	// Large x: A(x) = 1 - 1/(2x) - 1/(8x^2) - 1/(8x^3) + O(x^-4).
	x := 1e4
	if got, want := besselRatioCF(x), 1-1/(2*x)-1/(8*x*x)-1/(8*x*x*x); math.Abs(got-want) > 1e-15 {
		t.Errorf("A(1e4) = %.16g, asymptotic %.16g", got, want)
	}
}

func TestGaussLegendre(t *testing.T) {
	var sw, s30, s31 float64
	for i, x := range glNodes {
		sw += glWeights[i]
		s30 += glWeights[i] * math.Pow(x, 30)
		s31 += glWeights[i] * math.Pow(x, 31)
	}
	// A 16-point rule is exact for degree <= 31.
	if math.Abs(sw-2) > 1e-14 || math.Abs(s30-2.0/31) > 1e-14 || math.Abs(s31) > 1e-14 {
		t.Errorf("GL16: sum w = %g, int x^30 = %g (want %g), int x^31 = %g", sw, s30, 2.0/31, s31)
	}
}

// On the full circle the posterior of theta is von Mises(phi_q, kappa) and
// E[X | X~ = q] = R A(kappa) q / |q|, kappa = R |q| / sigma^2, A = I1 / I0.
func TestPosteriorMeanFullCircleBessel(t *testing.T) {
	for _, radius := range []float64{1, 2} {
		c := OpenCircle{Radius: radius, GapCenter: 0.4, GapWidth: 0}
		for _, sigma := range []float64{0.01, 0.05, 0.1, 0.3, 1, 3} {
			for _, r := range []float64{0, 1e-3, 0.2, 0.9, 1, 1.3, 2.5} {
				for _, ang := range []float64{0, 1, -2.5, 3} {
					q := [2]float64{r * math.Cos(ang), r * math.Sin(ang)}
					m, err := c.PosteriorMean(q, sigma)
					if err != nil {
						t.Fatal(err)
					}
					a := besselRatioCF(radius * r / (sigma * sigma))
					want := [2]float64{radius * a * math.Cos(ang), radius * a * math.Sin(ang)}
					if d := math.Sqrt(dist2(m, want)); d > 1e-12*radius {
						t.Errorf("R=%g sigma=%g q=%v: mean %v, Bessel %v (|diff| %.2g)", radius, sigma, q, m, want, d)
					}
				}
			}
		}
	}
}

// simpsonMean computes E[X | X~ = q] independently: composite Simpson over
// the whole arc with 2e5 intervals, shifting the exponent by its max.
func simpsonMean(c OpenCircle, q [2]float64, sigma float64) [2]float64 {
	const n = 200000
	h := c.ArcSpan() / n
	f := make([]float64, n+1)
	fmax := math.Inf(-1)
	for i := range f {
		p := c.Point(c.ArcStart() + float64(i)*h)
		f[i] = (q[0]*p[0] + q[1]*p[1]) / (sigma * sigma)
		fmax = math.Max(fmax, f[i])
	}
	var z, sx, sy float64
	for i := range f {
		w := 2.0
		switch {
		case i == 0 || i == n:
			w = 1
		case i%2 == 1:
			w = 4
		}
		e := w * math.Exp(f[i]-fmax)
		p := c.Point(c.ArcStart() + float64(i)*h)
		z += e
		sx += e * p[0]
		sy += e * p[1]
	}
	return [2]float64{sx / z, sy / z}
}

// randomQueries returns query points spread around the circle, inside,
// outside, in the gap direction and at the origin.
func randomQueries(c OpenCircle, n int, seed uint64) [][2]float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	qs := [][2]float64{{0, 0}, c.BimodalQuery(), c.Point(c.ArcStart()), c.Point(c.GapCenter + math.Pi)}
	for range n {
		r := c.Radius * 1.6 * math.Sqrt(rng.Float64())
		a := 2 * math.Pi * rng.Float64()
		qs = append(qs, [2]float64{r * math.Cos(a), r * math.Sin(a)})
	}
	return qs
}

func TestPosteriorMeanAgainstSimpson(t *testing.T) {
	for _, c := range testCircles {
		for _, sigma := range []float64{0.05, 0.1, 0.5} {
			for _, q := range randomQueries(c, 6, 3) {
				m, _ := c.PosteriorMean(q, sigma)
				if d := math.Sqrt(dist2(m, simpsonMean(c, q, sigma))); d > 1e-10*c.Radius {
					t.Errorf("%+v sigma=%g q=%v: quadrature %v vs Simpson (|diff| %.2g)", c, sigma, q, m, d)
				}
			}
		}
	}
}

// Doubling the quadrature nodes changes E[X | X~ = q] by < 1e-10 R. For very
// small sigma the problem itself is ill-conditioned: at the bimodal query with
// R = 2.5, sigma = 0.003, a rounding of q by one ulp (4e-16) shifts the log
// odds of the two modes by R |dq| / sigma^2 ~ 1e-10, so the bound is 1e-9 there.
func TestPosteriorQuadratureConverges(t *testing.T) {
	var worst float64
	for _, c := range testCircles {
		for _, sigma := range []float64{0.003, 0.01, 0.1, 0.3, 2} {
			tol := 1e-10 * c.Radius
			if sigma < 0.01 {
				tol = 1e-9 * c.Radius
			}
			for _, q := range randomQueries(c, 30, 4) {
				m1 := c.posteriorMeanRefined(q, sigma, 1)
				m2 := c.posteriorMeanRefined(q, sigma, 2)
				d := math.Sqrt(dist2(m1, m2))
				if sigma >= 0.01 {
					worst = math.Max(worst, d/c.Radius)
				}
				if d > tol || math.IsNaN(d) {
					t.Errorf("%+v sigma=%g q=%v: doubling the nodes moved the mean by %.2g", c, sigma, q, d)
				}
			}
		}
	}
	t.Logf("largest change when doubling the nodes, sigma >= 0.01: %.2g (relative to R)", worst)
}

func TestPosteriorMeanFarFromGap(t *testing.T) {
	c := DefaultOpenCircle()
	const sigma = 0.01
	for _, ang := range []float64{1, 2, math.Pi, -1.5} { // all >= 0.8 rad from the gap edges
		for _, r := range []float64{0.97, 1, 1.05} {
			q := [2]float64{r * math.Cos(ang), r * math.Sin(ang)}
			m, _ := c.PosteriorMean(q, sigma)
			// The gap is > 50 posterior widths away: the full-circle closed form holds.
			a := besselRatioCF(r / (sigma * sigma))
			if d := math.Sqrt(dist2(m, [2]float64{a * math.Cos(ang), a * math.Sin(ang)})); d > 1e-12 {
				t.Errorf("q=%v: %v differs from the full-circle mean by %.2g", q, m, d)
			}
			// And the mean is within ~sigma^2/(2r) (Laplace) of the nearest arc point.
			if d := math.Sqrt(dist2(m, c.Nearest(q))); d > sigma*sigma/r {
				t.Errorf("q=%v: mean %v is %.3g from the nearest arc point, want < %.3g", q, m, d, sigma*sigma/r)
			}
		}
	}
}

func reflect(p [2]float64, axis float64) [2]float64 {
	c, s := math.Cos(2*axis), math.Sin(2*axis)
	return [2]float64{c*p[0] + s*p[1], s*p[0] - c*p[1]}
}

func rotate(p [2]float64, a float64) [2]float64 {
	c, s := math.Cos(a), math.Sin(a)
	return [2]float64{c*p[0] - s*p[1], s*p[0] + c*p[1]}
}

func TestPosteriorMeanSymmetries(t *testing.T) {
	for _, c := range testCircles[:2] {
		axis := [2]float64{math.Cos(c.GapCenter), math.Sin(c.GapCenter)}
		// On the symmetry axis (through the gap centre) the mean stays on it.
		for _, r := range []float64{-1.5, -0.3, 0.3, 0.9, 1, 1.5} {
			q := [2]float64{r * axis[0] * c.Radius, r * axis[1] * c.Radius}
			for _, sigma := range []float64{0.05, 0.1, 0.5} {
				m, _ := c.PosteriorMean(q, sigma)
				if off := -m[0]*axis[1] + m[1]*axis[0]; math.Abs(off) > 1e-12*c.Radius {
					t.Errorf("%+v q=%v sigma=%g: mean %v is %.2g off the symmetry axis", c, q, sigma, m, off)
				}
			}
		}
		// Mirror equivariance: m(reflect(q)) = reflect(m(q)).
		for _, q := range randomQueries(c, 10, 5) {
			m, _ := c.PosteriorMean(q, 0.2)
			mr, _ := c.PosteriorMean(reflect(q, c.GapCenter), 0.2)
			if d := math.Sqrt(dist2(mr, reflect(m, c.GapCenter))); d > 1e-12*c.Radius {
				t.Errorf("%+v q=%v: mirror symmetry broken by %.2g", c, q, d)
			}
		}
	}
	// Rotation equivariance: rotating prior and query rotates the mean.
	c := DefaultOpenCircle()
	for _, q := range randomQueries(c, 10, 6) {
		m, _ := c.PosteriorMean(q, 0.15)
		const a = 2.2
		cr := c
		cr.GapCenter += a
		mr, _ := cr.PosteriorMean(rotate(q, a), 0.15)
		if d := math.Sqrt(dist2(mr, rotate(m, a))); d > 1e-12 {
			t.Errorf("q=%v: rotation equivariance broken by %.2g", q, d)
		}
	}
}

// simpson integrates samples y on a uniform grid of step h (odd length).
func simpson(y []float64, h float64) float64 {
	n := len(y) - 1
	s := y[0] + y[n]
	for i := 1; i < n; i++ {
		s += float64(2+2*(i%2)) * y[i]
	}
	return s * h / 3
}

func TestPosteriorDensity(t *testing.T) {
	c := DefaultOpenCircle()
	const sigma = 0.1
	th, err := c.ArcAngles(100001)
	if err != nil {
		t.Fatal(err)
	}
	h := th[1] - th[0]
	for _, q := range randomQueries(c, 5, 8) {
		p, err := c.PosteriorDensity(q, sigma, th)
		if err != nil {
			t.Fatal(err)
		}
		px, py := make([]float64, len(th)), make([]float64, len(th))
		for i := range th {
			px[i], py[i] = p[i]*math.Cos(th[i]), p[i]*math.Sin(th[i])
		}
		if z := simpson(p, h); math.Abs(z-1) > 1e-9 {
			t.Errorf("q=%v: density integrates to %.12g", q, z)
		}
		m, _ := c.PosteriorMean(q, sigma)
		if d := math.Hypot(simpson(px, h)-m[0], simpson(py, h)-m[1]); d > 1e-9 {
			t.Errorf("q=%v: mean of the density differs from PosteriorMean by %.2g", q, d)
		}
	}
	p, _ := c.PosteriorDensity([2]float64{1, 0}, sigma, []float64{0, 0.1, -0.1, 2 * math.Pi})
	for i, v := range p {
		if v != 0 {
			t.Errorf("density in the gap: p[%d] = %g", i, v)
		}
	}
}

func TestNoisyDensity(t *testing.T) {
	// Full circle: p(q) = exp(-(r^2 + R^2) / (2 s^2)) I0(R r / s^2) / (2 pi s^2).
	// Check the ratio p(q) / p(q') of two points, where I0 comes from the series.
	logI0 := func(x float64) float64 {
		var s float64
		n := int(x/2+20*math.Sqrt(x)) + 50
		lmax := math.Inf(-1)
		lt := make([]float64, n)
		for k := range n {
			lg, _ := math.Lgamma(float64(k + 1))
			lt[k] = 2*float64(k)*math.Log(x/2) - 2*lg
			lmax = math.Max(lmax, lt[k])
		}
		for _, l := range lt {
			s += math.Exp(l - lmax)
		}
		return lmax + math.Log(s)
	}
	full := OpenCircle{Radius: 1.5, GapWidth: 0}
	for _, sigma := range []float64{0.05, 0.3} {
		for _, r := range []float64{0.2, 1.4, 1.5, 2} {
			got, _ := full.NoisyDensity([2]float64{0, r}, sigma)
			s2 := sigma * sigma
			want := math.Exp(-(r*r+2.25)/(2*s2)+logI0(1.5*r/s2)) / (2 * math.Pi * s2)
			if math.Abs(got/want-1) > 1e-11 {
				t.Errorf("full circle sigma=%g r=%g: density %.12g, closed form %.12g", sigma, r, got, want)
			}
		}
	}
	// Total mass 1 over the plane, for the open circle (polar Gauss-Legendre
	// in r on [0, R + 10 sigma], periodic trapezoid in angle).
	c := DefaultOpenCircle()
	const sigma = 0.1
	rmax := c.Radius + 10*sigma
	var mass float64
	const nr, na = 8, 256
	for pr := range nr {
		for i, x := range glNodes {
			r := rmax * (float64(pr) + 0.5 + 0.5*x) / nr
			wr := rmax / nr * 0.5 * glWeights[i] * r
			for k := range na {
				a := 2 * math.Pi * float64(k) / na
				p, _ := c.NoisyDensity([2]float64{r * math.Cos(a), r * math.Sin(a)}, sigma)
				mass += wr * 2 * math.Pi / na * p
			}
		}
	}
	if math.Abs(mass-1) > 1e-6 {
		t.Errorf("density of X~ integrates to %.9f", mass)
	}
}

func TestBimodalQuery(t *testing.T) {
	c := DefaultOpenCircle()
	const sigma = DefaultSigma
	q := c.BimodalQuery()
	if math.Sqrt(dist2(q, [2]float64{1, 0})) > 1e-15 {
		t.Fatalf("BimodalQuery = %v, want (1, 0) for the defaults", q)
	}
	// The density of theta over the arc has exactly two local maxima, at the ends.
	th, _ := c.ArcAngles(20001)
	p, _ := c.PosteriorDensity(q, sigma, th)
	var modes []float64
	for i := range p {
		left := i == 0 || p[i] > p[i-1]
		right := i == len(p)-1 || p[i] > p[i+1]
		if left && right {
			modes = append(modes, th[i])
		}
	}
	if len(modes) != 2 || modes[0] != th[0] || modes[1] != th[len(th)-1] {
		t.Errorf("modes of the posterior at the bimodal query: %v, want the two arc ends", modes)
	}
	// Each mode holds half the mass (symmetry), and the mass is concentrated
	// near the ends: 99% within 0.3 rad of them.
	h := th[1] - th[0]
	pUpper, pNear := make([]float64, len(p)), make([]float64, len(p))
	for i, v := range p {
		if math.Sin(th[i]) > 0 {
			pUpper[i] = v
		}
		if th[i]-th[0] < 0.3 || th[len(th)-1]-th[i] < 0.3 {
			pNear[i] = v
		}
	}
	upper, nearEnds := simpson(pUpper, h), simpson(pNear, h)
	if math.Abs(upper-0.5) > 1e-3 || nearEnds < 0.99 {
		t.Errorf("posterior mass: upper half %.4f (want 0.5), near the ends %.4f (want > 0.99)", upper, nearEnds)
	}
	// The posterior mean lies in the gap, far from the arc: > sigma away,
	// while for a query on the arc it is ~sigma^2/2 away.
	m, _ := c.PosteriorMean(q, sigma)
	d := c.DistanceToArc(m)
	if !c.InGap(math.Atan2(m[1], m[0])) || d < sigma {
		t.Errorf("E[X | X~=%v] = %v, distance to the arc %.4f: want in the gap and > sigma = %g", q, m, d, sigma)
	}
	mOn, _ := c.PosteriorMean([2]float64{-1, 0}, sigma)
	if dOn := c.DistanceToArc(mOn); dOn > sigma*sigma {
		t.Errorf("on-arc query: mean %.4f from the arc, want < sigma^2", dOn)
	}
	t.Logf("bimodal query %v: E[X|X~] = (%.4f, %.1g), distance to the arc %.4f = %.2f sigma", q, m[0], m[1], d, d/sigma)
	// Posterior samples: none near the mean, which is not a plausible X.
	xs, _ := c.PosteriorSample(q, sigma, 20000, 1)
	for _, x := range xs {
		if math.Sqrt(dist2(x, m)) < 0.9*d {
			t.Fatalf("posterior sample %v is close to the mean %v", x, m)
		}
	}
}

func TestPosteriorSample(t *testing.T) {
	const n = 100000
	for _, c := range testCircles[:2] {
		for _, sigma := range []float64{0.01, 0.1, 0.5} {
			for _, q := range randomQueries(c, 2, 9) {
				xs, err := c.PosteriorSample(q, sigma, n, 2)
				if err != nil {
					t.Fatal(err)
				}
				var mx, my meanVar
				for _, x := range xs {
					if math.Abs(math.Hypot(x[0], x[1])-c.Radius) > 1e-12 || c.InGap(math.Atan2(x[1], x[0])) {
						t.Fatalf("sample %v not on the arc", x)
					}
					mx.add(x[0])
					my.add(x[1])
				}
				m, _ := c.PosteriorMean(q, sigma)
				// Monte Carlo error plus the cells' discretisation (tiny).
				if math.Abs(mx.mean-m[0]) > 4.5*mx.stdErr()+1e-6 || math.Abs(my.mean-m[1]) > 4.5*my.stdErr()+1e-6 {
					t.Errorf("%+v sigma=%g q=%v: sample mean (%.5f, %.5f) +- (%.1g, %.1g), exact %v",
						c, sigma, q, mx.mean, my.mean, mx.stdErr(), my.stdErr(), m)
				}
			}
		}
	}
}

// diskExpectation returns P(|X~ - q| < eps) and E[X | |X~ - q| < eps], the
// quantities the rejection recipe estimates, by polar quadrature of the exact
// density of X~ and posterior mean over the disk.
func diskExpectation(c OpenCircle, q [2]float64, sigma, eps float64) (prob float64, mean [2]float64) {
	const na = 48
	for i, x := range glNodes {
		rho := eps * 0.5 * (1 + x)
		wr := eps * 0.5 * glWeights[i] * rho
		for k := range na {
			a := 2 * math.Pi * float64(k) / na
			p := [2]float64{q[0] + rho*math.Cos(a), q[1] + rho*math.Sin(a)}
			d, _ := c.NoisyDensity(p, sigma)
			m, _ := c.PosteriorMean(p, sigma)
			w := wr * 2 * math.Pi / na * d
			prob += w
			mean[0] += w * m[0]
			mean[1] += w * m[1]
		}
	}
	return prob, [2]float64{mean[0] / prob, mean[1] / prob}
}

func TestRejectionPosterior(t *testing.T) {
	c := DefaultOpenCircle()
	const sigma = DefaultSigma
	q := c.BimodalQuery()
	exact, _ := c.PosteriorMean(q, sigma)

	// The recipe's target E[X | |X~-q| < eps] tends to E[X | X~=q] as eps -> 0,
	// with a bias O(eps^2): halving eps divides it by ~4.
	var prev float64
	for i, eps := range []float64{0.2, 0.1, 0.05, 0.025} {
		_, m := diskExpectation(c, q, sigma, eps)
		bias := math.Sqrt(dist2(m, exact))
		if i > 0 && (bias > prev/3 || bias < prev/5) {
			t.Errorf("eps=%g: bias %.3g, previous %.3g: not O(eps^2)", eps, bias, prev)
		}
		prev = bias
	}
	if prev > 1e-3 {
		t.Errorf("bias at eps=0.025 is %.3g", prev)
	}

	// Monte Carlo: the kept count and mean match the exact disk quantities.
	for _, tc := range []struct {
		eps float64
		n   int
	}{{0.1, 1_000_000}, {0.05, 3_000_000}} {
		res, err := c.RejectionPosterior(q, sigma, tc.eps, tc.n, 12)
		if err != nil {
			t.Fatal(err)
		}
		prob, m := diskExpectation(c, q, sigma, tc.eps)
		k := float64(len(res.Kept))
		if sd := math.Sqrt(float64(tc.n) * prob); math.Abs(k-float64(tc.n)*prob) > 4.5*sd {
			t.Errorf("eps=%g: kept %d of %d, expected %.1f +- %.1f", tc.eps, len(res.Kept), tc.n, float64(tc.n)*prob, sd)
		}
		for j := range 2 {
			if math.Abs(res.Mean[j]-m[j]) > 4.5*res.StdErr[j] {
				t.Errorf("eps=%g: rejection mean %v +- %v, exact disk mean %v", tc.eps, res.Mean, res.StdErr, m)
			}
		}
		// And it agrees with the exact posterior mean within MC error + bias.
		bias := math.Sqrt(dist2(m, exact))
		if d := math.Sqrt(dist2(res.Mean, exact)); d > 4.5*math.Hypot(res.StdErr[0], res.StdErr[1])+bias {
			t.Errorf("eps=%g: rejection mean %v is %.3g from E[X|X~=q] = %v", tc.eps, res.Mean, d, exact)
		}
		t.Logf("eps=%g n=%d: kept %d, mean (%.4f, %.4f) +- (%.4f, %.4f); exact (%.4f, %.1g)",
			tc.eps, tc.n, len(res.Kept), res.Mean[0], res.Mean[1], res.StdErr[0], res.StdErr[1], exact[0], exact[1])
	}

	// The kept X are exactly the pairs of Pairs with the same seed that fall in the disk.
	cl, no, _ := c.Pairs(2000, sigma, 21)
	res, _ := c.RejectionPosterior([2]float64{0.5, 0.5}, sigma, 0.8, 2000, 21)
	var want [][2]float64
	for i := range no {
		if dist2(no[i], [2]float64{0.5, 0.5}) < 0.64 {
			want = append(want, cl[i])
		}
	}
	if len(want) != len(res.Kept) || len(want) == 0 {
		t.Fatalf("kept %d, want %d", len(res.Kept), len(want))
	}
	for i := range want {
		if want[i] != res.Kept[i] {
			t.Fatalf("kept[%d] = %v, want %v", i, res.Kept[i], want[i])
		}
	}

	// Errors and the empty case.
	if _, err := c.RejectionPosterior(q, sigma, 0, 10, 1); err == nil {
		t.Error("eps = 0 should fail")
	}
	if _, err := c.RejectionPosterior(q, sigma, 0.1, -1, 1); err == nil {
		t.Error("nPairs < 0 should fail")
	}
	if r, _ := c.RejectionPosterior([2]float64{50, 50}, sigma, 0.1, 100, 1); len(r.Kept) != 0 || !math.IsNaN(r.Mean[0]) {
		t.Errorf("far query: kept %d, mean %v; want none and NaN", len(r.Kept), r.Mean)
	}
}

func TestPosteriorMeanMSE(t *testing.T) {
	c := DefaultOpenCircle()
	const sigma = DefaultSigma
	r, err := c.PosteriorMeanMSE(sigma, 5000, 31)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", r)
	if math.Abs(r.Identity-2*sigma*sigma) > 4*r.IdentitySE {
		t.Errorf("identity MSE %g +- %g, want 2 sigma^2 = %g", r.Identity, r.IdentitySE, 2*sigma*sigma)
	}
	if math.Abs(r.Bayes-r.BayesRB) > 4*math.Hypot(r.BayesSE, r.BayesRBSE) {
		t.Errorf("Bayes risk: direct %g +- %g vs Rao-Blackwellised %g +- %g", r.Bayes, r.BayesSE, r.BayesRB, r.BayesRBSE)
	}
	if r.Bayes+4*r.BayesSE > r.Identity-4*r.IdentitySE {
		t.Errorf("Bayes MSE %g not below the identity's %g", r.Bayes, r.Identity)
	}
	// For small sigma the optimal denoiser removes the radial noise only: the
	// tangential component (variance sigma^2) remains, so the Bayes risk is
	// ~sigma^2, half the identity's.
	full := OpenCircle{Radius: 1, GapWidth: 0}
	rs, _ := full.PosteriorMeanMSE(0.02, 2000, 32)
	if ratio := rs.BayesRB / (0.02 * 0.02); math.Abs(ratio-1) > 0.01 {
		t.Errorf("full circle sigma=0.02: Bayes risk / sigma^2 = %.4f, want ~1", ratio)
	}
	if _, err := c.PosteriorMeanMSE(sigma, 1, 1); err == nil {
		t.Error("n = 1 should fail")
	}
	if _, err := c.PosteriorMeanMSE(-1, 10, 1); err == nil {
		t.Error("sigma < 0 should fail")
	}
}

func TestPosteriorErrors(t *testing.T) {
	c := DefaultOpenCircle()
	if _, err := c.PosteriorMean([2]float64{math.NaN(), 0}, 0.1); err == nil {
		t.Error("NaN query should fail")
	}
	if _, err := c.PosteriorMean([2]float64{1, 0}, 0); err == nil {
		t.Error("sigma = 0 should fail")
	}
	if _, err := (OpenCircle{}).PosteriorMean([2]float64{1, 0}, 0.1); err == nil {
		t.Error("zero OpenCircle should fail")
	}
	if _, err := c.PosteriorSample([2]float64{1, 0}, 0.1, -1, 1); err == nil {
		t.Error("n < 0 should fail")
	}
	if _, err := c.ArcAngles(1); err == nil {
		t.Error("ArcAngles(1) should fail")
	}
	if _, err := c.PosteriorMeans([][2]float64{{0, 0}, {math.Inf(1), 0}}, 0.1); err == nil {
		t.Error("PosteriorMeans with an infinite point should fail")
	}
	if risk, _ := c.PosteriorRisk([2]float64{0, 0}, 0.1); risk <= 0 || risk >= 1 {
		t.Errorf("PosteriorRisk at the origin = %g, want in (0, 1)", risk)
	}
}
