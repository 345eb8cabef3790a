package sr

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/img"
)

// Hand-computed: F = 1, B = 0, x2, one LR pixel: head 9·3 = 27, body's
// last conv 9, upsampler 9·1·4 = 36, tail 4 HR pixels · 27 = 108.
// Activations: 3 (head input) + 1 (body conv) + 1 (upsampler) + 4 (tail).
func TestEDSRMACsHand(t *testing.T) {
	c := EDSRConfig{Blocks: 0, Feats: 1, ResScale: 1, Scale: 2, RGBRange: 1}
	if got := EDSRMACs(c, 1, 1, 1); got != 180 {
		t.Errorf("EDSRMACs = %d, want 180", got)
	}
	if got := EDSRActivations(c, 1, 1, 1); got != 9 {
		t.Errorf("EDSRActivations = %d, want 9", got)
	}
	// x4 with F = 2, B = 1 on 2 LR pixels: head 2·54 = 108; body 3 convs
	// 3·2·36 = 216; upsampler 2·(9·2·8) + 8·(9·2·8) = 1440; tail 32·54 = 1728.
	c = EDSRConfig{Blocks: 1, Feats: 2, ResScale: 1, Scale: 4, RGBRange: 1}
	if got := EDSRMACs(c, 1, 1, 2); got != 108+216+1440+1728 {
		t.Errorf("EDSRMACs x4 = %d, want %d", got, 108+216+1440+1728)
	}
	// 2·(3 + 3·2) + 2·2 + 8·2 + 32·2
	if got := EDSRActivations(c, 2, 1, 1); got != 18+4+16+64 {
		t.Errorf("EDSRActivations x4 = %d, want %d", got, 18+4+16+64)
	}
}

// The MACs recorded while building the graph equal the closed form, and
// the parameters the built variables.
func TestMeasureEDSRCost(t *testing.T) {
	for _, c := range []EDSRConfig{
		{Blocks: 2, Feats: 8, ResScale: 1, Scale: 2, RGBRange: 1},
		{Blocks: 1, Feats: 4, ResScale: 0.1, Scale: 3, RGBRange: 1},
		{Blocks: 0, Feats: 6, ResScale: 1, Scale: 4, RGBRange: 1},
		EDSRPaper(4),
	} {
		cost, err := MeasureEDSRCost(c, 3, 5)
		if err != nil {
			t.Fatal(err)
		}
		if want := EDSRMACs(c, 3, 5, 5); cost.MACs != want {
			t.Errorf("%+v: graph MACs %d, closed form %d", c, cost.MACs, want)
		}
		if want := EDSRParams(c); cost.Params != want {
			t.Errorf("%+v: %d parameters, want %d", c, cost.Params, want)
		}
		if cost.TrainFLOPs() != 6*float64(cost.MACs) {
			t.Errorf("TrainFLOPs %g", cost.TrainFLOPs())
		}
		if want := 16*float64(cost.Params) + 8*float64(cost.Activations); cost.TrainBytes() != want {
			t.Errorf("TrainBytes %g, want %g", cost.TrainBytes(), want)
		}
	}
	p, err := MeasureEDSRCost(EDSRPaper(4), 16, 48)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("paper EDSR x4, 16 patches 48x48: %.3g MACs, %.3g TFLOP/step, %.2f GB", float64(p.MACs), p.TrainFLOPs()/1e12, p.TrainBytes()/1e9)
	if _, err := MeasureEDSRCost(EDSRConfig{Blocks: 1, Feats: 4, ResScale: 1, Scale: 5, RGBRange: 1}, 1, 4); err == nil {
		t.Error("scale 5 accepted")
	}
	if _, err := MeasureEDSRCost(EDSRBaseline(2), 0, 4); err == nil {
		t.Error("batch 0 accepted")
	}
}

// Training with EvalEvery records the held-out PSNR; the last one is the
// EDSR row of the evaluation with the same crops (same protocol), and
// Upscale gives the same images as the evaluation.
func TestTrainEDSREvalEvery(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var ims, test []*data.Image
	for i := range 3 {
		ims = append(ims, smoothImage(rng, "tr", 30+2*i, 34))
	}
	for range 2 {
		test = append(test, smoothImage(rng, "te", 28, 30))
	}
	pairs, err := MakePairs(ims, 2)
	if err != nil {
		t.Fatal(err)
	}
	cfg := EDSRTrainConfig{Net: EDSRConfig{Blocks: 1, Feats: 8, ResScale: 1, Scale: 2, RGBRange: 1},
		PhotoFactor: 1, Patch: 6, Batch: 2, Steps: 3, Learning: 1e-3, Seed: 1, EvalEvery: 2, EvalCrop: 20}
	res, err := trainEDSROn(cfg, pairs, test)
	if err != nil {
		t.Fatal(err)
	}
	ev := res.Train.Evals
	if len(ev) != 2 || ev[0].Step != 2 || ev[1].Step != 3 {
		t.Fatalf("evaluations at %+v, want steps 2 and 3", ev)
	}
	full, err := evaluateEDSROn(res, test, 2, 20)
	if err != nil {
		t.Fatal(err)
	}
	if got := full.Rows[len(full.Rows)-1].PSNR; math.Abs(got-ev[1].Value) > 1e-6 {
		t.Errorf("PSNR during training %.6f, evaluation %.6f", ev[1].Value, got)
	}
	hr, lr, names, err := heldOutCropsOf(test, 2, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 2 || len(hr) != 2*20*20*3 || len(lr) != 2*10*10*3 {
		t.Fatalf("crops: %d names, %d HR, %d LR values", len(names), len(hr), len(lr))
	}
	up, err := res.Upscale(lr, 2, 10, 10)
	if err != nil {
		t.Fatal(err)
	}
	p, err := img.Protocol{Luminance: true, Border: 2}.MeanPSNR(up, hr, img.Shape{N: 2, H: 20, W: 20, C: 3})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p-ev[1].Value) > 1e-6 {
		t.Errorf("Upscale gives %.6f dB, the evaluation %.6f", p, ev[1].Value)
	}
	if _, err := res.Upscale(lr, 3, 10, 10); err == nil {
		t.Error("wrong length accepted")
	}
	bad := cfg
	bad.EvalCrop = 21
	if _, err := trainEDSROn(bad, pairs, test); err == nil {
		t.Error("EvalCrop not a multiple of the scale accepted")
	}
	if _, err := trainEDSROn(cfg, pairs, nil); err == nil {
		t.Error("EvalEvery without held-out images accepted")
	}
}

// InitFrom: the x2 network's head, body and last convolution start the x3
// network (copied exactly, and not re-initialised by training), the
// upsampler does not.
func TestEDSRInitFromX2(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	var ims []*data.Image
	for i := range 2 {
		ims = append(ims, smoothImage(rng, "tr", 36+6*i, 36))
	}
	net := EDSRConfig{Blocks: 1, Feats: 4, ResScale: 1, Scale: 2, RGBRange: 1}
	c2 := EDSRTrainConfig{Net: net, PhotoFactor: 1, Patch: 5, Batch: 2, Steps: 2, Learning: 1e-3, Seed: 1}
	p2, err := MakePairs(ims, 2)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := trainEDSROn(c2, p2, nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := initialStore(r2.Train.Store)
	if err != nil {
		t.Fatal(err)
	}
	copied := map[string]bool{}
	for v := range store.IterVariables() {
		copied[v.Path()] = true
		if strings.HasPrefix(v.Path(), "/tail/0/") {
			t.Errorf("upsampler variable %s copied", v.Path())
		}
	}
	for _, want := range []string{"/head/0/weights", "/body/0/body/2/weights", "/body/1/weights", "/tail/1/weights"} {
		found := false
		for p := range copied {
			found = found || strings.HasPrefix(p, want)
		}
		if !found {
			t.Errorf("no copied variable under %s (copied: %v)", want, copied)
		}
	}
	c3 := c2
	c3.Net.Scale, c3.Learning, c3.Steps, c3.InitFrom = 3, 1e-9, 1, &c2
	if err := c3.Validate(); err != nil {
		t.Fatal(err)
	}
	p3, err := MakePairs(ims, 3)
	if err != nil {
		t.Fatal(err)
	}
	r3, err := trainEDSRWith(c3, store, func() ([]SRPair, []*data.Image, error) { return p3, nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	// Compare the head weights before and after (lr 1e-9: Adam moves them by ~1e-9).
	w2 := flat(t, r2.Train.Store, "/head/0/weights")
	w3 := flat(t, r3.Train.Store, "/head/0/weights")
	if len(w2) == 0 || len(w2) != len(w3) {
		t.Fatalf("head weights: %d vs %d values", len(w2), len(w3))
	}
	for i := range w2 {
		if math.Abs(float64(w2[i]-w3[i])) > 1e-6 {
			t.Fatalf("head weight %d: x2 %v, x3 after one step at lr 1e-9 %v: not started from x2", i, w2[i], w3[i])
		}
	}
	bad := c3
	bad.Net.Feats = 8
	if err := bad.Validate(); err == nil {
		t.Error("InitFrom with other F accepted")
	}
}

// flat returns the values of the variable at path of store.
func flat(t *testing.T, store *model.Store, path string) []float32 {
	t.Helper()
	v := store.GetVariable(path)
	if v == nil {
		t.Fatalf("no variable %s", path)
	}
	x, err := tensors.CopyFlatData[float32](v.MustValue())
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// CosineDecay: after Steps steps the learning-rate variable holds the rate
// of the last step, Learning·(1 + cos(π(Steps-1)/Steps))/2; without it, Learning.
func TestEDSRCosineDecay(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	pairs, err := MakePairs([]*data.Image{smoothImage(rng, "tr", 30, 30)}, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, decay := range []bool{false, true} {
		cfg := EDSRTrainConfig{Net: EDSRConfig{Blocks: 1, Feats: 4, ResScale: 1, Scale: 2, RGBRange: 1},
			PhotoFactor: 1, Patch: 5, Batch: 2, Steps: 4, Learning: 1e-3, Seed: 1, CosineDecay: decay}
		res, err := trainEDSROn(cfg, pairs, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := flat(t, res.Train.Store, "/optimizers/learning_rate")
		want := 1e-3
		if decay {
			want = 1e-3 * (1 + math.Cos(math.Pi*3/4)) / 2
		}
		if len(got) != 1 || math.Abs(float64(got[0])-want) > 1e-9 {
			t.Errorf("CosineDecay %v: learning rate after 4 steps %v, want %.6g", decay, got, want)
		}
	}
}
