package sdae

import (
	"math"
	"math/rand/v2"
	"testing"
)

// WhitenImage on white noise: the radial power spectrum of the output is
// the input's (sigma^2) times R(f)^2, the closed form of the filter; R(0)
// = 0 removes the mean; bad input is an error.
func TestWhitenImageSpectrum(t *testing.T) {
	const h, w, f0 = 96, 128, 0.3
	rng := rand.New(rand.NewPCG(7, 7))
	pix := make([]float32, h*w)
	for i := range pix {
		pix[i] = float32(5 + 2*rng.NormFloat64()) // variance 4, mean 5
	}
	out, err := WhitenImage(pix, h, w, f0)
	if err != nil {
		t.Fatal(err)
	}
	m := 0.0
	for _, v := range out {
		m += float64(v)
	}
	if m /= h * w; math.Abs(m) > 1e-4 {
		t.Errorf("mean after whitening %g, want 0 (R(0) = 0)", m)
	}
	// The output's DFT is R(f) times the input's, so in each narrow radial
	// bin the power ratio output/input is a power-weighted mean of R^2 over
	// the bin, within a few per cent of R(mean f)^2 where R^2 changes
	// little across the bin (the lowest bins, where R^2 ~ f^2 doubles, are
	// skipped).
	const nb = 50
	p, f, err := RadialPowerSpectrum(out, h, w, nb)
	if err != nil {
		t.Fatal(err)
	}
	p0, _, _ := RadialPowerSpectrum(pix, h, w, nb)
	for b := 5; b < 45; b++ { // R^2 falls steeply beyond f = 0.45
		want := WhiteningFilter(f[b], f0) * WhiteningFilter(f[b], f0)
		if got := p[b] / p0[b]; math.Abs(got-want) > 0.05*want {
			t.Errorf("bin %d (f ~ %.3f): power ratio %g, want R(f)^2 = %g", b, f[b], got, want)
		}
	}
	// And the input, white noise of variance 4, has a flat spectrum at 4.
	for b := 5; b < nb; b += 10 {
		if math.Abs(p0[b]-4) > 1.2 {
			t.Errorf("white noise: bin %d power %g, want ~4", b, p0[b])
		}
	}
	if r := WhiteningFilter(f0/math.Pow(4, 0.25), f0); !(r > WhiteningFilter(0.5*f0, f0) && r > WhiteningFilter(f0, f0)) {
		t.Error("R is not largest at f0 / 4^(1/4)")
	}
	if _, err := WhitenImage(pix[:10], h, w, f0); err == nil {
		t.Error("wrong size: no error")
	}
	if _, err := WhitenImage(pix, h, w, 0); err == nil {
		t.Error("f0 = 0: no error")
	}
}

// FastICA unmixes a random mixture of independent Laplacian sources: the
// product Filters Basis_true is a scaled permutation (each row has one
// entry holding almost all of its energy), and Filters Basis = I.
func TestFastICAUnmixes(t *testing.T) {
	const n, d = 8000, 6
	rng := rand.New(rand.NewPCG(11, 3))
	a := make([]float64, d*d)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	x := make([]float32, n*d)
	for r := 0; r < n; r++ {
		var s [d]float64
		for j := range s {
			s[j] = rng.ExpFloat64() * float64(1-2*rng.IntN(2)) // Laplacian
		}
		for i := 0; i < d; i++ {
			v := 0.0
			for j := 0; j < d; j++ {
				v += a[i*d+j] * s[j]
			}
			x[r*d+i] = float32(v + 3)
		}
	}
	ica, err := FastICA(x, d, d, 200, 1e-6, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !ica.Converged {
		t.Errorf("did not converge in %d iterations", ica.Iterations)
	}
	for i := 0; i < d; i++ {
		if math.Abs(ica.Mean[i]-3) > 0.2 {
			t.Errorf("mean[%d] = %g, want ~3", i, ica.Mean[i])
		}
		var row [d]float64
		tot, mx := 0.0, 0.0
		for j := 0; j < d; j++ {
			for k := 0; k < d; k++ {
				row[j] += ica.Filters[i*d+k] * a[k*d+j]
			}
			tot += row[j] * row[j]
			mx = max(mx, row[j]*row[j])
		}
		if mx < 0.98*tot {
			t.Errorf("component %d mixes sources: W A row %v", i, row)
		}
		for j := 0; j < d; j++ {
			fb := 0.0
			for k := 0; k < d; k++ {
				fb += ica.Filters[i*d+k] * ica.Basis[k*d+j]
			}
			if want := float64(map[bool]int{true: 1}[i == j]); math.Abs(fb-want) > 1e-6 {
				t.Errorf("(Filters Basis)[%d,%d] = %g, want %g", i, j, fb, want)
			}
		}
	}
	if _, err := FastICA(x, d, d+1, 10, 1e-4, 1); err == nil {
		t.Error("k > d: no error")
	}
}
