package sdae

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFilterMeasures scores synthetic 12x12 filters: a Gabor is localised,
// oriented and fitted (FVE ~1); white noise is neither; an isotropic
// Gaussian blob is localised but not oriented; a plane wave is oriented but
// not localised.
func TestFilterMeasures(t *testing.T) {
	const side, radius = PatchSide, 3.0
	gabor := Gabor{X0: 5.3, Y0: 6.1, Theta: 0.6, Freq: 0.2, SigmaU: 2.2, SigmaV: 2.8, Phase: 0.4, Amplitude: 1.5}.Render(side)
	blob := Gabor{X0: 5.5, Y0: 5.5, SigmaU: 1.8, SigmaV: 1.8, Amplitude: 1}.Render(side)
	wave := Gabor{X0: 5.5, Y0: 5.5, Theta: 1.1, Freq: 0.25, SigmaU: 1e6, SigmaV: 1e6, Amplitude: 1}.Render(side)
	rng := rand.New(rand.NewPCG(9, 9))
	noise := make([]float64, side*side)
	for i := range noise {
		noise[i] = rng.NormFloat64()
	}
	for _, c := range []struct {
		name         string
		f            []float64
		loc, ori     bool
		fitLo, fitHi float64
	}{
		{"gabor", gabor, true, true, 0.999, 1},
		{"blob", blob, true, false, 0.99, 1},
		{"wave", wave, false, true, 0.99, 1},
		{"noise", noise, false, false, 0, 0.5},
	} {
		l, err := Localization(c.f, side, radius)
		if err != nil {
			t.Fatal(err)
		}
		r, ang, err := OrientationSelectivity(c.f, side)
		if err != nil {
			t.Fatal(err)
		}
		_, fve, err := FitGabor(c.f, side)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-5s localisation %.3f, orientation %.3f (angle %.2f), Gabor FVE %.4f", c.name, l, r, ang, fve)
		if c.loc != (l > 0.7) || (!c.loc && l > 0.4) {
			t.Errorf("%s: localisation %.3f", c.name, l)
		}
		if c.ori != (r > 0.6) || (!c.ori && r > 0.3) {
			t.Errorf("%s: orientation selectivity %.3f", c.name, r)
		}
		if fve < c.fitLo || fve > c.fitHi {
			t.Errorf("%s: Gabor FVE %.4f, want in [%g, %g]", c.name, fve, c.fitLo, c.fitHi)
		}
	}
	// The wave's preferred direction is its Theta (mod pi).
	if _, ang, _ := OrientationSelectivity(wave, side); math.Abs(ang-1.1) > 0.15 {
		t.Errorf("wave angle %.3f, want 1.1", ang)
	}
	st, err := AnalyzeFilters([]float32{1, 2, 3, 4, 4, 3, 2, 1}, 2, 1, false)
	if err != nil || len(st) != 2 || !math.IsNaN(st[0].GaborFVE) {
		t.Errorf("AnalyzeFilters: %v, %v", st, err)
	}
	if _, err := AnalyzeFilters(make([]float32, 10), 3, 1, false); err == nil {
		t.Error("ragged filters: no error")
	}
}

// TestPreprocessPatches checks per-patch zero mean and unit overall
// variance, and that ZCA (eps = 0) makes the covariance of correlated
// patches the identity while being symmetric.
func TestPreprocessPatches(t *testing.T) {
	const n, side = 4000, 3
	const d = side * side
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*d)
	for i := 0; i < n; i++ {
		base := rng.NormFloat64()
		for k := 0; k < d; k++ {
			x[i*d+k] = float32(3 + base + 0.3*float64(k)*rng.NormFloat64())
		}
	}
	for _, method := range []Preprocess{PreprocessUnitVariance, PreprocessZCA} {
		ps, err := PreprocessPatches(x, d, method, 0)
		if err != nil {
			t.Fatal(err)
		}
		cov := make([]float64, d*d)
		for i := 0; i < n; i++ {
			row := ps.X[i*d : (i+1)*d]
			m := 0.0
			for _, v := range row {
				m += float64(v)
			}
			if math.Abs(m/d) > 1e-4 {
				t.Fatalf("method %d: patch %d mean %g", method, i, m/d)
			}
			for a := 0; a < d; a++ {
				for b := 0; b < d; b++ {
					cov[a*d+b] += float64(row[a]) * float64(row[b]) / n
				}
			}
		}
		tr := 0.0
		for a := 0; a < d; a++ {
			tr += cov[a*d+a]
		}
		switch method {
		case PreprocessUnitVariance:
			if math.Abs(tr/d-1) > 1e-4 {
				t.Errorf("unit variance: mean variance %g", tr/d)
			}
		case PreprocessZCA:
			// Mean removal leaves rank d-1: whitened, the covariance is the
			// projector I - 11^T/d (the constant direction stays at 0).
			for a := 0; a < d; a++ {
				for b := 0; b < d; b++ {
					want := -1.0 / d
					if a == b {
						want += 1
					}
					if math.Abs(cov[a*d+b]-want) > 1e-3 {
						t.Fatalf("ZCA covariance[%d,%d] = %g, want %g", a, b, cov[a*d+b], want)
					}
				}
			}
			for a := 0; a < d; a++ {
				for b := 0; b < d; b++ {
					if math.Abs(ps.Whiten[a*d+b]-ps.Whiten[b*d+a]) > 1e-9 {
						t.Fatal("ZCA matrix not symmetric")
					}
				}
			}
		}
	}
	if _, err := PreprocessPatches(x[:5], d, PreprocessZCA, 0); err == nil {
		t.Error("ragged: no error")
	}
}
