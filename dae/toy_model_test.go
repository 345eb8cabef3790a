package dae

import (
	"math"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

func TestToyConfigValidate(t *testing.T) {
	if err := DefaultToyConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*ToyConfig){
		"sigma":  func(c *ToyConfig) { c.Sigma = 0 },
		"hidden": func(c *ToyConfig) { c.Hidden = 0 },
		"batch":  func(c *ToyConfig) { c.Batch = 0 },
		"size":   func(c *ToyConfig) { c.TrainSize = c.Batch - 1 },
		"epochs": func(c *ToyConfig) { c.Epochs = 0 },
		"lr":     func(c *ToyConfig) { c.LearningRate = -1 },
		"prior":  func(c *ToyConfig) { c.Prior.Radius = 0 },
	} {
		c := DefaultToyConfig()
		mod(&c)
		if c.Validate() == nil {
			t.Errorf("%s: want an error", name)
		}
		if _, err := TrainToy(c); err == nil {
			t.Errorf("%s: TrainToy should fail", name)
		}
	}
}

func tensorPairs(t *testing.T, x *tensors.Tensor) [][2]float64 {
	t.Helper()
	flat, err := tensors.CopyFlatData[float32](x)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Unflatten32(flat)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestToyBatches(t *testing.T) {
	cfg := DefaultToyConfig()
	cfg.TrainSize, cfg.Batch = 300, 100
	clean, noisy, _ := cfg.Prior.Pairs(cfg.TrainSize, cfg.Sigma, cfg.Seed)
	for _, fixed := range []bool{false, true} {
		cfg.FixedNoise = fixed
		bf, err := toyBatches(cfg)
		if err != nil {
			t.Fatal(err)
		}
		// One epoch (3 steps) visits every clean point exactly once.
		var seen [][2]float64
		epoch0 := map[[2]float64][2]float64{} // clean -> noisy of epoch 0
		for step := range 3 {
			in, lab, err := bf(step)
			if err != nil {
				t.Fatal(err)
			}
			if d := in[0].Shape().Dimensions; !slices.Equal(d, []int{100, 2}) {
				t.Fatalf("batch shape %v", d)
			}
			xin, xout := tensorPairs(t, in[0]), tensorPairs(t, lab[0])
			seen = append(seen, xout...)
			for k := range xout {
				epoch0[xout[k]] = xin[k]
			}
		}
		want := make([][2]float64, len(clean))
		for i, c := range clean {
			want[i] = [2]float64{float64(float32(c[0])), float64(float32(c[1]))}
		}
		cmp := func(a, b [2]float64) int { return slices.Compare(a[:], b[:]) }
		slices.SortFunc(seen, cmp)
		slices.SortFunc(want, cmp)
		if !slices.Equal(seen, want) {
			t.Fatalf("fixed=%v: an epoch does not visit the training set exactly once", fixed)
		}
		// Noise of epoch 1 vs epoch 0: redrawn unless FixedNoise; fixed noise is Pairs' noise.
		in, lab, _ := bf(3)
		xin, xout := tensorPairs(t, in[0]), tensorPairs(t, lab[0])
		same := 0
		for k := range xout {
			if epoch0[xout[k]] == xin[k] {
				same++
			}
		}
		if fixed && same != len(xout) || !fixed && same != 0 {
			t.Errorf("fixed=%v: %d of %d noisy inputs repeat across epochs", fixed, same, len(xout))
		}
		if fixed {
			for i := range clean {
				c := [2]float64{float64(float32(clean[i][0])), float64(float32(clean[i][1]))}
				n := [2]float64{float64(float32(noisy[i][0])), float64(float32(noisy[i][1]))}
				if v, ok := epoch0[c]; ok && v != n {
					t.Fatalf("fixed noise differs from Pairs' noise")
				}
			}
		}
		// Batches depend only on the step: a fresh BatchFn gives the same batch 4.
		bf2, _ := toyBatches(cfg)
		a, _, _ := bf(4)
		b, _, _ := bf2(4)
		if !slices.Equal(tensorPairs(t, a[0]), tensorPairs(t, b[0])) {
			t.Errorf("fixed=%v: batch of step 4 is not reproducible", fixed)
		}
	}
}

// TestTrainToySmall trains the lecture's MLP for 20 epochs (2000 steps) and
// checks that it denoises: its test MSE is well below the identity's 2 sigma^2,
// and not below the Bayes risk (no denoiser can beat E[X | X~]).
func TestTrainToySmall(t *testing.T) {
	cfg := DefaultToyConfig()
	cfg.Epochs = 20
	res, err := TrainToy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res.Train)
	ev, err := res.Evaluate(5000, 777)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("test MSE: net %.5f +- %.5f, Bayes %.5f +- %.5f, identity %.5f +- %.5f",
		ev.Net, ev.NetSE, ev.Bayes, ev.BayesSE, ev.Identity, ev.IdentitySE)
	if ev.Net+4*ev.NetSE > ev.Identity-4*ev.IdentitySE {
		t.Errorf("net MSE %.5f not below the identity's %.5f", ev.Net, ev.Identity)
	}
	// Paired comparison with the optimal denoiser on the same pairs.
	clean, noisy, _ := cfg.Prior.Pairs(5000, cfg.Sigma, 777)
	pred, err := res.Denoise(noisy)
	if err != nil {
		t.Fatal(err)
	}
	var diff meanVar
	for i := range clean {
		m, _ := cfg.Prior.PosteriorMean(noisy[i], cfg.Sigma)
		diff.add(dist2(pred[i], clean[i]) - dist2(m, clean[i]))
	}
	if diff.mean < -4*diff.stdErr() {
		t.Errorf("net beats the Bayes risk by %.5f +- %.5f: impossible", -diff.mean, diff.stdErr())
	}
	// The training loss is GoMLX's per-coordinate mean: about half the per-point MSE.
	if l := res.Train.FinalLoss(100); math.Abs(2*l-ev.Net) > 0.25*ev.Net {
		t.Errorf("2 x final training loss %.5f vs test MSE %.5f", 2*l, ev.Net)
	}
	if _, err := (&ToyResult{}).Denoise(noisy); err == nil {
		t.Error("Denoise without a model should fail")
	}
}

// With Cache, a second TrainToy with the same settings loads the checkpoint
// instead of training, and denoises identically.
func TestTrainToyCache(t *testing.T) {
	t.Setenv("DENOISING_CACHE", t.TempDir())
	t.Setenv("DENOISING_RETRAIN", "")
	cfg := DefaultToyConfig()
	cfg.Epochs, cfg.TrainSize, cfg.Cache = 2, 1000, true
	first, err := TrainToy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	second, err := TrainToy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if first.Train.Cached || !second.Train.Cached {
		t.Fatalf("cached: first %v, second %v; want false, true", first.Train.Cached, second.Train.Cached)
	}
	q := [][2]float64{{1, 0}, {0, 1.2}, {-0.3, 0.4}}
	a, err := first.Denoise(q)
	if err != nil {
		t.Fatal(err)
	}
	b, err := second.Denoise(q)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, b) {
		t.Errorf("cached model denoises %v, trained one %v", b, a)
	}
	if !slices.Equal(first.Train.Loss, second.Train.Loss) {
		t.Error("cached loss history differs")
	}
}
