package infotheory_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dlc-go/denoising/infotheory"
	"gonum.org/v1/gonum/mat"
)

// randSPD returns G G^T + eps I for a random [n, n] G: symmetric positive definite.
func randSPD(rng *rand.Rand, n int, eps float64) *mat.SymDense {
	g := randDense(rng, n, n)
	var gg mat.Dense
	gg.Mul(g, g.T())
	s := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (gg.At(i, j)+gg.At(j, i))/2)
		}
		s.SetSym(i, i, s.At(i, i)+eps)
	}
	return s
}

func randDense(rng *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := range r {
		for j := range c {
			m.Set(i, j, rng.NormFloat64())
		}
	}
	return m
}

func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// testChannel returns a random channel with d = 4, k = 3 (a compressing encoder).
func testChannel(t *testing.T, seed uint64) *infotheory.Channel {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	d, k := 4, 3
	c, err := infotheory.NewChannel(randVec(rng, d), randSPD(rng, d, 0.3), randDense(rng, k, d), randSPD(rng, k, 0.2))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// badDecoder returns an isotropic decoder far from the posterior mean.
func badDecoder(rng *rand.Rand, d, k int) infotheory.Decoder {
	return infotheory.Decoder{B: randDense(rng, d, k), Bias: randVec(rng, d), Sigma2: 2}
}

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// The scalar Gaussian channel Z = a X + N: I = 1/2 log(1 + snr), snr = a^2 s^2 / n^2.
func TestScalarChannel(t *testing.T) {
	for _, tc := range []struct{ a, s2, n2 float64 }{{1, 1, 1}, {2, 0.5, 0.1}, {0.3, 4, 2}} {
		c, err := infotheory.NewChannel([]float64{0.7},
			mat.NewSymDense(1, []float64{tc.s2}), mat.NewDense(1, 1, []float64{tc.a}), mat.NewSymDense(1, []float64{tc.n2}))
		if err != nil {
			t.Fatal(err)
		}
		snr := tc.a * tc.a * tc.s2 / tc.n2
		if got, want := c.MutualInformation(), 0.5*math.Log1p(snr); !near(got, want, 1e-12) {
			t.Errorf("%+v: I = %g, want 1/2 log(1+snr) = %g", tc, got, want)
		}
		if got, want := c.EntropyX(), 0.5*math.Log(2*math.Pi*math.E*tc.s2); !near(got, want, 1e-12) {
			t.Errorf("%+v: H(X) = %g, want %g", tc, got, want)
		}
		// Posterior variance s^2 n^2 / (a^2 s^2 + n^2), posterior gain a s^2 / (a^2 s^2 + n^2).
		p := c.Posterior()
		den := tc.a*tc.a*tc.s2 + tc.n2
		if got, want := p.Cov.At(0, 0), tc.s2*tc.n2/den; !near(got, want, 1e-12) {
			t.Errorf("%+v: posterior variance %g, want %g", tc, got, want)
		}
		if got, want := p.B.At(0, 0), tc.a*tc.s2/den; !near(got, want, 1e-12) {
			t.Errorf("%+v: posterior gain %g, want %g", tc, got, want)
		}
		if got, want := c.ConditionalEntropy(), c.EntropyX()-c.MutualInformation(); !near(got, want, 1e-12) {
			t.Errorf("%+v: H(X|Z) = %g, want H(X) - I = %g", tc, got, want)
		}
	}
}

// The posterior from the covariance (Schur complement) form equals the one
// from the information form: P^-1 = SigmaX^-1 + A^T SigmaN^-1 A,
// mean = P (SigmaX^-1 mu + A^T SigmaN^-1 z). And I = 1/2 log det SigmaX - 1/2 log det P
// (matrix determinant lemma) equals the channel formula.
func TestPosteriorInformationForm(t *testing.T) {
	for seed := range uint64(5) {
		c := testChannel(t, seed)
		d, k := c.Dims()
		var sxInv, snInv mat.Dense
		if err := sxInv.Inverse(c.SigmaX); err != nil {
			t.Fatal(err)
		}
		if err := snInv.Inverse(c.SigmaN); err != nil {
			t.Fatal(err)
		}
		var prec, atsa mat.Dense
		atsa.Product(c.A.T(), &snInv, c.A)
		prec.Add(&sxInv, &atsa)
		var pCov mat.Dense
		if err := pCov.Inverse(&prec); err != nil {
			t.Fatal(err)
		}
		post := c.Posterior()
		if !mat.EqualApprox(&pCov, post.Cov, 1e-9) {
			t.Fatalf("seed %d: posterior covariance differs from the information form:\n%v\n%v",
				seed, mat.Formatted(&pCov), mat.Formatted(post.Cov))
		}
		rng := rand.New(rand.NewPCG(seed, 9))
		z := randVec(rng, k)
		var h1, h2 mat.VecDense
		h1.MulVec(&sxInv, mat.NewVecDense(d, c.Mu))
		var atsn mat.Dense
		atsn.Mul(c.A.T(), &snInv)
		h2.MulVec(&atsn, mat.NewVecDense(k, z))
		h1.AddVec(&h1, &h2)
		var mean mat.VecDense
		mean.MulVec(&pCov, &h1)
		got := post.Mean(z)
		for i := range d {
			if !near(got[i], mean.AtVec(i), 1e-9) {
				t.Fatalf("seed %d: posterior mean %v, information form %v", seed, got, mean.RawVector().Data)
			}
		}
		detP := mat.Det(&pCov)
		if got, want := c.MutualInformation(), 0.5*math.Log(mat.Det(c.SigmaX))-0.5*math.Log(detP); !near(got, want, 1e-9) {
			t.Errorf("seed %d: I = %g, 1/2 log(det SigmaX / det P) = %g", seed, got, want)
		}
		if c.MutualInformation() <= 0 {
			t.Errorf("seed %d: I = %g, want > 0", seed, c.MutualInformation())
		}
	}
}

// For any decoder, Gap (from the Gaussian KL) = I - Bound (from the expected
// squared error), Gap >= 0; for a decoder with fixed sigma, E log p =
// -MSE/(2 sigma^2) - d/2 log(2 pi sigma^2).
func TestBoundAndGap(t *testing.T) {
	for seed := range uint64(5) {
		c := testChannel(t, seed)
		d, k := c.Dims()
		rng := rand.New(rand.NewPCG(seed, 2))
		decs := []infotheory.Decoder{badDecoder(rng, d, k), c.OptimalDecoder(false), c.OptimalDecoder(true)}
		full := badDecoder(rng, d, k)
		full.Cov = randSPD(rng, d, 0.5)
		decs = append(decs, full)
		for i, dec := range decs {
			bound, err := c.Bound(dec)
			if err != nil {
				t.Fatal(err)
			}
			gap, err := c.Gap(dec)
			if err != nil {
				t.Fatal(err)
			}
			if !near(gap, c.MutualInformation()-bound, 1e-9) {
				t.Errorf("seed %d decoder %d: gap %g != I - bound = %g", seed, i, gap, c.MutualInformation()-bound)
			}
			if gap < -1e-10 {
				t.Errorf("seed %d decoder %d: negative gap %g", seed, i, gap)
			}
			if dec.Cov == nil {
				mse, err := c.ExpectedSquaredError(dec)
				if err != nil {
					t.Fatal(err)
				}
				ll, _ := c.ExpectedLogLikelihood(dec)
				want := -mse/(2*dec.Sigma2) - float64(d)/2*math.Log(2*math.Pi*dec.Sigma2)
				if !near(ll, want, 1e-12) {
					t.Errorf("seed %d decoder %d: E log p = %g, want %g", seed, i, ll, want)
				}
			}
		}
	}
}

// The optimal full-covariance decoder closes the gap; the isotropic one leaves
// 1/2 (d log(trace P / d) - log det P); and any perturbation lowers the bound.
func TestOptimalDecoder(t *testing.T) {
	for seed := range uint64(5) {
		c := testChannel(t, seed)
		d, k := c.Dims()
		full := c.OptimalDecoder(true)
		gap, err := c.Gap(full)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(gap) > 1e-10 {
			t.Errorf("seed %d: full optimal gap %g, want 0", seed, gap)
		}
		bound, _ := c.Bound(full)
		if !near(bound, c.MutualInformation(), 1e-10) {
			t.Errorf("seed %d: full optimal bound %g != I %g", seed, bound, c.MutualInformation())
		}
		iso := c.OptimalDecoder(false)
		gapIso, _ := c.Gap(iso)
		p := c.Posterior().Cov
		wantIso := 0.5 * (float64(d)*math.Log(mat.Trace(p)/float64(d)) - math.Log(mat.Det(p)))
		if !near(gapIso, wantIso, 1e-9) || wantIso <= 0 {
			t.Errorf("seed %d: isotropic optimal gap %g, want %g > 0", seed, gapIso, wantIso)
		}
		bIso, _ := c.Bound(iso)
		rng := rand.New(rand.NewPCG(seed, 3))
		for range 20 {
			pert := infotheory.Decoder{B: mat.DenseCopyOf(iso.B), Bias: append([]float64(nil), iso.Bias...), Sigma2: iso.Sigma2}
			pert.B.Add(pert.B, scaled(randDense(rng, d, k), 0.05))
			for i := range pert.Bias {
				pert.Bias[i] += 0.05 * rng.NormFloat64()
			}
			pert.Sigma2 *= math.Exp(0.1 * rng.NormFloat64())
			b, _ := c.Bound(pert)
			if b >= bIso {
				t.Errorf("seed %d: perturbed decoder bound %g >= optimal isotropic %g", seed, b, bIso)
			}
		}
	}
}

func scaled(m *mat.Dense, f float64) *mat.Dense {
	m.Scale(f, m)
	return m
}

// Along the path from a bad decoder to the optimal one, the squared error falls
// and the bound rises monotonically; the full path ends at I(X;Z).
func TestDecoderPath(t *testing.T) {
	c := testChannel(t, 7)
	d, k := c.Dims()
	rng := rand.New(rand.NewPCG(7, 4))
	bad := badDecoder(rng, d, k)
	I := c.MutualInformation()
	for _, mode := range []infotheory.PathMode{infotheory.PathFixedSigma, infotheory.PathIsotropic, infotheory.PathFull} {
		path, err := c.DecoderPath(bad, 20, mode)
		if err != nil {
			t.Fatal(err)
		}
		if len(path) != 21 || path[0].T != 0 || path[20].T != 1 {
			t.Fatalf("mode %d: path has %d points from t=%g to %g", mode, len(path), path[0].T, path[len(path)-1].T)
		}
		for i := 1; i < len(path); i++ {
			if !(path[i].Bound > path[i-1].Bound) || !(path[i].SquaredError < path[i-1].SquaredError) {
				t.Errorf("mode %d: not monotone at t=%g: bound %g -> %g, mse %g -> %g", mode, path[i].T,
					path[i-1].Bound, path[i].Bound, path[i-1].SquaredError, path[i].SquaredError)
			}
			if path[i].Bound > I+1e-10 || !near(path[i].Gap, I-path[i].Bound, 1e-9) {
				t.Errorf("mode %d, t=%g: bound %g, gap %g, I %g", mode, path[i].T, path[i].Bound, path[i].Gap, I)
			}
		}
		end := path[20]
		switch mode {
		case infotheory.PathFull:
			if math.Abs(end.Gap) > 1e-10 {
				t.Errorf("full path ends with gap %g, want 0", end.Gap)
			}
		case infotheory.PathIsotropic:
			want, _ := c.Bound(c.OptimalDecoder(false))
			if !near(end.Bound, want, 1e-10) {
				t.Errorf("isotropic path ends at %g, want the optimal isotropic bound %g", end.Bound, want)
			}
		}
		if want := mat.Trace(c.Posterior().Cov); !near(end.SquaredError, want, 1e-10) {
			t.Errorf("mode %d: path ends with MSE %g, want trace(P) = %g", mode, end.SquaredError, want)
		}
	}
}

// Monte Carlo estimates agree with the closed forms within 4 standard errors.
func TestMonteCarlo(t *testing.T) {
	for seed := range uint64(3) {
		c := testChannel(t, seed)
		d, k := c.Dims()
		rng := rand.New(rand.NewPCG(seed, 5))
		for i, dec := range []infotheory.Decoder{badDecoder(rng, d, k), c.OptimalDecoder(false)} {
			mc, err := c.MonteCarlo(dec, 20000, 100+seed)
			if err != nil {
				t.Fatal(err)
			}
			bound, _ := c.Bound(dec)
			gap, _ := c.Gap(dec)
			ll, _ := c.ExpectedLogLikelihood(dec)
			mse, _ := c.ExpectedSquaredError(dec)
			for _, q := range []struct {
				name string
				est  infotheory.Estimate
				want float64
			}{
				{"H(X)", mc.EntropyX, c.EntropyX()},
				{"E log q", mc.ExpectedLogPosterior, c.ExpectedLogPosterior()},
				{"I(X;Z)", mc.MutualInformation, c.MutualInformation()},
				{"E log p", mc.ExpectedLogLikelihood, ll},
				{"bound", mc.Bound, bound},
				{"gap", mc.Gap, gap},
				{"MSE", mc.SquaredError, mse},
			} {
				if !q.est.Agrees(q.want, 4) || q.est.StdErr <= 0 {
					t.Errorf("seed %d decoder %d: MC %s = %v, closed form %g", seed, i, q.name, q.est, q.want)
				}
			}
		}
	}
}

// Sample is deterministic per seed and has the channel's moments.
func TestSample(t *testing.T) {
	c := testChannel(t, 11)
	x1, z1, err := c.Sample(500, 3)
	if err != nil {
		t.Fatal(err)
	}
	x2, z2, _ := c.Sample(500, 3)
	x3, _, _ := c.Sample(500, 4)
	if !mat.Equal(x1, x2) || !mat.Equal(z1, z2) {
		t.Error("same seed gave different samples")
	}
	if mat.Equal(x1, x3) {
		t.Error("different seeds gave the same samples")
	}
	if _, _, err := c.Sample(0, 1); err == nil {
		t.Error("Sample(0) did not fail")
	}
}

func TestNewChannelErrors(t *testing.T) {
	id2 := mat.NewSymDense(2, []float64{1, 0, 0, 1})
	a := mat.NewDense(2, 2, []float64{1, 0, 0, 1})
	cases := map[string]func() error{
		"empty mu":   func() error { _, err := infotheory.NewChannel(nil, id2, a, id2); return err },
		"SigmaX dim": func() error { _, err := infotheory.NewChannel([]float64{0, 0, 0}, id2, a, id2); return err },
		"A cols": func() error {
			_, err := infotheory.NewChannel([]float64{0, 0}, id2, mat.NewDense(2, 3, nil), id2)
			return err
		},
		"not PD": func() error {
			_, err := infotheory.NewChannel([]float64{0, 0}, mat.NewSymDense(2, []float64{1, 2, 2, 1}), a, id2)
			return err
		},
		"zero noise": func() error {
			_, err := infotheory.NewChannel([]float64{0, 0}, id2, a, mat.NewSymDense(2, nil))
			return err
		},
		"NaN mu": func() error { _, err := infotheory.NewChannel([]float64{math.NaN(), 0}, id2, a, id2); return err },
	}
	for name, f := range cases {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
	c, err := infotheory.NewChannel([]float64{0, 0}, id2, a, id2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Bound(infotheory.Decoder{B: mat.NewDense(2, 2, nil), Bias: []float64{0, 0}}); err == nil {
		t.Error("decoder with Sigma2 = 0 accepted")
	}
	if _, err := c.Gap(infotheory.Decoder{B: mat.NewDense(3, 2, nil), Bias: []float64{0, 0}, Sigma2: 1}); err == nil {
		t.Error("decoder with wrong B shape accepted")
	}
	if _, err := c.DecoderPath(c.OptimalDecoder(true), 5, infotheory.PathFixedSigma); err == nil {
		t.Error("PathFixedSigma from a full-covariance decoder accepted")
	}
}
