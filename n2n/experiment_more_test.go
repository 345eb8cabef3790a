package n2n

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/dlc-go/denoising/kit/train"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// evalLoss computes the graph loss of ExperimentLoss(name) on pred and
// target (both [1, 2, 2, 1]) with gamma as the second label when > 0.
func evalLoss(t *testing.T, name string, pred, target []float32, gamma float64) float64 {
	t.Helper()
	fn, err := ExperimentLoss(name)
	if err != nil {
		t.Fatal(err)
	}
	ins := []any{tensors.FromFlatDataAndDimensions(pred, 1, 2, 2, 1), tensors.FromFlatDataAndDimensions(target, 1, 2, 2, 1)}
	if gamma > 0 {
		ins = append(ins, tensors.FromScalar(float32(gamma)))
	}
	out, err := ExecOnce(backend.Shared(), func(in []*Node) *Node {
		return fn(in[1:], in[:1])
	}, ins...)
	if err != nil {
		t.Fatal(err)
	}
	return float64(tensors.ToScalar[float32](out))
}

// TestExperimentLoss checks the graph losses against hand-computed values:
// residuals r = (0.1, -0.2, 0.4, 0) give L2 = 0.21/4, L1 = 0.7/4 and
// L0(gamma) = mean (|r| + 1e-8)^gamma (1e-8^gamma for the zero residual).
func TestExperimentLoss(t *testing.T) {
	pred := []float32{0.6, 0.3, 0.9, 0.5}
	target := []float32{0.5, 0.5, 0.5, 0.5}
	r := []float64{0.1, 0.2, 0.4, 0}
	l0 := func(g float64) float64 {
		s := 0.0
		for _, v := range r {
			s += math.Pow(v+PaperL0Eps, g)
		}
		return s / 4
	}
	for _, c := range []struct {
		name  string
		gamma float64
		want  float64
	}{
		{LossNameL2, 0, 0.21 / 4}, {"", 0, 0.21 / 4}, {LossNameL1, 0, 0.7 / 4},
		{LossNameL0, 2, 0.21 / 4}, {LossNameL0, 1, 0.7 / 4}, {LossNameL0, 0.5, l0(0.5)}, {LossNameL0, 0.1, l0(0.1)},
	} {
		got := evalLoss(t, c.name, pred, target, c.gamma)
		if math.Abs(got-c.want) > 2e-6*max(1, c.want) {
			t.Errorf("loss %q gamma %g: %.7f, want %.7f", c.name, c.gamma, got, c.want)
		}
	}
	if _, err := ExperimentLoss("l3"); err == nil {
		t.Error("unknown loss: no error")
	}
}

func TestAnnealGamma(t *testing.T) {
	for _, c := range []struct {
		step, steps int
		want        float64
	}{{0, 100, 2}, {50, 100, 1}, {99, 100, 0.02}, {100, 100, 0}, {-1, 10, 2}, {0, 0, 2}} {
		if got := AnnealGamma(c.step, c.steps); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("AnnealGamma(%d, %d) = %g, want %g", c.step, c.steps, got, c.want)
		}
	}
}

// TestExperimentConfigsNoises: the four notebook configurations validate,
// and their test and training noises are the stated ones.
func TestExperimentConfigsNoises(t *testing.T) {
	cfgs := ExperimentConfigs()
	want := []string{NoiseGaussian, NoisePoisson, NoiseText, NoiseImpulse}
	if len(cfgs) != len(want) {
		t.Fatalf("%d configurations, want %d", len(cfgs), len(want))
	}
	for i, c := range cfgs {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.Noise, err)
		}
		if c.Noise != want[i] {
			t.Errorf("config %d: noise %q, want %q", i, c.Noise, want[i])
		}
		te, _ := c.NoiseModel()
		tr, _ := c.TrainNoiseModel()
		switch c.Noise {
		case NoisePoisson:
			if te != (Poisson{Lambda: 30}) || tr != (Poisson{Lambda: 30}) {
				t.Errorf("poisson: test %+v, train %+v", te, tr)
			}
		case NoiseText:
			if te.(Text).P != 0.25 || tr.(Text).PMax != 0.5 || c.Loss != LossNameL1 || c.CompareLoss != LossNameL2 {
				t.Errorf("text: test %+v, train %+v, loss %q/%q", te, tr, c.Loss, c.CompareLoss)
			}
		case NoiseImpulse:
			if te != (Impulse{P: 0.5}) || tr != (Impulse{P: 0.5, PMax: 0.95}) || c.Loss != LossNameL0 || c.CompareLoss != LossNameL1 {
				t.Errorf("impulse: test %+v, train %+v, loss %q/%q", te, tr, c.Loss, c.CompareLoss)
			}
		}
	}
	for name, mod := range map[string]func(*ExperimentConfig){
		"loss":          func(c *ExperimentConfig) { c.Loss = "huber" },
		"compare loss":  func(c *ExperimentConfig) { c.CompareLoss = "l3" },
		"train max":     func(c *ExperimentConfig) { c.TrainMax = -1 },
		"poisson max":   func(c *ExperimentConfig) { c.Noise, c.TrainMax = NoisePoisson, 0.5 },
		"text p":        func(c *ExperimentConfig) { c.Noise, c.P = NoiseText, 0.99 },
		"text max":      func(c *ExperimentConfig) { c.Noise, c.P, c.TrainMax = NoiseText, 0.2, 0.99 },
		"impulse p":     func(c *ExperimentConfig) { c.Noise, c.P = NoiseImpulse, 1.5 },
		"impulse max":   func(c *ExperimentConfig) { c.Noise, c.P, c.TrainMax = NoiseImpulse, 0.5, 2 },
		"unknown noise": func(c *ExperimentConfig) { c.Noise = "salt" },
	} {
		cfg := tinyConfig()
		mod(&cfg)
		if cfg.Validate() == nil {
			t.Errorf("%s: Validate() = nil", name)
		}
	}
}

// TestBatchImpulseBlind: with impulse noise and TrainMax, each crop of the
// input and of the target has its own replacement rate drawn from
// [0, TrainMax] (the fractions of changed pixels spread out, none above
// TrainMax + slack), while the held-out tiles use the fixed P.
func TestBatchImpulseBlind(t *testing.T) {
	cfg := tinyConfig()
	cfg.Noise, cfg.P, cfg.TrainMax, cfg.Batch, cfg.EvalN = NoiseImpulse, 0.5, 0.95, 16, 4
	d := tinyData(t, cfg)
	p, err := d.Batch(TargetNoisy, 0)
	if err != nil {
		t.Fatal(err)
	}
	frac := func(y, x []float32) float64 {
		n := 0
		for i := range y {
			if y[i] != x[i] {
				n++
			}
		}
		return float64(n) / float64(len(y))
	}
	size := cfg.Crop * cfg.Crop
	lo, hi := 1.0, 0.0
	for k := range cfg.Batch {
		for _, y := range [][]float32{p.Input, p.Target} {
			f := frac(y[k*size:(k+1)*size], p.Clean[k*size:(k+1)*size])
			lo, hi = min(lo, f), max(hi, f)
		}
	}
	// 32 draws of p ~ U[0, 0.95]: the smallest is below 0.25 and the largest
	// above 0.7 except with probability < 2 * (1 - 0.25/0.95)^32 ~ 1e-4; the
	// binomial noise of 1024 pixels is ~0.016.
	if lo > 0.25 || hi < 0.7 || hi > 0.95+0.05 {
		t.Errorf("per-crop replaced fractions in [%.3f, %.3f], want spread over [0, 0.95]", lo, hi)
	}
	// Held-out tiles: 4 x 1024 pixels at p = 0.5, s.e. 0.008.
	if f := frac(d.EvalNoisy, d.EvalClean); math.Abs(f-0.5) > 0.04 {
		t.Errorf("held-out tiles: replaced fraction %.3f, want 0.5", f)
	}
}

// TestRunExperimentCompare trains the impulse experiment for two steps
// with the annealed L0 loss and an L1 comparison run: three distinct
// cached runs, finite losses, and a summary table naming them.
func TestRunExperimentCompare(t *testing.T) {
	t.Setenv("DENOISING_CACHE", t.TempDir())
	t.Setenv("DENOISING_RETRAIN", "")
	cfg := tinyConfig()
	cfg.Noise, cfg.P, cfg.TrainMax, cfg.Loss, cfg.CompareLoss, cfg.Residual = NoiseImpulse, 0.5, 0.95, LossNameL0, LossNameL1, true
	d := tinyData(t, cfg)
	var seen []string
	res, err := d.RunExperiment(func(tg Target, loss string) func(train.Progress) {
		seen = append(seen, tg.String()+"/"+loss)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(seen, ",") != "N2C/l0,N2N/l0,N2N/l1" {
		t.Errorf("runs %v, want N2C/l0, N2N/l0, N2N/l1", seen)
	}
	keys := map[string]bool{}
	for _, m := range res.Denoisers() {
		keys[m.Train.Key] = true
		for i, l := range m.Train.Loss {
			if math.IsNaN(l) || math.IsInf(l, 0) || l <= 0 {
				t.Errorf("%s: loss[%d] = %g", m.Label(), i, l)
			}
		}
		if math.IsNaN(m.PSNR) {
			t.Errorf("%s: PSNR NaN", m.Label())
		}
	}
	if len(keys) != 3 {
		t.Errorf("%d distinct cache keys for the 3 runs", len(keys))
	}
	if res.Compare == nil || res.Compare.Config.Loss != LossNameL1 || res.N2N.Config.Loss != LossNameL0 {
		t.Fatalf("compare run missing or with the wrong loss")
	}
	tab := SummaryTable([]*ExperimentResult{res})
	for _, s := range []string{"impulse p=0.5", "impulse p ~ U[0, 0.95]", "annealed L0", "(L1)", "median"} {
		if !strings.Contains(tab, s) {
			t.Errorf("summary table lacks %q:\n%s", s, tab)
		}
	}
	// Per image: one row per test image; the means are the table's.
	if len(res.NoisyPSNRs) != len(d.Test) || math.Abs(Mean(res.NoisyPSNRs)-res.NoisyPSNR) > 1e-12 {
		t.Errorf("noisy PSNRs %v, mean %.4f", res.NoisyPSNRs, res.NoisyPSNR)
	}
	for _, m := range res.Denoisers() {
		if len(m.PSNRs) != len(d.Test) || math.Abs(Mean(m.PSNRs)-m.PSNR) > 1e-12 {
			t.Errorf("%s: PSNRs %v, mean %.4f", m.Label(), m.PSNRs, m.PSNR)
		}
	}
	it, err := res.ImageTable([]string{"first", "second"})
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(it), "\n"); len(lines) != 4 || !strings.HasPrefix(lines[3], "| second | "+fmt.Sprintf("%.2f", res.NoisyPSNRs[1])) {
		t.Errorf("image table:\n%s", it)
	}
	if _, err := res.ImageTable([]string{"one"}); err == nil {
		t.Error("ImageTable with 1 name for 2 images: no error")
	}
}
