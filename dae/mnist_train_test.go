package dae

import (
	"errors"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/img"
	"github.com/dlc-go/denoising/kit/train"
	"github.com/gomlx/gomlx/core/tensors"
)

func TestMNISTConfigValidate(t *testing.T) {
	for _, c := range LectureCorruptions() {
		if err := DefaultMNISTConfig(c).Validate(); err != nil {
			t.Errorf("%s: %v", c.Name(), err)
		}
	}
	for name, mod := range map[string]func(*MNISTConfig){
		"nil corruption": func(c *MNISTConfig) { c.Corruption = nil },
		"bad corruption": func(c *MNISTConfig) { c.Corruption = Erasure{P: 2} },
		"big block":      func(c *MNISTConfig) { c.Corruption = Block{Size: 29} },
		"bottleneck":     func(c *MNISTConfig) { c.Bottleneck = 0 },
		"batch":          func(c *MNISTConfig) { c.Batch = 0 },
		"size<batch":     func(c *MNISTConfig) { c.TrainSize = c.Batch - 1 },
		"size>60000":     func(c *MNISTConfig) { c.TrainSize = 60001 },
		"steps":          func(c *MNISTConfig) { c.Steps = 0 },
		"lr":             func(c *MNISTConfig) { c.LearningRate = 0 },
	} {
		c := DefaultMNISTConfig(Erasure{P: 0.5})
		mod(&c)
		if c.Validate() == nil {
			t.Errorf("%s: want an error", name)
		}
		if _, err := TrainMNIST(c); err == nil {
			t.Errorf("%s: TrainMNIST should fail", name)
		}
	}
	if got := DefaultMNISTConfig(Block{Size: 10}).Name(); got != "dae/mnist-block-10-b16" {
		t.Errorf("Name() = %q", got)
	}
}

func TestDefaultMNISTConfigBudget(t *testing.T) {
	t.Setenv(train.EnvBudget, "quick")
	q := DefaultMNISTConfig(Erasure{P: 0.5})
	t.Setenv(train.EnvBudget, "full")
	f := DefaultMNISTConfig(Erasure{P: 0.5})
	if q.Steps != MNISTQuickSteps || q.Batch != MNISTQuickBatch || q.TrainSize != MNISTQuickTrainSize {
		t.Errorf("quick config %+v", q)
	}
	if f.Steps != 3000 || f.Batch != 100 || f.TrainSize != 60000 || f.LearningRate != 1e-3 {
		t.Errorf("full config %+v", f)
	}
}

func floats(t *testing.T, x *tensors.Tensor) []float32 {
	t.Helper()
	v, err := tensors.CopyFlatData[float32](x)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMNISTBatches on a synthetic set whose image i is filled with the
// value (i+1)/100: an epoch visits the first TrainSize images once, labels
// are the clean images, inputs their corruption (erased pixels 0, others
// intact), and a batch depends only on (cfg, step).
func TestMNISTBatches(t *testing.T) {
	const total, size = 20, 784
	images := make([]float32, total*size)
	for i := range total {
		for p := range size {
			images[i*size+p] = float32(i+1) / 100
		}
	}
	set, err := data.NewSet("synthetic", images, nil, 0, 28, 28, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := MNISTConfig{Corruption: Erasure{P: 0.5}, Bottleneck: 2, TrainSize: 12, Batch: 4, Steps: 6, LearningRate: 1e-3, Seed: 3}
	bf, err := mnistBatches(cfg, set)
	if err != nil {
		t.Fatal(err)
	}
	var epoch0 []float32
	var inputs0 [][]float32
	for step := range 3 {
		in, lab, err := bf(step)
		if err != nil {
			t.Fatal(err)
		}
		if d := in[0].Shape().Dimensions; !slices.Equal(d, []int{4, 28, 28, 1}) {
			t.Fatalf("input shape %v", d)
		}
		x, y := floats(t, in[0]), floats(t, lab[0])
		inputs0 = append(inputs0, x)
		erased := 0
		for k := range 4 {
			epoch0 = append(epoch0, y[k*size])
			for p := range size {
				switch v := x[k*size+p]; {
				case v == 0:
					erased++
				case v != y[k*size+p]:
					t.Fatalf("step %d: input pixel %g is neither 0 nor the clean %g", step, v, y[k*size+p])
				}
			}
		}
		if erased < 4*size/2-300 || erased > 4*size/2+300 { // Binomial(3136, 0.5): sd 28
			t.Errorf("step %d: %d of %d pixels erased", step, erased, 4*size)
		}
	}
	slices.Sort(epoch0)
	for i, v := range epoch0 {
		if v != float32(i+1)/100 {
			t.Fatalf("epoch 0 visits %v, want the first 12 images once each", epoch0)
		}
	}
	// Epoch 1 reshuffles and re-corrupts; a fresh BatchFn reproduces step 1.
	in3, _, _ := bf(3)
	if slices.Equal(floats(t, in3[0]), inputs0[0]) {
		t.Error("step 3 repeats step 0")
	}
	bf2, _ := mnistBatches(cfg, set)
	in1, _, _ := bf2(1)
	if !slices.Equal(floats(t, in1[0]), inputs0[1]) {
		t.Error("batch of step 1 is not reproducible")
	}
	if _, err := mnistBatches(MNISTConfig{TrainSize: 21, Batch: 4}, set); err == nil {
		t.Error("TrainSize beyond the set should fail")
	}
}

// mnistOrSkip loads an MNIST split, skipping the test when it is not installed.
func mnistOrSkip(t *testing.T, split data.Split) *data.Set {
	t.Helper()
	load := func() (*data.Set, error) { return data.MNIST(split) }
	if split == data.Train {
		load = mnistTrainSet // the copy TrainMNIST uses, loaded once
	}
	s, err := load()
	if errors.Is(err, data.ErrNotInstalled) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tinyMNISTConfig trains on 4 digits for 2 steps: enough to check the
// plumbing (about 1 s), not to learn.
func tinyMNISTConfig(c Corruption) MNISTConfig {
	return MNISTConfig{Corruption: c, Bottleneck: 4, TrainSize: 4, Batch: 4, Steps: 2, LearningRate: 1e-3, Seed: 5}
}

// TestTrainMNISTTiny runs two training steps on 4 digits: the loss is
// finite and near its value for an untrained net (about 0.5 * 784 * E[x_norm^2]
// per image, a few hundred), the result is deterministic, and the trained
// model denoises and evaluates on test digits.
func TestTrainMNISTTiny(t *testing.T) {
	mnistOrSkip(t, data.Train)
	test := mnistOrSkip(t, data.Test)
	cfg := tinyMNISTConfig(Block{Size: 10})
	res, err := TrainMNIST(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Train.Loss) != 2 {
		t.Fatalf("loss history %v", res.Train.Loss)
	}
	for _, l := range res.Train.Loss {
		if math.IsNaN(l) || math.IsInf(l, 0) || l < 50 || l > 2000 {
			t.Errorf("loss %g: want finite, a few hundred", l)
		}
	}
	again, err := TrainMNIST(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Train.Loss, again.Train.Loss) {
		t.Errorf("not deterministic: %v vs %v", res.Train.Loss, again.Train.Loss)
	}

	ev, err := EvaluateMNIST(res, test, nil, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if ev.N != 10 || ev.Corruption != "block-10" || ev.Examples.N != MNISTExampleCount {
		t.Errorf("eval %+v", ev)
	}
	for _, v := range []float64{ev.CorruptedPSNR, ev.DenoisedPSNR, ev.CorruptedMaskedPSNR, ev.DenoisedMaskedPSNR} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("non-finite PSNR in %s", ev)
		}
	}
	// A block only removes ink: the corrupted input is closer to the clean
	// digit over the whole image than inside the block.
	if !(ev.CorruptedPSNR > ev.CorruptedMaskedPSNR) {
		t.Errorf("whole-image PSNR %g should exceed the in-block PSNR %g", ev.CorruptedPSNR, ev.CorruptedMaskedPSNR)
	}
	if g, err := ev.Examples.Grid(img.GridOptions{}); err != nil || g.Bounds().Dx() != 8*28 || g.Bounds().Dy() != 3*28 {
		t.Errorf("grid: %v, %v", err, g)
	}
	if _, err := EvaluateMNIST(res, test, nil, 1, 0); err == nil {
		t.Error("n = 0 should fail")
	}
	if _, err := res.Denoise(make([]float32, 783), 1); err == nil {
		t.Error("Denoise with 783 values should fail")
	}
}

// TestTrainMNISTCache: a second run with the same settings is loaded from
// the cache with the same loss history; another corruption is not.
func TestTrainMNISTCache(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three tiny models")
	}
	mnistOrSkip(t, data.Train)
	t.Setenv(train.EnvCache, t.TempDir())
	t.Setenv(train.EnvRetrain, "")
	cfg := tinyMNISTConfig(Erasure{P: 0.5})
	cfg.Steps = 1
	cfg.Cache = true
	first, err := TrainMNIST(cfg)
	if err != nil {
		t.Fatal(err)
	}
	second, err := TrainMNIST(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if first.Train.Cached || !second.Train.Cached || !slices.Equal(first.Train.Loss, second.Train.Loss) {
		t.Errorf("cached: %v then %v; losses %v vs %v", first.Train.Cached, second.Train.Cached, first.Train.Loss, second.Train.Loss)
	}
	cfg.Corruption = Erasure{P: 0.9}
	other, err := TrainMNIST(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if other.Train.Cached {
		t.Error("a different corruption was loaded from the cache")
	}
}

// TestLoadOrEvaluateMNIST: the evaluation of a cached model is written
// beside the checkpoint and read back equal (NaN masked PSNRs of additive
// noise included); a model without a cache key is evaluated directly.
func TestLoadOrEvaluateMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two tiny models")
	}
	mnistOrSkip(t, data.Train)
	test := mnistOrSkip(t, data.Test)
	dir := t.TempDir()
	t.Setenv(train.EnvCache, dir)
	t.Setenv(train.EnvRetrain, "")
	for _, c := range []Corruption{Block{Size: 10}, Gaussian{SigmaNorm: 2}} {
		cfg := tinyMNISTConfig(c)
		cfg.Steps, cfg.Cache = 1, true
		res, err := TrainMNIST(cfg)
		if err != nil {
			t.Fatal(err)
		}
		first, err := LoadOrEvaluateMNIST("", res, test, nil, 3, 12)
		if err != nil {
			t.Fatal(err)
		}
		path, err := MNISTEvalCachePath(dir, res.Train.Key, c, 3, 12)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("%s: evaluation not cached: %v", c.Name(), err)
		}
		second, err := LoadOrEvaluateMNIST("", res, test, nil, 3, 12)
		if err != nil {
			t.Fatal(err)
		}
		same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
		if first.String() != second.String() || !same(first.DenoisedMaskedPSNR, second.DenoisedMaskedPSNR) ||
			!slices.Equal(first.Examples.Denoised, second.Examples.Denoised) || !slices.Equal(first.Examples.Mask, second.Examples.Mask) {
			t.Errorf("%s: cached evaluation differs:\n%s\n%s", c.Name(), first, second)
		}
		if _, isBlock := c.(Block); isBlock == math.IsNaN(second.DenoisedMaskedPSNR) {
			t.Errorf("%s: masked PSNR %g", c.Name(), second.DenoisedMaskedPSNR)
		}
		direct, err := EvaluateMNIST(res, test, nil, 3, 12)
		if err != nil || direct.String() != first.String() {
			t.Errorf("%s: direct evaluation %v (%v) differs from %v", c.Name(), direct, err, first)
		}
	}
	// Without a cache key: evaluated directly, nothing written.
	cfg := tinyMNISTConfig(Erasure{P: 0.5})
	cfg.Steps = 1
	res, err := TrainMNIST(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrEvaluateMNIST("", res, test, nil, 3, 12); err != nil {
		t.Fatal(err)
	}
	if _, err := MNISTEvalCachePath(dir, res.Train.Key, cfg.Corruption, 3, 12); err == nil {
		t.Error("an empty key should give no cache path")
	}
}
