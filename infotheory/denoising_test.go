package infotheory_test

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/dlc-go/denoising/infotheory"
	"gonum.org/v1/gonum/mat"
)

// I(X; X + N) with N ~ N(0, v I) grows without bound as v -> 0, like
// d/2 log(1/v) + 1/2 log det SigmaX; and agrees with the Channel formula.
func TestIdentityMI(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	d := 3
	sx := randSPD(rng, d, 0.1)
	prev := -1.0
	for _, v := range []float64{10, 1, 0.1, 1e-2, 1e-4, 1e-6, 1e-8} {
		mi, err := infotheory.IdentityMI(sx, v)
		if err != nil {
			t.Fatal(err)
		}
		if !(mi > prev) {
			t.Errorf("v = %g: I = %g did not grow (previous %g)", v, mi, prev)
		}
		prev = mi
		ident := mat.NewDense(d, d, nil)
		sn := mat.NewSymDense(d, nil)
		for i := range d {
			ident.Set(i, i, 1)
			sn.SetSym(i, i, v)
		}
		c, err := infotheory.NewChannel(make([]float64, d), sx, ident, sn)
		if err != nil {
			t.Fatal(err)
		}
		if !near(mi, c.MutualInformation(), 1e-8) {
			t.Errorf("v = %g: IdentityMI %g, Channel %g", v, mi, c.MutualInformation())
		}
	}
	v := 1e-8
	mi, _ := infotheory.IdentityMI(sx, v)
	asym := float64(d)/2*math.Log(1/v) + 0.5*math.Log(mat.Det(sx))
	if math.Abs(mi-asym) > 1e-5 {
		t.Errorf("v = %g: I = %g, asymptote %g", v, mi, asym)
	}
	if _, err := infotheory.IdentityMI(sx, 0); err == nil {
		t.Error("zero noise accepted")
	}
}

// daeFixture is a covariance with well separated eigenvalues.
func daeFixture(t *testing.T) ([]float64, *mat.SymDense) {
	t.Helper()
	rng := rand.New(rand.NewPCG(2, 2))
	return randVec(rng, 5), randSPD(rng, 5, 0.05)
}

// The closed-form optimum: its error matches DenoisingError of its own map and
// the eigenvalue formula; its code spans the top-k PCA subspace; it beats PCA
// on noisy input and tends to clean PCA as s -> 0; with k = d it is the
// Wiener filter SigmaX (SigmaX + s^2 I)^-1, not the identity.
func TestOptimalLinearDAE(t *testing.T) {
	mu, sx := daeFixture(t)
	d := len(mu)
	// Independent eigenvalues, via mat.EigenSym directly.
	var eig mat.EigenSym
	eig.Factorize(sx, true)
	lam := eig.Values(nil)
	sort.Sort(sort.Reverse(sort.Float64Slice(lam)))
	for _, s2 := range []float64{0.3, 1, 4} {
		for k := 1; k <= d; k++ {
			dae, err := infotheory.OptimalLinearDAE(mu, sx, s2, k)
			if err != nil {
				t.Fatal(err)
			}
			var want, pca float64
			for i, l := range lam {
				if i < k {
					want += l * s2 / (l + s2)
					pca += s2
				} else {
					want += l
					pca += l
				}
			}
			got, err := infotheory.DenoisingError(mu, sx, s2, dae.Map, dae.Bias)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got, want, 1e-9) || !near(dae.Error, want, 1e-9) || !near(dae.PCAError, pca, 1e-9) {
				t.Errorf("s2=%g k=%d: error %g (field %g), want %g; PCA %g want %g", s2, k, got, dae.Error, want, dae.PCAError, pca)
			}
			if !(dae.Error < dae.PCAError) {
				t.Errorf("s2=%g k=%d: DAE error %g not below PCA-on-noisy %g", s2, k, dae.Error, dae.PCAError)
			}
			// PCA on noisy input, evaluated by DenoisingError.
			var proj mat.Dense
			proj.Mul(dae.Encoder.T(), dae.Encoder)
			pbias := make([]float64, d)
			pm := mulVecT(&proj, mu)
			for i := range d {
				pbias[i] = mu[i] - pm[i]
			}
			if gotPCA, _ := infotheory.DenoisingError(mu, sx, s2, &proj, pbias); !near(gotPCA, pca, 1e-9) {
				t.Errorf("s2=%g k=%d: PCA error %g, want %g", s2, k, gotPCA, pca)
			}
			// Code subspace = top-k eigenvectors: SigmaX U_k = U_k diag(lambda).
			var su mat.Dense
			su.Mul(sx, dae.Encoder.T())
			for j := range k {
				for i := range d {
					if math.Abs(su.At(i, j)-lam[j]*dae.Encoder.At(j, i)) > 1e-9 {
						t.Fatalf("s2=%g k=%d: encoder row %d is not the eigenvector of lambda=%g", s2, k, j, lam[j])
					}
				}
			}
			if k == d {
				// Wiener filter.
				noisy := mat.NewSymDense(d, nil)
				noisy.CopySym(sx)
				for i := range d {
					noisy.SetSym(i, i, noisy.At(i, i)+s2)
				}
				var inv, w mat.Dense
				inv.Inverse(noisy)
				w.Mul(sx, &inv)
				if !mat.EqualApprox(&w, dae.Map, 1e-9) {
					t.Errorf("s2=%g: full-rank DAE is not the Wiener filter", s2)
				}
			}
		}
	}
	// s -> 0: both errors tend to clean PCA.
	dae, _ := infotheory.OptimalLinearDAE(mu, sx, 1e-9, 2)
	if !near(dae.Error, dae.CleanPCAError, 1e-6) || !near(dae.PCAError, dae.CleanPCAError, 1e-6) {
		t.Errorf("s->0: DAE %g, PCA %g, clean PCA %g", dae.Error, dae.PCAError, dae.CleanPCAError)
	}
	for _, bad := range []int{0, d + 1} {
		if _, err := infotheory.OptimalLinearDAE(mu, sx, 1, bad); err == nil {
			t.Errorf("k = %d accepted", bad)
		}
	}
}

func mulVecT(m mat.Matrix, v []float64) []float64 {
	r, _ := m.Dims()
	var out mat.VecDense
	out.MulVec(m, mat.NewVecDense(len(v), v))
	return out.RawVector().Data[:r]
}

// No rank-k linear denoiser beats the closed form: gradient descent on
// X^ = V W X~ + c (W: [k, d], V: [d, k]) from random starts converges to the
// same error, and random rank-k maps are worse.
func TestLinearDAEGradientDescent(t *testing.T) {
	mu, sx := daeFixture(t)
	d, k, s2 := len(mu), 2, 0.5
	dae, err := infotheory.OptimalLinearDAE(mu, sx, s2, k)
	if err != nil {
		t.Fatal(err)
	}
	noisy := mat.NewDense(d, d, nil)
	noisy.Copy(sx)
	for i := range d {
		noisy.Set(i, i, noisy.At(i, i)+s2)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	lr := 0.2 / mat.Norm(noisy, 2)
	for start := range 3 {
		w := scaled(randDense(rng, k, d), 0.3)
		v := scaled(randDense(rng, d, k), 0.3)
		var m, g, gw, gv mat.Dense
		for range 20000 {
			// dL/dM = 2 (M (SigmaX + s^2 I) - SigmaX) with the optimal bias.
			m.Mul(v, w)
			g.Mul(&m, noisy)
			g.Sub(&g, sx)
			g.Scale(2, &g)
			gv.Mul(&g, w.T())
			gw.Mul(v.T(), &g)
			gv.Scale(lr, &gv)
			v.Sub(v, &gv)
			gw.Scale(lr, &gw)
			w.Sub(w, &gw)
		}
		m.Mul(v, w)
		c := make([]float64, d)
		mm := mulVecT(&m, mu)
		for i := range d {
			c[i] = mu[i] - mm[i]
		}
		got, _ := infotheory.DenoisingError(mu, sx, s2, &m, c)
		if got < dae.Error-1e-9 || !near(got, dae.Error, 1e-6) {
			t.Errorf("start %d: gradient descent reached %g, closed form %g", start, got, dae.Error)
		}
	}
	for range 200 {
		m := mat.NewDense(d, d, nil)
		m.Mul(randDense(rng, d, k), randDense(rng, k, d))
		m.Scale(0.2, m)
		c := randVec(rng, d)
		if e, _ := infotheory.DenoisingError(mu, sx, s2, m, c); e < dae.Error {
			t.Fatalf("random rank-%d map has error %g < optimum %g", k, e, dae.Error)
		}
	}
}

// DenoisingError agrees with a Monte Carlo estimate from samples of (X, X~).
func TestDenoisingErrorMonteCarlo(t *testing.T) {
	mu, sx := daeFixture(t)
	d, s2 := len(mu), 0.7
	dae, _ := infotheory.OptimalLinearDAE(mu, sx, s2, 2)
	// Sample X = mu + L e with L the Cholesky factor of SigmaX.
	var ch mat.Cholesky
	ch.Factorize(sx)
	var l mat.TriDense
	ch.LTo(&l)
	rng := rand.New(rand.NewPCG(8, 8))
	n := 20000
	errs := make([]float64, n)
	for s := range n {
		x := mulVecT(&l, randVec(rng, d))
		xt := make([]float64, d)
		for i := range d {
			x[i] += mu[i]
			xt[i] = x[i] + math.Sqrt(s2)*rng.NormFloat64()
		}
		xh := mulVecT(dae.Map, xt)
		for i := range d {
			r := x[i] - xh[i] - dae.Bias[i]
			errs[s] += r * r
		}
	}
	var m, v float64
	for _, e := range errs {
		m += e
	}
	m /= float64(n)
	for _, e := range errs {
		v += (e - m) * (e - m)
	}
	se := math.Sqrt(v / float64(n-1) / float64(n))
	if math.Abs(m-dae.Error) > 4*se {
		t.Errorf("MC error %g ± %g, closed form %g", m, se, dae.Error)
	}
}
