package n2n

import (
	"math"
	"math/rand/v2"
	"testing"
)

func logNormalSamples(n int, mu, s float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	ys := make([]float64, n)
	for i := range ys {
		ys[i] = math.Exp(mu + s*rng.NormFloat64())
	}
	return ys
}

// bimodalSamples draws from 0.7 N(0.3, 0.05^2) + 0.3 N(0.8, 0.05^2): mean
// 0.45, median ~0.3 + 0.05 z_{0.5/0.7} ~ 0.328, mode 0.3 (the heavier peak).
func bimodalSamples(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 8))
	ys := make([]float64, n)
	for i := range ys {
		if rng.Float64() < 0.7 {
			ys[i] = 0.3 + 0.05*rng.NormFloat64()
		} else {
			ys[i] = 0.8 + 0.05*rng.NormFloat64()
		}
	}
	return ys
}

func TestMedianEvenOdd(t *testing.T) {
	if m := Median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median of {3,1,2} = %g, want 2", m)
	}
	if m := Median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median of {4,1,3,2} = %g, want 2.5", m)
	}
	// For even n the L1 risk is flat between the middle order statistics.
	ys := []float64{4, 1, 3, 2}
	a, b := EmpiricalLoss(ys, 2, L1Loss()), EmpiricalLoss(ys, 3, L1Loss())
	if a != b || EmpiricalLoss(ys, 2.5, L1Loss()) != a || EmpiricalLoss(ys, 1.9, L1Loss()) <= a {
		t.Errorf("L1 risk not flat on [2, 3] and minimal there")
	}
}

// Log-normal(mu, s): mean exp(mu + s^2/2), median exp(mu), mode exp(mu - s^2).
func TestLossStatisticsLogNormal(t *testing.T) {
	const mu, s, n = 0.0, 0.5, 20000
	ys := logNormalSamples(n, mu, s, 1)
	mean, median, mode := math.Exp(mu+s*s/2), math.Exp(mu), math.Exp(mu-s*s)

	// L2: closed form and numeric minimiser agree, and match the mean within
	// 4 standard errors, sd = sqrt((e^{s^2} - 1) e^{2 mu + s^2}).
	l2, _ := MinimiseLoss(ys, L2Loss())
	l2n, err := MinimiseNumeric(ys, L2Loss())
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(l2-l2n) > 1e-6 {
		t.Errorf("L2: closed form %.8f, numeric %.8f", l2, l2n)
	}
	sd := math.Sqrt((math.Exp(s*s) - 1) * math.Exp(2*mu+s*s))
	if math.Abs(l2-mean) > 4*sd/math.Sqrt(n) {
		t.Errorf("L2 minimiser %.4f, mean %.4f (tol %.4f)", l2, mean, 4*sd/math.Sqrt(n))
	}

	// L1: the median; its se is 1 / (2 f(median) sqrt n), f(e^mu) = 1/(e^mu s sqrt(2 pi)).
	l1, _ := MinimiseLoss(ys, L1Loss())
	l1n, _ := MinimiseNumeric(ys, L1Loss())
	seMed := math.Exp(mu) * s * math.Sqrt(2*math.Pi) / (2 * math.Sqrt(n))
	if math.Abs(l1-median) > 4*seMed {
		t.Errorf("L1 minimiser %.4f, median %.4f (tol %.4f)", l1, median, 4*seMed)
	}
	if EmpiricalLoss(ys, l1n, L1Loss()) > EmpiricalLoss(ys, l1, L1Loss())+1e-12 || math.Abs(l1n-l1) > 1e-3 {
		t.Errorf("L1 numeric %.6f (risk %.8f) vs median %.6f (risk %.8f)", l1n,
			EmpiricalLoss(ys, l1n, L1Loss()), l1, EmpiricalLoss(ys, l1, L1Loss()))
	}

	// Bounded L0 surrogate (Welsch, h = 0.1): the mode, up to the smoothing
	// bias of the kernel (~ +0.015 here) and the n^{-1/7}-slow sampling noise
	// of mode estimation (seeds 1..8 gave 0.780..0.839).
	w, _ := MinimiseLoss(ys, WelschLoss(0.1))
	if math.Abs(w-mode) > 0.07 || w > (mode+median)/2 {
		t.Errorf("Welsch minimiser %.4f, mode %.4f", w, mode)
	}

	// The paper's annealed L0: gamma = 2 gives the mean, gamma = 1 the median,
	// then it moves towards the mode but stops between mode and median (the
	// limit argmin E log|c - Y| is ~0.88 for this distribution, see AnnealL0).
	path, err := AnnealL0(ys[:4000], DefaultAnnealConfig())
	if err != nil {
		t.Fatal(err)
	}
	if path[0].Gamma != 2 || path[0].C != Mean(ys[:4000]) {
		t.Errorf("anneal step 0: %+v, want gamma 2 at the mean %.4f", path[0], Mean(ys[:4000]))
	}
	half := path[len(path)/2]
	if half.Gamma != 1 || math.Abs(half.C-Median(ys[:4000])) > 0.01 {
		t.Errorf("anneal at gamma 1: %+v, median %.4f", half, Median(ys[:4000]))
	}
	last := path[len(path)-1]
	t.Logf("annealed L0: %+v (mode %.4f, median %.4f, Welsch %.4f)", last, mode, median, w)
	if !(last.C > mode+0.05 && last.C < median) {
		t.Errorf("annealed L0 ends at %.4f, expected strictly between mode %.4f and median %.4f", last.C, mode, median)
	}
}

// With well separated symmetric peaks of unequal weight, the three
// statistics differ and the annealed L0 reaches the heavier peak: the mode.
func TestLossStatisticsBimodal(t *testing.T) {
	ys := bimodalSamples(4000, 2)
	mean, _ := MinimiseLoss(ys, L2Loss())
	med, _ := MinimiseLoss(ys, L1Loss())
	path, err := AnnealL0(ys, DefaultAnnealConfig())
	if err != nil {
		t.Fatal(err)
	}
	l0 := path[len(path)-1].C
	// Mean 0.45 (se 0.23/sqrt(4000) = 0.004); median: 0.3 + 0.05 Phi^{-1}(0.5/0.7) = 0.3283.
	if math.Abs(mean-0.45) > 0.016 {
		t.Errorf("mean %.4f, want 0.45", mean)
	}
	if math.Abs(med-0.3283) > 0.01 {
		t.Errorf("median %.4f, want 0.3283", med)
	}
	// The population limit argmin E log|c - Y| is 0.302 (quadrature); the
	// tolerance is 0.4 of the peak's width.
	if math.Abs(l0-0.3) > 0.02 {
		t.Errorf("annealed L0 %.4f, want the mode 0.3", l0)
	}
	if !(l0 < med && med < mean) {
		t.Errorf("want mode < median < mean, got %.4f, %.4f, %.4f", l0, med, mean)
	}
}

func TestLossCurveAndValidation(t *testing.T) {
	ys := []float64{0, 1, 3}
	grid := []float64{0, 1, 2}
	curve, err := LossCurve(ys, L2Loss(), grid)
	if err != nil {
		t.Fatal(err)
	}
	// (0+1+9)/3, (1+0+4)/3, (4+1+1)/3.
	for i, want := range []float64{10.0 / 3, 5.0 / 3, 2} {
		if math.Abs(curve[i]-want) > 1e-12 {
			t.Errorf("L2 curve[%d] = %g, want %g", i, curve[i], want)
		}
	}
	// L0 with gamma = 1 and tiny eps is L1; gamma = 2 is L2.
	for _, c := range []float64{-1, 0.5, 2} {
		if d := EmpiricalLoss(ys, c, L0Loss(1, 1e-12)) - EmpiricalLoss(ys, c, L1Loss()); math.Abs(d) > 1e-9 {
			t.Errorf("L0(gamma 1) - L1 = %g at c = %g", d, c)
		}
		if d := EmpiricalLoss(ys, c, L0Loss(2, 1e-12)) - EmpiricalLoss(ys, c, L2Loss()); math.Abs(d) > 1e-9 {
			t.Errorf("L0(gamma 2) - L2 = %g at c = %g", d, c)
		}
	}
	bad := []Loss{L0Loss(0, 1e-8), L0Loss(2.5, 1e-8), L0Loss(1, 0), WelschLoss(0), {Kind: 99}}
	for _, l := range bad {
		if _, err := MinimiseLoss(ys, l); err == nil {
			t.Errorf("loss %v: no error", l)
		}
	}
	if _, err := MinimiseLoss(nil, L2Loss()); err == nil {
		t.Error("no samples: no error")
	}
	if _, err := MinimiseLoss([]float64{1, math.NaN()}, L2Loss()); err == nil {
		t.Error("NaN sample: no error")
	}
	if _, err := AnnealL0(ys, AnnealConfig{Steps: 1, Eps: 1e-8}); err == nil {
		t.Error("Steps 1: no error")
	}
}
