package mri

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dlc-go/denoising/kit/img"
	"github.com/dlc-go/denoising/kit/train"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func tinyMRIConfig() ExperimentConfig {
	return ExperimentConfig{Size: 32, Downsample: 6, Keep: 0.1, R0: 0.27, Translate: 4, Batch: 2, Steps: 2,
		Width: 0.125, LR: 1e-3, RampDown: true, EvalEvery: 1, Seed: 3}
}

// phantoms stacks k shifted phantoms of side n.
func phantoms(k, n int) []float32 {
	var out []float32
	for i := range k {
		out = append(out, Augment(phantom(n), n, i%2 == 1, i, -i)...)
	}
	return out
}

func tinyMRIData(t *testing.T, cfg ExperimentConfig) *ExperimentData {
	t.Helper()
	d, err := NewExperimentData(cfg, phantoms(5, cfg.Size), phantoms(3, cfg.Size), []int{0, 1, 2, 3, 4}, []int{10, 11, 12})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestExperimentConfigValidate(t *testing.T) {
	if err := tinyMRIConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	if err := DefaultExperimentConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]func(*ExperimentConfig){
		"size":      func(c *ExperimentConfig) { c.Size = 40 },
		"keep":      func(c *ExperimentConfig) { c.Keep = 1 },
		"r0":        func(c *ExperimentConfig) { c.R0 = 0 },
		"translate": func(c *ExperimentConfig) { c.Translate = 32 },
		"steps":     func(c *ExperimentConfig) { c.Steps = 0 },
		"lr":        func(c *ExperimentConfig) { c.LR = math.NaN() },
		"width":     func(c *ExperimentConfig) { c.Width = -1 },
	} {
		c := tinyMRIConfig()
		bad(&c)
		if c.Validate() == nil {
			t.Errorf("%s: no error for %+v", name, c)
		}
	}
	// UnitR0: c = 1 (p(DC) = 1 exactly), mean keep, p = exp(-r/r0).
	for _, n := range []int{32, 64, 256} {
		r0, err := UnitR0(n, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewDensity(n, 0.1, r0)
		if err != nil {
			t.Fatal(err)
		}
		if d.P[0] != 1 || d.C < 1 || d.C > 1+1e-6 {
			t.Errorf("n=%d: r0 = %v gives c = %v, p(DC) = %v", n, r0, d.C, d.P[0])
		}
		if e := math.Exp(-1 / r0); math.Abs(d.P[n/2]-e) > 1e-6*e {
			t.Errorf("n=%d: p at the edge %v, exp(-1/r0) = %v", n, d.P[n/2], e)
		}
		t.Logf("n=%d: r0 = %.4f, p at the edge %.4f", n, r0, d.P[n/2])
	}
	if _, err := UnitR0(64, 0); err == nil {
		t.Error("keep = 0: no error")
	}
}

func TestAugmentAndFFTShift(t *testing.T) {
	const n = 4
	x := make([]float32, n*n)
	for i := range x {
		x[i] = float32(i)
	}
	if got := Augment(x, n, false, 0, 0); !slices.Equal(got, x) {
		t.Errorf("identity augmentation changed the image: %v", got)
	}
	// Shift by (1, 2): out[r][c] = x[r-1][c-2].
	got := Augment(x, n, false, 1, 2)
	if got[1*n+2] != x[0] || got[0] != x[3*n+2] {
		t.Errorf("shift: %v", got)
	}
	// Flip: out[r][c] = x[r][n-1-c].
	got = Augment(x, n, true, 0, 0)
	if got[0] != x[n-1] || got[n+1] != x[n+2] {
		t.Errorf("flip: %v", got)
	}
	// FFTShift puts DC in the centre and frequency -n/2 at 0.
	sh, err := FFTShift(x, n)
	if err != nil {
		t.Fatal(err)
	}
	if sh[2*n+2] != x[0] || sh[0] != x[2*n+2] || sh[2*n+3] != x[1] {
		t.Errorf("FFTShift: %v", sh)
	}
	if _, err := FFTShift(x[1:], n); err == nil {
		t.Error("FFTShift of a wrong size: no error")
	}
}

// The batch's arrays are consistent: Meas = m FFT(Clean), Input = Re IDFT(Meas / p),
// N2C target = Clean, and both targets see the same inputs.
func TestBatchConsistency(t *testing.T) {
	cfg := tinyMRIConfig()
	d := tinyMRIData(t, cfg)
	n2c, err := d.Batch(TargetClean, 5)
	if err != nil {
		t.Fatal(err)
	}
	n2n, err := d.Batch(TargetNoisy, 5)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Size
	m := s * s
	if len(n2c.Input) != cfg.Batch*m || len(n2c.MeasIm) != cfg.Batch*m {
		t.Fatalf("sizes %d, %d", len(n2c.Input), len(n2c.MeasIm))
	}
	if !slices.Equal(n2c.Input, n2n.Input) || !slices.Equal(n2c.Mask, n2n.Mask) || !slices.Equal(n2c.Clean, n2n.Clean) {
		t.Error("the two targets see different inputs at the same step")
	}
	if !slices.Equal(n2c.Target, n2c.Clean) {
		t.Error("N2C target is not the clean slice")
	}
	if slices.Equal(n2n.Target, n2n.Input) {
		t.Error("N2N target equals the input")
	}
	for b := range cfg.Batch {
		X, _ := img.RealFFT2(n2c.Clean[b*m:(b+1)*m], s, s)
		w := make([]complex128, m)
		for i := range m {
			meas := complex(float64(n2c.MeasRe[b*m+i]), float64(n2c.MeasIm[b*m+i]))
			want := complex(0, 0)
			if n2c.Mask[b*m+i] != 0 {
				want = X[i]
				w[i] = meas / complex(d.Density.P[i], 0)
			}
			if cmplx.Abs(meas-want) > 1e-4*(1+cmplx.Abs(want)) {
				t.Fatalf("item %d frequency %d: measured %v, want %v", b, i, meas, want)
			}
		}
		inv, _ := img.IFFT2(w, s, s)
		for i, v := range inv {
			if math.Abs(real(v)-float64(n2c.Input[b*m+i])) > 1e-3*(1+math.Abs(real(v))) {
				t.Fatalf("item %d pixel %d: input %v, Re IDFT(meas/p) %v", b, i, n2c.Input[b*m+i], real(v))
			}
		}
	}
	if _, err := d.Batch("dirty", 0); err == nil {
		t.Error("unknown target: no error")
	}
}

// With the post-step the output's spectrum equals the measurement at every
// kept frequency, even for an untrained network; without it, it does not.
func TestReconstructorModelPostStep(t *testing.T) {
	cfg := tinyMRIConfig()
	d := tinyMRIData(t, cfg)
	b, err := d.Batch(TargetClean, 0)
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	s, m := cfg.Size, cfg.Size*cfg.Size
	run := func(post bool) []float32 {
		in, _ := b.Tensors()
		out, err := train.Eval(nil, store, ReconstructorModel(cfg.UNet(), cfg.LR, 0, post), in...)
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float32](out[0])
	}
	raw := run(false)
	nvars := store.NumVariables()
	post := run(true)
	if store.NumVariables() != nvars {
		t.Errorf("the post-step changed the variables: %d -> %d", nvars, store.NumVariables())
	}
	worstPost, worstRaw := 0.0, 0.0
	for k := range cfg.Batch {
		P, _ := img.RealFFT2(post[k*m:(k+1)*m], s, s)
		R, _ := img.RealFFT2(raw[k*m:(k+1)*m], s, s)
		for i := range m {
			if b.Mask[k*m+i] == 0 {
				if cmplx.Abs(P[i]-R[i]) > 1e-3*(1+cmplx.Abs(R[i])) {
					t.Fatalf("item %d: unmeasured frequency %d changed by the post-step: %v vs %v", k, i, P[i], R[i])
				}
				continue
			}
			meas := complex(float64(b.MeasRe[k*m+i]), float64(b.MeasIm[k*m+i]))
			worstPost = max(worstPost, cmplx.Abs(P[i]-meas)/(1+cmplx.Abs(meas)))
			worstRaw = max(worstRaw, cmplx.Abs(R[i]-meas)/(1+cmplx.Abs(meas)))
		}
	}
	if worstPost > 1e-3 || worstRaw < 0.1 {
		t.Errorf("relative error at kept frequencies: %.2g with the post-step, %.2g without", worstPost, worstRaw)
	}
}

// Two steps of each target train, score and cache.
func TestTrainReconstructors(t *testing.T) {
	t.Setenv(train.EnvCache, t.TempDir())
	t.Setenv(train.EnvRetrain, "")
	cfg := tinyMRIConfig()
	d := tinyMRIData(t, cfg)
	res, err := d.RunExperiment(nil)
	if err != nil {
		t.Fatal(err)
	}
	ub, zf := d.TestInputs()
	want, _ := img.MeanPSNR(zf, d.Test, d.TestShape())
	if res.ZeroFilledPSNR != want || len(ub) != len(d.Test) {
		t.Errorf("zero-filled PSNR %v, want %v", res.ZeroFilledPSNR, want)
	}
	for _, r := range []*Reconstructor{res.N2N, res.N2C} {
		if r == nil || math.IsNaN(r.PSNR) || math.IsInf(r.PSNR, 0) || math.IsNaN(r.PSNRNoPost) || len(r.Train.Loss) != cfg.Steps {
			t.Fatalf("reconstructor %+v", r)
		}
		if len(r.Train.Evals) != cfg.Steps || math.Abs(r.Train.Evals[cfg.Steps-1].Value-r.PSNR) > 1e-3 {
			t.Errorf("%s: evals %v, final PSNR %v", r.Target, r.Train.Evals, r.PSNR)
		}
	}
	if res.N2N.Train.Key == res.N2C.Train.Key {
		t.Error("N2N and N2C share a cache key")
	}
	table := res.Table()
	for _, s := range []string{"zero-filled", "N2N", "N2C"} {
		if !strings.Contains(table, s) {
			t.Errorf("table lacks %q:\n%s", s, table)
		}
	}
	again, err := d.TrainReconstructor(TargetNoisy, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Train.Cached || again.PSNR != res.N2N.PSNR {
		t.Errorf("second run: cached %v, PSNR %v vs %v", again.Train.Cached, again.PSNR, res.N2N.PSNR)
	}
}

// Masks keep Keep of the spectrum on average, are conjugate-symmetric and
// fall off with the radius as p does.
func TestMaskStats(t *testing.T) {
	d, err := NewDensity(64, 0.1, 0.27)
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.MaskStats(200, 8, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(s.Expected-0.1) > 1e-9 || math.Abs(s.Rate-0.1) > 4*s.RateSE || s.RateSE <= 0 {
		t.Errorf("rate %.4f +- %.4f, expected %.4f", s.Rate, s.RateSE, s.Expected)
	}
	if s.Asymmetric != 0 {
		t.Errorf("%d asymmetric mask entries", s.Asymmetric)
	}
	for b := 1; b < len(s.RadialP); b++ {
		if s.RadialP[b] > s.RadialP[b-1] {
			t.Errorf("p increases from bin %d to %d: %v", b-1, b, s.RadialP)
		}
	}
	// 200 masks: each bin holds >= 100 frequencies, the rate is within a few
	// percent (absolute) of the mean p.
	for b := range s.RadialP {
		if math.Abs(s.RadialRate[b]-s.RadialP[b]) > 0.03 {
			t.Errorf("bin %d: rate %.4f, mean p %.4f", b, s.RadialRate[b], s.RadialP[b])
		}
	}
	if _, err := d.MaskStats(1, 8, rand.New(rand.NewPCG(1, 2))); err == nil {
		t.Error("1 mask: no error")
	}
}

// The average of k corruptions approaches the image as 1/k in MSE, as the
// closed form says.
func TestCheckUnbiased(t *testing.T) {
	const n = 32
	d, err := NewDensity(n, 0.1, 0.27)
	if err != nil {
		t.Fatal(err)
	}
	u, err := d.CheckUnbiased(phantom(n), []int{16, 128, 1024}, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range u.K {
		t.Logf("k=%d: MSE %.3g, predicted %.3g", k, u.MSE[i], u.Predicted[i])
		if r := u.MSE[i] / u.Predicted[i]; r < 0.6 || r > 1.6 {
			t.Errorf("k=%d: MSE %.3g, predicted %.3g", k, u.MSE[i], u.Predicted[i])
		}
	}
	if _, err := d.CheckUnbiased(phantom(n), []int{4, 4}, rand.New(rand.NewPCG(3, 3))); err == nil {
		t.Error("non-increasing ks: no error")
	}
}

// On ch2 the data has the default split's 20 held-out slices.
func TestLoadExperimentData(t *testing.T) {
	loadCH2(t) // skips if mricron-data is missing
	cfg := tinyMRIConfig()
	d, err := LoadExperimentData(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.TestZ) != DefaultTestZ1-DefaultTestZ0 || len(d.TestCorrupted) != len(d.TestZ) || len(d.TrainZ) < 100 {
		t.Errorf("%d test, %d training slices", len(d.TestZ), len(d.TrainZ))
	}
	for _, z := range d.TrainZ {
		if z >= DefaultTestZ0-DefaultGap && z < DefaultTestZ1+DefaultGap {
			t.Errorf("training slice %d is within %d of the test block", z, DefaultGap)
		}
	}
	_, zf := d.TestInputs()
	p, err := img.MeanPSNR(zf, d.Test, d.TestShape())
	if err != nil || !(p > 15 && p < 35) {
		t.Errorf("zero-filled PSNR %v (%v)", p, err)
	}
}

// TestCacheKeyCoversData: other slices or other slice labels give another
// cache key, the same ones the same key.
func TestCacheKeyCoversData(t *testing.T) {
	cfg := tinyMRIConfig()
	key := func(tr []float32, trainZ []int) string {
		t.Helper()
		d, err := NewExperimentData(cfg, tr, phantoms(3, cfg.Size), trainZ, []int{10, 11, 12})
		if err != nil {
			t.Fatal(err)
		}
		k, err := d.CacheKey(TargetNoisy)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	z := []int{0, 1, 2, 3, 4}
	a := key(phantoms(5, cfg.Size), z)
	if b := key(phantoms(5, cfg.Size), z); b != a {
		t.Errorf("same slices, keys %s and %s", a, b)
	}
	other := phantoms(5, cfg.Size)
	other[7] += 0.01
	if key(other, z) == a {
		t.Error("a changed training value, same key")
	}
	if key(phantoms(5, cfg.Size), []int{0, 1, 2, 3, 5}) == a {
		t.Error("other slice labels, same key")
	}
}
