package sdae

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/gomlx/gomlx/core/tensors"
)

// Benchmark builds every data set with the right shapes, classes and
// names, deterministically, with test images distinct from training ones;
// it refuses unknown names and image variants without backgrounds.
func TestBenchmark(t *testing.T) {
	if _, err := data.MNIST(data.Test); errors.Is(err, data.ErrNotInstalled) {
		t.Skip(err)
	}
	// Synthetic backgrounds: constant patches of two levels, distinct per split.
	mk := func(v float32) PatchSource {
		p := make([]float32, pixels)
		for i := range p {
			p[i] = v
		}
		src, err := PatchesFromSlice(p)
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
	bg := Backgrounds{Train: mk(0.3), Test: mk(0.6)}
	for _, name := range Benchmarks {
		if name == "fashion-mnist" {
			if _, err := data.FashionMNIST(data.Test); errors.Is(err, data.ErrNotInstalled) {
				continue
			}
		}
		tr, te, err := Benchmark(name, 30, 20, 5, bg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		wantClasses := 10
		if name == "rect" || name == "rect-img" || name == "convex" {
			wantClasses = 2
		}
		for _, s := range []*data.Set{tr, te} {
			if s.H != 28 || s.W != 28 || s.C != 1 || s.NumClasses != wantClasses {
				t.Errorf("%s: set %s is %dx%dx%d with %d classes", name, s.Name, s.H, s.W, s.C, s.NumClasses)
			}
			for _, v := range s.Images {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("%s: value %g outside [0, 1]", name, v)
				}
			}
		}
		if tr.Len() != 30 || te.Len() != 20 || tr.Name != name+"-5/train" || te.Name != name+"-5/test" {
			t.Errorf("%s: %s (%d), %s (%d)", name, tr.Name, tr.Len(), te.Name, te.Len())
		}
		if slices.Equal(tr.Images[:20*pixels], te.Images) {
			t.Errorf("%s: test images equal the training images", name)
		}
		again, _, err := Benchmark(name, 30, 20, 5, bg)
		if err != nil || !slices.Equal(again.Images, tr.Images) || !slices.Equal(again.Labels, tr.Labels) {
			t.Errorf("%s: not deterministic (%v)", name, err)
		}
		// Image backgrounds come from the split's own source.
		if name == "bg-img" {
			if tr.Images[0] != 0.3 || te.Images[0] != 0.6 {
				t.Errorf("bg-img corners %g (train), %g (test): want the 0.3 and 0.6 backgrounds", tr.Images[0], te.Images[0])
			}
		}
	}
	if _, _, err := Benchmark("mnist-basic", 10, 10, 1, bg); err == nil {
		t.Error("unknown name: no error")
	}
	if _, _, err := Benchmark("bg-img", 10, 10, 1, Backgrounds{}); err == nil {
		t.Error("bg-img without backgrounds: no error")
	}
	if _, _, err := Benchmark("mnist", 10, 10001, 1, bg); err == nil {
		t.Error("10001 MNIST test digits: no error")
	}
	for name := range PaperSdA3 {
		if !slices.Contains(Benchmarks, name) {
			t.Errorf("paper result for %q, which is not a benchmark", name)
		}
	}
}

// Compare names its runs after the data, and its final errors are the
// classifiers' test errors; with the cosine schedule the learning rate left
// in the store after S steps is lr (1 + cos(pi (S-1)/S)) / 2.
func TestCompareAndCosine(t *testing.T) {
	trainSet, testSet := orientedBars(t, 300, 3), orientedBars(t, 200, 4)
	cfg := StackConfig{Name: "ignored", Hidden: []int{16, 8}, Noise: Masking(0.2), Classes: 4,
		Batch: 30, PretrainSteps: 30, FinetuneSteps: 20, PretrainLR: 1e-2, FinetuneLR: 1e-2,
		FinetuneCosine: true, EvalEvery: 10, Seed: 2}
	c, err := Compare(cfg, trainSet, testSet)
	if err != nil {
		t.Fatal(err)
	}
	if want := "bars4-300-bars4-200"; c.Config.Name != want {
		t.Errorf("name %q, want %q", c.Config.Name, want)
	}
	for _, r := range []struct {
		ft  *FineTuneResult
		got float64
	}{{c.Pretrained, c.TestPretrained}, {c.Random, c.TestRandom}} {
		e, err := ErrorRate(c.Config, r.ft.Train.Store, testSet)
		if err != nil {
			t.Fatal(err)
		}
		if e != r.got {
			t.Errorf("final error %g, ErrorRate %g", r.got, e)
		}
		v := r.ft.Train.Store.GetVariable("/optimizers/learning_rate")
		if v == nil {
			t.Fatal("no learning-rate variable in the store")
		}
		lrT, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		lr := float64(tensors.ToScalar[float32](lrT))
		want := 1e-2 * (1 + math.Cos(math.Pi*19/20)) / 2
		if math.Abs(lr-want) > 1e-7 {
			t.Errorf("learning rate after 20 cosine steps %g, want %g", lr, want)
		}
	}
	if c.Cached || c.PretrainWall <= 0 || c.PretrainedWall <= 0 || c.RandomWall <= 0 {
		t.Errorf("timings %v %v %v, cached %v", c.PretrainWall, c.PretrainedWall, c.RandomWall, c.Cached)
	}
}
