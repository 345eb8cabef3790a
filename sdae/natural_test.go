package sdae

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Quantile, Median and RowCosines on hand-computed cases; random rows have
// |cos| near sqrt(2/(pi d)).
func TestSmallStatistics(t *testing.T) {
	xs := []float32{5, 1, 4, 2, 3}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.5, 3}, {1, 5}, {0.26, 2}} {
		if got, err := Quantile(xs, c.q); err != nil || got != c.want {
			t.Errorf("Quantile(%g) = %g, %v; want %g", c.q, got, err, c.want)
		}
	}
	if _, err := Quantile(xs, 1.5); err == nil {
		t.Error("q = 1.5: no error")
	}
	if m := Median([]float64{3, 1, 2, 10}); m != 2.5 {
		t.Errorf("Median = %g, want 2.5", m)
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median(nil) is not NaN")
	}
	c, err := RowCosines([]float32{1, 0, 3, 4}, []float32{-2, 0, 4, -3}, 2)
	if err != nil || c[0] != 1 || c[1] != 0 {
		t.Errorf("RowCosines = %v, %v; want [1 0]", c, err)
	}
	const d, n = 144, 2000
	rng := rand.New(rand.NewPCG(1, 1))
	a, b := make([]float32, n*d), make([]float32, n*d)
	for i := range a {
		a[i], b[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	c, _ = RowCosines(a, b, d)
	m := mean(c)
	// E|cos| for independent Gaussian rows: sqrt(2/(pi d)) (1 + O(1/d)); sd of the mean ~ 0.6/sqrt(d n).
	if want := math.Sqrt(2 / (math.Pi * d)); math.Abs(m-want) > 0.005 {
		t.Errorf("mean |cos| of random rows %g, want %g", m, want)
	}
	if _, err := RowCosines(a, b[:d], d); err == nil {
		t.Error("mismatched sizes: no error")
	}
}

// SummarizeFilters counts a rendered Gabor as Gabor-like and white noise
// and a single pixel as not, with the medians of the individual measures.
func TestSummarizeFilters(t *testing.T) {
	const side = PatchSide
	gabor := Gabor{X0: 5.3, Y0: 6.1, Theta: 0.6, Freq: 0.2, SigmaU: 1.8, SigmaV: 2.2, Phase: 0.4, Amplitude: 1.5}.Render(side)
	rng := rand.New(rand.NewPCG(2, 2))
	w := make([]float32, 4*side*side)
	for i := range side * side {
		w[i] = float32(gabor[i])
		w[side*side+i] = float32(rng.NormFloat64())
		w[2*side*side+i] = float32(gabor[i] + 0.01*rng.NormFloat64())
	}
	w[3*side*side+5*side+7] = 1 // a single pixel
	st, err := AnalyzeFilters(w, side, 3, true)
	if err != nil {
		t.Fatal(err)
	}
	s, err := SummarizeFilters(st)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("single pixel: localisation %.3f, orientation %.3f, Gabor FVE %.3f", st[3].Localization, st[3].Orientation, st[3].GaborFVE)
	if s.N != 4 || s.GaborLike != 0.5 {
		t.Errorf("summary %+v: want N = 4, half Gabor-like", s)
	}
	if s.Localization != Median([]float64{st[0].Localization, st[1].Localization, st[2].Localization, st[3].Localization}) {
		t.Errorf("medians %+v", s)
	}
	for i := range st {
		st[i].GaborFVE = math.NaN()
	}
	if s, _ := SummarizeFilters(st); !math.IsNaN(s.GaborLike) || !math.IsNaN(s.FVE) {
		t.Errorf("without fits: %+v", s)
	}
	if _, err := SummarizeFilters(nil); err == nil {
		t.Error("no filters: no error")
	}
}

// FilterModels builds the paper's four models; InitialWeights is where
// TrainDAE starts: deterministic, and the filters of a run at a tiny
// learning rate stay parallel to it, while a real run moves them.
func TestFilterModelsAndInitialWeights(t *testing.T) {
	const n, d = 400, 144
	x := normals(3, n*d)
	ps := &PatchSet{X: x, N: n, Side: 12}
	models, err := FilterModels(ps, 30, 20, 1e-3, 4)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []NoiseKind{NoiseGaussian, NoiseGaussian, NoiseSaltPepper, NoiseMasking}
	levels := []float64{0, 0.5, 0.1, 0.55}
	for i, m := range models {
		c := m.Config
		if c.Noise.Kind != kinds[i] || c.Noise.Level != levels[i] || c.Hidden != 200 || !c.LinearDecoder ||
			c.Loss != LossSquared || (i == 0) != (c.L2 > 0) || c.Validate() != nil {
			t.Errorf("model %d: %+v", i, c)
		}
	}
	if sp := models[2].Config.Noise; !(sp.Lo < -2.5 && sp.Hi > 2.5) {
		t.Errorf("salt-and-pepper values %g, %g: want the 0.1%% and 99.9%% quantiles of N(0, 1), about -+3.1", sp.Lo, sp.Hi)
	}
	cfg := models[1].Config
	cfg.Cache, cfg.Hidden = false, 20
	w0, err := InitialWeights(cfg, x, d)
	if err != nil {
		t.Fatal(err)
	}
	w1, _ := InitialWeights(cfg, x, d)
	for i := range w0 {
		if w0[i] != w1[i] {
			t.Fatal("InitialWeights is not deterministic")
		}
	}
	tiny := cfg
	tiny.LearningRate, tiny.Steps = 1e-9, 5
	r, err := TrainDAE(tiny, x, d)
	if err != nil {
		t.Fatal(err)
	}
	w, _, _ := r.Weights()
	c, _ := RowCosines(w0, w, d)
	if Median(c) < 0.999999 {
		t.Errorf("after 5 steps at lr 1e-9 the filters moved: median |cos| %g", Median(c))
	}
	real := cfg
	real.LearningRate, real.Steps = 0.05, 50
	r, err = TrainDAE(real, x, d)
	if err != nil {
		t.Fatal(err)
	}
	w, _, _ = r.Weights()
	c, _ = RowCosines(w0, w, d)
	if Median(c) > 0.99 {
		t.Errorf("after 50 steps at lr 0.05 the filters did not move: median |cos| %g", Median(c))
	}
}

// L2 adds exactly L2 * sum W^2 to the first step's loss (same seed, same
// initial W, same clean batch); InitScale scales the initial W; SGD trains
// (the loss falls) and rejects AdamW's WeightDecay and a zero learning rate.
func TestL2AndSGD(t *testing.T) {
	const n, d = 200, 16
	x := normals(5, n*d)
	base := DAEConfig{Name: "l2-test", Hidden: 8, Noise: Gaussian(0), LinearDecoder: true, Loss: LossSquared,
		Batch: 20, Steps: 1, Seed: 3}
	withL2 := base
	withL2.L2 = 0.25
	r0, err := TrainDAE(base, x, d)
	if err != nil {
		t.Fatal(err)
	}
	r1, err := TrainDAE(withL2, x, d)
	if err != nil {
		t.Fatal(err)
	}
	w0, err := InitialWeights(base, x, d)
	if err != nil {
		t.Fatal(err)
	}
	ss := 0.0
	for _, v := range w0 {
		ss += float64(v) * float64(v)
	}
	if got, want := r1.Train.Loss[0]-r0.Train.Loss[0], 0.25*ss; math.Abs(got-want) > 1e-4*want {
		t.Errorf("L2 adds %g to the loss, want 0.25 sum W^2 = %g", got, want)
	}

	// InitScale scales the same initial draw.
	half := base
	half.InitScale = 0.5
	wh, err := InitialWeights(half, x, d)
	if err != nil {
		t.Fatal(err)
	}
	for i := range w0 {
		if math.Abs(float64(wh[i]-w0[i]/2)) > 1e-6*math.Abs(float64(w0[i]))+1e-9 {
			t.Fatalf("InitScale 0.5: W[%d] = %g, want half of %g", i, wh[i], w0[i])
		}
	}

	sgd := base
	sgd.SGD, sgd.LearningRate, sgd.Steps = true, 0.01, 200
	r, err := TrainDAE(sgd, x, d)
	if err != nil {
		t.Fatal(err)
	}
	first, last := r.Train.Loss[0], r.Train.FinalLoss(20)
	if !(last < 0.9*first) {
		t.Errorf("SGD: loss %g -> %g, want a clear decrease", first, last)
	}
	for _, bad := range []DAEConfig{
		func() DAEConfig { c := sgd; c.LearningRate = 0; return c }(),
		func() DAEConfig { c := sgd; c.WeightDecay = 0.1; return c }(),
		func() DAEConfig { c := base; c.L2 = -1; return c }(),
		func() DAEConfig { c := base; c.InitScale = math.Inf(1); return c }(),
	} {
		if bad.Validate() == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// BiasInit sets the initial encoder bias; PreprocessPatches rejects the
// whole-image method; CosineDecay is Adam's only.
func TestBiasInitAndOptions(t *testing.T) {
	const n, d = 40, 9
	x := normals(9, n*d)
	cfg := DAEConfig{Name: "bias-test", Hidden: 4, Noise: Gaussian(0), LinearDecoder: true, Loss: LossSquared,
		Batch: 20, Steps: 1, LearningRate: 1e-20, Seed: 1, BiasInit: -2.5, CosineDecay: true}
	r, err := TrainDAE(cfg, x, d)
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := r.Weights()
	if err != nil {
		t.Fatal(err)
	}
	for j, v := range b {
		if math.Abs(float64(v)+2.5) > 1e-6 {
			t.Errorf("b[%d] = %g, want -2.5", j, v)
		}
	}
	if _, err := PreprocessPatches(x, d, PreprocessWhitenImages, 0); err == nil {
		t.Error("PreprocessPatches(PreprocessWhitenImages): no error")
	}
	bad := cfg
	bad.SGD = true
	if bad.Validate() == nil {
		t.Error("SGD with CosineDecay: no error")
	}
}

// PatchStudy.Variance is part of the data's name (so of the filter
// models' cache keys) unless it is the unit default, and LoadPatches
// rejects a bad one before loading any photo.
func TestPatchStudyVariance(t *testing.T) {
	s := DefaultPatchStudy()
	if s.Variance != 0.1 || s.Name() != "white-f8-0.4-b8-v0.1" {
		t.Errorf("default study: Variance %g, name %q", s.Variance, s.Name())
	}
	for _, v := range []float64{0, 1} {
		s.Variance = v
		if s.Name() != "white-f8-0.4-b8" {
			t.Errorf("Variance %g: name %q", v, s.Name())
		}
	}
	for _, v := range []float64{-0.1, math.NaN(), math.Inf(1)} {
		s.Variance = v
		if _, _, err := LoadPatches(s); err == nil {
			t.Errorf("Variance %g: no error", v)
		}
	}
}

// normals returns n standard normal float32 values from PCG(seed, seed).
func normals(seed uint64, n int) []float32 {
	rng := rand.New(rand.NewPCG(seed, seed))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}
