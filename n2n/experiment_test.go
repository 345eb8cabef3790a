package n2n

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/img"
)

// synthImages makes n gray images h x w of smooth patterns (no photo
// decoding in unit tests).
func synthImages(n, h, w int, phase float64) []*data.Image {
	out := make([]*data.Image, n)
	for k := range n {
		im := &data.Image{Name: "synth", H: h, W: w, C: 1, Pix: make([]float32, h*w)}
		for y := range h {
			for x := range w {
				v := 0.5 + 0.3*math.Sin(0.11*float64(x+k*7)+phase)*math.Cos(0.07*float64(y)) + 0.1*float64(x)/float64(w)
				im.Pix[y*w+x] = float32(v)
			}
		}
		out[k] = im
	}
	return out
}

// tinyConfig is a configuration whose training step takes well under a
// second.
func tinyConfig() ExperimentConfig {
	return ExperimentConfig{
		Noise: "gaussian", Sigma: 25.0 / 255, Factor: 4,
		Crop: 32, Batch: 2, Steps: 2, Width: 0.125, LR: 1e-3, RampDown: true,
		EvalEvery: 1, EvalN: 2, EvalSide: 32, BaselineN: 4, Seed: 7,
	}
}

func tinyData(t *testing.T, cfg ExperimentConfig) *ExperimentData {
	t.Helper()
	d, err := NewExperimentData(cfg, synthImages(3, 70, 90, 0), synthImages(2, 64, 64, 1))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestBatchTargets: N2C targets are the clean crops; N2N targets are a
// second noise draw, independent of the input's; inputs agree between the
// two modes.
func TestBatchTargets(t *testing.T) {
	cfg := tinyConfig()
	cfg.Batch = 8 // 8192 pixels for the statistics below
	d := tinyData(t, cfg)
	c, err := d.Batch(TargetClean, 3)
	if err != nil {
		t.Fatal(err)
	}
	n, err := d.Batch(TargetNoisy, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Target, c.Clean) {
		t.Error("N2C: target differs from the clean crop")
	}
	if !slices.Equal(c.Input, n.Input) || !slices.Equal(c.Clean, n.Clean) {
		t.Error("the two modes see different crops or inputs at the same step")
	}
	// Residuals eps = input - clean and delta = target - clean: std sigma
	// each, uncorrelated. With N = 8192, the sample std is within 3% of
	// sigma and |corr| < 4.5/sqrt(N) = 0.05 with overwhelming probability.
	var se, sd, sed float64
	m := float64(len(n.Clean))
	for i := range n.Clean {
		e, dl := float64(n.Input[i]-n.Clean[i]), float64(n.Target[i]-n.Clean[i])
		se += e * e
		sd += dl * dl
		sed += e * dl
	}
	sigma := cfg.Sigma
	for name, v := range map[string]float64{"eps": math.Sqrt(se / m), "delta": math.Sqrt(sd / m)} {
		if math.Abs(v-sigma) > 0.03*sigma {
			t.Errorf("std of %s = %.5f, want sigma = %.5f", name, v, sigma)
		}
	}
	if corr := sed / math.Sqrt(se*sd); math.Abs(corr) > 0.05 {
		t.Errorf("corr(eps, delta) = %.3f: the target noise is not independent of the input noise", corr)
	}
	if slices.Equal(n.Target, n.Input) {
		t.Error("N2N: the target is the input itself")
	}
}

func TestBatchDeterminism(t *testing.T) {
	cfg := tinyConfig()
	d := tinyData(t, cfg)
	a, _ := d.Batch(TargetNoisy, 5)
	b, _ := d.Batch(TargetNoisy, 5)
	c, _ := d.Batch(TargetNoisy, 6)
	if !slices.Equal(a.Input, b.Input) || !slices.Equal(a.Target, b.Target) {
		t.Error("same seed and step gave different batches")
	}
	if slices.Equal(a.Input, c.Input) {
		t.Error("steps 5 and 6 gave the same batch")
	}
	cfg.Seed++
	e, _ := tinyData(t, cfg).Batch(TargetNoisy, 5)
	if slices.Equal(a.Input, e.Input) {
		t.Error("seeds 7 and 8 gave the same batch")
	}
	d2 := tinyData(t, tinyConfig())
	if !slices.Equal(d.EvalNoisy, d2.EvalNoisy) || !slices.Equal(d.TuneNoisy, d2.TuneNoisy) {
		t.Error("the held-out set or the tuning crops differ between two builds with one seed")
	}
	if _, err := d.Batch(Target("x"), 0); err == nil {
		t.Error("unknown target: no error")
	}
	if _, err := d.Batch(TargetClean, -1); err == nil {
		t.Error("step -1: no error")
	}
}

func TestExperimentConfigValidate(t *testing.T) {
	for name, mod := range map[string]func(*ExperimentConfig){
		"crop 48":      func(c *ExperimentConfig) { c.Crop = 48 },
		"eval side 40": func(c *ExperimentConfig) { c.EvalSide = 40 },
		"noise":        func(c *ExperimentConfig) { c.Noise = "speckle" },
		"sigma":        func(c *ExperimentConfig) { c.Sigma = -1 },
		"lambda":       func(c *ExperimentConfig) { c.Noise, c.Lambda = "poisson", 0 },
		"batch":        func(c *ExperimentConfig) { c.Batch = 0 },
		"lr":           func(c *ExperimentConfig) { c.LR = 0 },
		"width":        func(c *ExperimentConfig) { c.Width = -0.5 },
		"factor":       func(c *ExperimentConfig) { c.Factor = 0 },
		"test set":     func(c *ExperimentConfig) { c.TestSet = "kodak" },
		"test factor":  func(c *ExperimentConfig) { c.TestSet, c.TestFactor = TestSetClassic, -1 },
	} {
		cfg := tinyConfig()
		mod(&cfg)
		if cfg.Validate() == nil {
			t.Errorf("%s: Validate() = nil", name)
		}
	}
	if err := DefaultExperimentConfig().Validate(); err != nil {
		t.Errorf("default config: %v", err)
	}
	cfg := tinyConfig()
	if _, err := NewExperimentData(cfg, synthImages(1, 20, 20, 0), synthImages(1, 64, 64, 0)); err == nil {
		t.Error("training image smaller than the crop: no error")
	}
}

// TestTrainBothTargets runs two steps of each mode on a tiny U-Net: finite
// losses, PSNR recorded after every step, the reused evaluation graph sees
// the trained weights (its last value equals a fresh prediction's), runs
// are deterministic per seed, and the second call loads from the cache.
func TestTrainBothTargets(t *testing.T) {
	t.Setenv("DENOISING_CACHE", t.TempDir())
	t.Setenv("DENOISING_RETRAIN", "")
	cfg := tinyConfig()
	d := tinyData(t, cfg)
	noisyPSNR, err := img.MeanPSNR(d.EvalNoisy, d.EvalClean, d.EvalShape)
	if err != nil {
		t.Fatal(err)
	}
	// sigma = 25/255: the noisy input's PSNR is 20 log10(255/25) = 20.17 dB
	// in expectation; 2 tiles of 1024 pixels put it within 0.3 dB.
	if math.Abs(noisyPSNR-20.17) > 0.3 {
		t.Errorf("noisy PSNR %.2f dB, want ~20.17", noisyPSNR)
	}
	runs := map[Target]*Denoiser{}
	for _, target := range []Target{TargetClean, TargetNoisy} {
		m, err := d.TrainDenoiser(target, nil)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		runs[target] = m
		if m.Train.Cached || len(m.Train.Loss) != cfg.Steps {
			t.Fatalf("%s: cached=%v, %d losses", target, m.Train.Cached, len(m.Train.Loss))
		}
		for i, l := range m.Train.Loss {
			if math.IsNaN(l) || math.IsInf(l, 0) || l <= 0 {
				t.Errorf("%s: loss[%d] = %g", target, i, l)
			}
		}
		if len(m.Train.Evals) != cfg.Steps {
			t.Errorf("%s: %d evaluations, want %d", target, len(m.Train.Evals), cfg.Steps)
		}
		last := m.Train.Evals[len(m.Train.Evals)-1]
		if last.Step != cfg.Steps || math.Abs(last.Value-m.TilePSNR) > 1e-4 {
			t.Errorf("%s: last in-training PSNR %.5f at step %d, fresh prediction %.5f", target, last.Value, last.Step, m.TilePSNR)
		}
		// The table's PSNR is over the whole test images, by DenoiseImage.
		want, err := d.TestPSNR(m.DenoiseImage)
		if err != nil || want != m.PSNR || math.IsNaN(m.PSNR) {
			t.Errorf("%s: PSNR %.5f, TestPSNR(DenoiseImage) %.5f (%v)", target, m.PSNR, want, err)
		}
	}
	again, err := d.TrainDenoiser(TargetNoisy, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Train.Cached || again.PSNR != runs[TargetNoisy].PSNR {
		t.Errorf("second call: cached=%v, PSNR %.5f vs %.5f", again.Train.Cached, again.PSNR, runs[TargetNoisy].PSNR)
	}
	t.Setenv("DENOISING_RETRAIN", "1")
	fresh, err := d.TrainDenoiser(TargetNoisy, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Train.Cached || !slices.Equal(fresh.Train.Loss, runs[TargetNoisy].Train.Loss) {
		t.Errorf("retrained with the same seed: losses %v, first run %v", fresh.Train.Loss, runs[TargetNoisy].Train.Loss)
	}

	res := &ExperimentResult{Config: cfg, NoisyPSNR: noisyPSNR, N2C: runs[TargetClean], N2N: runs[TargetNoisy]}
	if res.Baselines, err = d.Baselines(); err != nil {
		t.Fatal(err)
	}
	if b := res.Baselines[0]; b.PSNR <= noisyPSNR {
		t.Errorf("tuned blur %.2f dB does not beat the noisy input %.2f dB on smooth images", b.PSNR, noisyPSNR)
	}
	tab := res.Table()
	for _, s := range []string{"N2C", "N2N", "gaussian-blur", "median", "noisy input"} {
		if !strings.Contains(tab, s) {
			t.Errorf("table lacks %q:\n%s", s, tab)
		}
	}
}

// TestBatchPoisson: with Poisson noise the residuals of input and target
// have mean 0 and variance E[x]/lambda (signal-dependent), as the L2
// argument needs.
func TestBatchPoisson(t *testing.T) {
	cfg := tinyConfig()
	cfg.Noise, cfg.Lambda, cfg.Batch = "poisson", 30, 8
	p, err := tinyData(t, cfg).Batch(TargetNoisy, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := float64(len(p.Clean))
	for name, y := range map[string][]float32{"input": p.Input, "target": p.Target} {
		var m, v, mx float64
		for i := range y {
			r := float64(y[i] - p.Clean[i])
			m += r
			v += r * r
			mx += float64(p.Clean[i])
		}
		m, v, mx = m/n, v/n, mx/n
		// s.e. of the mean: sqrt(E[x]/lambda / n) ~ 0.0014 here; of the
		// variance: ~ sqrt(2/n) ~ 1.6% relative.
		if se := math.Sqrt(mx / cfg.Lambda / n); math.Abs(m) > 4.5*se {
			t.Errorf("%s: mean residual %.5f (s.e. %.5f): biased", name, m, se)
		}
		if want := mx / cfg.Lambda; math.Abs(v-want) > 0.07*want {
			t.Errorf("%s: residual variance %.5f, want E[x]/lambda = %.5f", name, v, want)
		}
	}
}

// TestBatchAugment: with Augment every training crop is one of the 8
// flips/transposes of a window of a training photo (found by brute force on
// an image whose pixels are all distinct), and the transforms vary.
func TestBatchAugment(t *testing.T) {
	const h, w = 40, 50
	im := &data.Image{Name: "ramp", H: h, W: w, C: 1, Pix: make([]float32, h*w)}
	for i := range im.Pix {
		im.Pix[i] = float32(i) / (h * w)
	}
	cfg := tinyConfig()
	cfg.Augment, cfg.Batch = true, 8
	d, err := NewExperimentData(cfg, []*data.Image{im}, synthImages(2, 64, 64, 1))
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Crop
	ts := map[int]bool{}
	cand := make([]float32, s*s)
	for step := range 4 {
		p, err := d.Batch(TargetClean, step)
		if err != nil {
			t.Fatal(err)
		}
		for k := range cfg.Batch {
			crop := p.Clean[k*s*s : (k+1)*s*s]
			found := -1
			for y0 := 0; y0 <= h-s && found < 0; y0++ {
				for x0 := 0; x0 <= w-s && found < 0; x0++ {
					for tr := range 8 {
						data.CutDihedral(cand, im, y0, x0, s, tr)
						if slices.Equal(cand, crop) {
							found = tr
							break
						}
					}
				}
			}
			if found < 0 {
				t.Fatalf("step %d crop %d is no flip/transpose of a window of the photo", step, k)
			}
			ts[found] = true
		}
	}
	if len(ts) < 6 {
		t.Errorf("only %d of the 8 transforms among 32 augmented crops", len(ts))
	}
}

// TestCacheKeyCoversData: data built from other images get another cache
// key (a network trained on other photos must not be loaded), the same
// images the same key, and one changed pixel a new key.
func TestCacheKeyCoversData(t *testing.T) {
	cfg := tinyConfig()
	key := func(tr, te []*data.Image) string {
		t.Helper()
		d, err := NewExperimentData(cfg, tr, te)
		if err != nil {
			t.Fatal(err)
		}
		k, err := d.CacheKey(TargetClean)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	a := key(synthImages(3, 70, 90, 0), synthImages(2, 64, 64, 1))
	if b := key(synthImages(3, 70, 90, 0), synthImages(2, 64, 64, 1)); b != a {
		t.Errorf("same images, different keys %s and %s", a, b)
	}
	if b := key(synthImages(3, 70, 90, 0.5), synthImages(2, 64, 64, 1)); b == a {
		t.Error("other training images, same key")
	}
	te := synthImages(2, 64, 64, 1)
	te[1].Pix[100] += 1e-3
	if b := key(synthImages(3, 70, 90, 0), te); b == a {
		t.Error("a changed test pixel, same key")
	}
}

// TestWholeTestImages: the test set holds every test image whole with one
// seeded noise draw of the test noise (sigma within a few per cent), the
// same for every ExperimentData built from the same images; TestPSNR of
// the identity is the noisy input's PSNR, computed by hand here.
func TestWholeTestImages(t *testing.T) {
	cfg := tinyConfig()
	te := synthImages(2, 70, 90, 1)
	d, err := NewExperimentData(cfg, synthImages(3, 70, 90, 0), te)
	if err != nil {
		t.Fatal(err)
	}
	d2, _ := NewExperimentData(cfg, synthImages(3, 70, 90, 0), te)
	if len(d.Test) != 2 {
		t.Fatalf("%d test images, want 2", len(d.Test))
	}
	want := 0.0
	for i, ti := range d.Test {
		if ti.H != 70 || ti.W != 90 || !slices.Equal(ti.Clean, te[i].Pix) || !slices.Equal(ti.Noisy, d2.Test[i].Noisy) {
			t.Fatalf("test image %d: %dx%d, clean copied %v, same draw %v", i, ti.W, ti.H, slices.Equal(ti.Clean, te[i].Pix), slices.Equal(ti.Noisy, d2.Test[i].Noisy))
		}
		var se, sse float64
		for k := range ti.Clean {
			e := float64(ti.Noisy[k] - ti.Clean[k])
			se += e * e
			c := math.Min(math.Max(float64(ti.Noisy[k]), 0), 1) - float64(ti.Clean[k])
			sse += c * c
		}
		if sd := math.Sqrt(se / float64(len(ti.Clean))); math.Abs(sd/cfg.Sigma-1) > 0.05 {
			t.Errorf("test image %d: noise std %.4f, want %.4f", i, sd, cfg.Sigma)
		}
		want += 10 * math.Log10(float64(len(ti.Clean))/sse) / 2
	}
	if !slices.Equal(d.Test[0].Noisy, d2.Test[0].Noisy) || slices.Equal(d.Test[0].Noisy[:100], d.Test[1].Noisy[:100]) {
		t.Error("test noise draws: not reproducible, or the same for two images")
	}
	got, err := d.TestPSNR(func(noisy []float32, _, _ int) ([]float32, error) { return noisy, nil })
	if err != nil || math.Abs(got-want) > 1e-6 {
		t.Errorf("TestPSNR(identity) = %.6f (%v), by hand %.6f", got, err, want)
	}
}

// TestDenoiseImagePadding: DenoiseImage of an image whose sides are not
// multiples of 32 is the top-left crop of Denoise on its mirror-padded
// extension, built here by hand; bad sizes are rejected.
func TestDenoiseImagePadding(t *testing.T) {
	t.Setenv("DENOISING_CACHE", t.TempDir())
	cfg := tinyConfig()
	cfg.Steps, cfg.EvalEvery = 1, 0
	d := tinyData(t, cfg)
	m, err := d.TrainDenoiser(TargetClean, nil)
	if err != nil {
		t.Fatal(err)
	}
	const h, w = 37, 50
	im := synthImages(1, h, w, 2)[0].Pix
	got, err := m.DenoiseImage(im, h, w)
	if err != nil {
		t.Fatal(err)
	}
	// Mirror without repeating the edge: row 37 is row 35, ..., column 50 is 48.
	pad := make([]float32, 64*64)
	for y := range 64 {
		for x := range 64 {
			sy, sx := y, x
			if sy >= h {
				sy = 2*(h-1) - sy
			}
			if sx >= w {
				sx = 2*(w-1) - sx
			}
			pad[y*64+x] = im[sy*w+sx]
		}
	}
	full, err := m.Denoise(pad, img.Shape{N: 1, H: 64, W: 64, C: 1})
	if err != nil {
		t.Fatal(err)
	}
	for y := range h {
		for x := range w {
			if got[y*w+x] != full[y*64+x] {
				t.Fatalf("pixel (%d, %d): %g, padded-and-cropped %g", y, x, got[y*w+x], full[y*64+x])
			}
		}
	}
	if _, err := m.DenoiseImage(im, h, w+1); err == nil {
		t.Error("wrong length: no error")
	}
	if _, err := m.DenoiseImage(make([]float32, 10*10), 10, 10); err == nil {
		t.Error("a 10x10 image cannot be mirror-padded to 32x32: no error")
	}
}
