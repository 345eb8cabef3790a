package sdae

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dlc-go/denoising/kit/data"
)

// orientedBars returns a labelled set of n 8x8 images, class c in 0..3 a
// line at orientation c*45 degrees at a random offset, on a background of
// uniform noise in [0, 0.3].
func orientedBars(t *testing.T, n int, seed uint64) *data.Set {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n*64)
	y := make([]int, n)
	for i := 0; i < n; i++ {
		img := x[i*64 : (i+1)*64]
		for k := range img {
			img[k] = 0.3 * rng.Float32()
		}
		c := rng.IntN(4)
		y[i] = c
		off := rng.IntN(5) - 2
		for p := 0; p < 8; p++ {
			var r, q int
			switch c {
			case 0:
				r, q = 3+off, p
			case 1:
				r, q = p+off, p
			case 2:
				r, q = p, 3+off
			case 3:
				r, q = p, 7-p+off
			}
			if r >= 0 && r < 8 && q >= 0 && q < 8 {
				img[r*8+q] = 1
			}
		}
	}
	s, err := data.NewSet("bars4", x, y, 4, 8, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStackBars pretrains a 2-layer stack on 4-class oriented bars and
// fine-tunes it: the test error must end low, the curve must have the
// expected points, and 1 fine-tuning step at a negligible learning rate
// must leave the pretrained weights in place (they were loaded), while the
// random control starts elsewhere.
func TestStackBars(t *testing.T) {
	trainSet, testSet := orientedBars(t, 600, 1), orientedBars(t, 400, 2)
	cfg := StackConfig{Name: "bars4-test", Hidden: []int{32, 16}, Noise: Masking(0.2), Classes: 4,
		Batch: 30, PretrainSteps: 200, FinetuneSteps: 200, PretrainLR: 1e-2, FinetuneLR: 1e-2,
		EvalEvery: 100, Seed: 1}
	pre, err := PretrainStack(cfg, trainSet)
	if err != nil {
		t.Fatal(err)
	}
	if len(pre.Layers) != 2 || pre.Layers[0].D != 64 || pre.Layers[1].D != 32 {
		t.Fatalf("layers: %d, dims %d, %d", len(pre.Layers), pre.Layers[0].D, pre.Layers[1].D)
	}
	ft, err := FineTune(cfg, pre, trainSet, testSet)
	if err != nil {
		t.Fatal(err)
	}
	if len(ft.Curve) != 2 || ft.Curve[0].Step != 100 || ft.Curve[1].Step != 200 {
		t.Fatalf("curve %v", ft.Curve)
	}
	errRate, err := ErrorRate(cfg, ft.Train.Store, testSet)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pretrained + fine-tuned: test error curve %v; %s", ft.Curve, ft.Train)
	if errRate != ft.Curve[1].Value {
		t.Errorf("ErrorRate %g != last curve point %g", errRate, ft.Curve[1].Value)
	}
	if errRate > 0.1 {
		t.Errorf("test error %.3f, want <= 0.1 (chance 0.75)", errRate)
	}
	pred, err := Classify(cfg, ft.Train.Store, testSet)
	if err != nil || len(pred) != testSet.Len() {
		t.Fatalf("Classify: %d predictions, %v", len(pred), err)
	}

	// Loading: one step at lr 1e-9 moves Adam's weights by ~1e-9.
	tiny := cfg
	tiny.FinetuneSteps, tiny.FinetuneLR, tiny.ControlLR, tiny.EvalEvery = 1, 1e-9, 2e-9, 0
	for _, pretrained := range []bool{true, false} {
		p := pre
		if !pretrained {
			p = nil
		}
		r, err := FineTune(tiny, p, trainSet, testSet)
		if err != nil {
			t.Fatal(err)
		}
		// ControlLR is the control's rate only, folded into FinetuneLR.
		if want := map[bool]float64{true: 1e-9, false: 2e-9}[pretrained]; r.Config.FinetuneLR != want || r.Config.ControlLR != 0 {
			t.Errorf("pretrained %v: run config rates %g, %g; want %g, 0", pretrained, r.Config.FinetuneLR, r.Config.ControlLR, want)
		}
		for l := range cfg.Hidden {
			w, b, err := LayerWeights(r.Train.Store, l)
			if err != nil {
				t.Fatal(err)
			}
			w0, b0, err := pre.Layers[l].Weights()
			if err != nil {
				t.Fatal(err)
			}
			if len(w) != len(w0) || len(b) != len(b0) {
				t.Fatalf("layer %d: shapes %d/%d vs %d/%d", l, len(w), len(b), len(w0), len(b0))
			}
			diff := 0.0
			for i := range w {
				diff = math.Max(diff, math.Abs(float64(w[i]-w0[i])))
			}
			if pretrained && diff > 1e-6 {
				t.Errorf("layer %d: fine-tuned W differs from the pretrained W by %g", l, diff)
			}
			if !pretrained && diff < 0.01 {
				t.Errorf("layer %d: the random control has the pretrained W (max diff %g)", l, diff)
			}
		}
	}

	// FinetuneMomentum switches fine-tuning to SGD with momentum: the store
	// then holds one velocity per weight and no Adam moments; momentum 1 is
	// rejected.
	sgd := tiny
	sgd.FinetuneMomentum = 0.9
	r, err := FineTune(sgd, pre, trainSet, testSet)
	if err != nil {
		t.Fatal(err)
	}
	velocities, moments := 0, 0
	for v := range r.Train.Store.IterVariables() {
		switch {
		case strings.HasSuffix(v.Name(), "_velocity"):
			velocities++
		case strings.Contains(v.Name(), "_moment"):
			moments++
		}
	}
	if velocities != 2*len(cfg.Hidden)+2 || moments != 0 {
		t.Errorf("momentum fine-tuning: %d velocities (want %d), %d Adam moments (want 0)", velocities, 2*len(cfg.Hidden)+2, moments)
	}
	sgd.FinetuneMomentum = 1
	if err := sgd.Validate(); err == nil {
		t.Error("FinetuneMomentum 1 accepted")
	}

	// The control trains too (same budget).
	ctrl, err := FineTune(cfg, nil, trainSet, testSet)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("random init: test error curve %v", ctrl.Curve)
	if ctrl.Pretrained || !ft.Pretrained {
		t.Error("Pretrained flags wrong")
	}

	bad := cfg
	bad.Hidden = []int{32, 0}
	if _, err := PretrainStack(bad, trainSet); err == nil {
		t.Error("zero-width layer: no error")
	}
	bad = cfg
	bad.Hidden = []int{32}
	if _, err := FineTune(bad, pre, trainSet, testSet); err == nil {
		t.Error("stack/config mismatch: no error")
	}
}

// TestSdA3MNIST checks that the MNIST recipe is SdA3 with only the
// fine-tuning rate set: the pretrained layers (and so their cache entries)
// are the same, the cosine ramp starts at MNISTFinetuneLR, and the
// control has no rate of its own (it shares MNISTFinetuneLR).
func TestSdA3MNIST(t *testing.T) {
	base, tuned := SdA3(1000, 600, 6000, 600), SdA3MNIST(1000, 600, 6000, 600)
	if err := tuned.Validate(); err != nil {
		t.Fatal(err)
	}
	if tuned.FinetuneLR != MNISTFinetuneLR || !tuned.FinetuneCosine || tuned.ControlLR != 0 || base.ControlLR != 0 {
		t.Errorf("fine-tuning rate %g (cosine %v, control %g), SdA3's control %g; want %g, cosine, no control rate",
			tuned.FinetuneLR, tuned.FinetuneCosine, tuned.ControlLR, base.ControlLR, MNISTFinetuneLR)
	}
	for l := range base.Hidden {
		a, b := base.layerConfig(l), tuned.layerConfig(l)
		a.Progress, b.Progress = nil, nil
		if fmt.Sprintf("%+v", a) != fmt.Sprintf("%+v", b) {
			t.Errorf("layer %d: pretraining differs: %+v vs %+v", l, a, b)
		}
	}
	tuned.FinetuneLR, tuned.ControlLR = base.FinetuneLR, 0
	if fmt.Sprintf("%+v", tuned) != fmt.Sprintf("%+v", base) {
		t.Errorf("SdA3MNIST differs from SdA3 beyond the fine-tuning rates: %+v vs %+v", tuned, base)
	}
}
