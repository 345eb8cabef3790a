package sr

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/img"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func TestEDSRAndMDSRShapes(t *testing.T) {
	for _, s := range []int{2, 3, 4} {
		var dims []int
		cfg := EDSRConfig{Blocks: 2, Feats: 8, ResScale: 0.1, Scale: s, RGBRange: 1}
		n, _, err := CountParams(func(scope *model.Scope, x *Node) *Node {
			y := EDSR(scope, x, cfg)
			dims = y.Shape().Dimensions
			return y
		}, 2, 5, 7, 3)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{2, 5 * s, 7 * s, 3}; !equalInts(dims, want) {
			t.Errorf("EDSR x%d: output %v, want %v", s, dims, want)
		}
		if n != EDSRParams(cfg) {
			t.Errorf("EDSR x%d: %d parameters, formula %d", s, n, EDSRParams(cfg))
		}
	}
	m := MDSRConfig{Blocks: 2, Feats: 8, Scales: []int{2, 3, 4}, RGBRange: 1}
	got := map[int][]int{}
	n, _, err := CountParams(func(scope *model.Scope, x *Node) *Node {
		var y *Node
		for _, s := range m.Scales {
			y = MDSR(scope, x, m, s)
			got[s] = y.Shape().Dimensions
		}
		return y
	}, 1, 6, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range m.Scales {
		if want := []int{1, 6 * s, 4 * s, 3}; !equalInts(got[s], want) {
			t.Errorf("MDSR x%d: output %v, want %v", s, got[s], want)
		}
	}
	if n != MDSRParams(m) {
		t.Errorf("MDSR: %d parameters, formula %d", n, MDSRParams(m))
	}
	// One branch alone has the shared part plus its own pre-processing and upsampler.
	one := MDSRConfig{Blocks: 2, Feats: 8, Scales: []int{3}, RGBRange: 1}
	n3, err := CountMDSR(one)
	if err != nil || n3 != MDSRParams(one) {
		t.Errorf("MDSR x3 alone: %d (%v), want %d", n3, err, MDSRParams(one))
	}
	if _, _, err := CountParams(func(scope *model.Scope, x *Node) *Node { return MDSR(scope, x, m, 8) }, 1, 4, 4, 3); err == nil {
		t.Error("MDSR scale 8 accepted")
	}
}

func TestMeanShift(t *testing.T) {
	x := []float32{0.5, 0.5, 0.5, 1, 0, 0.25}
	outs, err := ExecOnceN(backend.Shared(), func(x *Node) []*Node {
		down := MeanShift(x, 255, -1)
		return []*Node{down, MeanShift(down, 255, 1)}
	}, tensors.FromFlatDataAndDimensions(x, 1, 1, 2, 3))
	if err != nil {
		t.Fatal(err)
	}
	down := tensors.MustCopyFlatData[float32](outs[0])
	back := tensors.MustCopyFlatData[float32](outs[1])
	for i, v := range x {
		want := float64(v) - 255*RGBMean[i%3]
		if math.Abs(float64(down[i])-want) > 1e-4 {
			t.Errorf("sub_mean[%d] = %v, want %v", i, down[i], want)
		}
		if math.Abs(float64(back[i]-v)) > 1e-4 {
			t.Errorf("add_mean(sub_mean(x))[%d] = %v, want %v", i, back[i], v)
		}
	}
}

// smoothImage is a random smooth RGB image (sums of low-frequency cosines).
func smoothImage(rng *rand.Rand, name string, h, w int) *data.Image {
	im := &data.Image{Name: name, H: h, W: w, C: 3, Pix: make([]float32, h*w*3)}
	type wave struct{ fy, fx, ph, a float64 }
	var ws [3][4]wave
	for c := range 3 {
		for k := range 4 {
			ws[c][k] = wave{rng.Float64() * 0.3, rng.Float64() * 0.3, rng.Float64() * 6, 0.1 * rng.Float64()}
		}
	}
	for y := range h {
		for x := range w {
			for c := range 3 {
				v := 0.5
				for _, wv := range ws[c] {
					v += wv.a * math.Cos(wv.fy*float64(y)+wv.fx*float64(x)+wv.ph)
				}
				im.Pix[(y*w+x)*3+c] = float32(v)
			}
		}
	}
	return im
}

// With HR = nearest upscaling of LR, every sampled HR patch must be the
// nearest upscaling of its LR patch, whatever the flip/rotation (nearest
// upscaling commutes with them): this checks the alignment and that both
// patches get the same transform.
func TestSamplePatchesAligned(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const s, p, n = 3, 4, 40
	var pairs []SRPair
	for i := range 3 {
		lr := smoothImage(rng, "a", 9+i, 11)
		for k := range lr.Pix { // break the symmetry so that transforms differ
			lr.Pix[k] += float32(k) * 1e-3
		}
		hr, err := Upscale(lr, s, Nearest)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, SRPair{HR: hr, LR: lr})
	}
	lrP, hrP, err := SamplePatches(pairs, s, p, n, 7, 3)
	if err != nil {
		t.Fatal(err)
	}
	up, _, err := UpscaleBatch(lrP, img.Shape{N: n, H: p, W: p, C: 3}, s, Nearest)
	if err != nil {
		t.Fatal(err)
	}
	for i := range up {
		if up[i] != hrP[i] {
			t.Fatalf("HR patch value %d = %v, nearest upscaling of the LR patch gives %v", i, hrP[i], up[i])
		}
	}
	lr2, _, _ := SamplePatches(pairs, s, p, n, 7, 3)
	lr3, _, _ := SamplePatches(pairs, s, p, n, 7, 4)
	same, diff := true, false
	for i := range lrP {
		same = same && lr2[i] == lrP[i]
		diff = diff || lr3[i] != lrP[i]
	}
	if !same || !diff {
		t.Errorf("patches: same seed and step reproducible %v, another step differs %v", same, diff)
	}
	if _, _, err := SamplePatches(pairs, s, 20, 1, 1, 0); err == nil {
		t.Error("patch larger than the image accepted")
	}
}

// One EDSR training step on synthetic photos, then the evaluation protocol.
func TestTrainEDSRTiny(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	var ims []*data.Image
	for i := range 3 {
		ims = append(ims, smoothImage(rng, "im", 30+2*i, 34))
	}
	pairs, err := MakePairs(ims, 2)
	if err != nil {
		t.Fatal(err)
	}
	cfg := EDSRTrainConfig{Net: EDSRConfig{Blocks: 1, Feats: 8, ResScale: 1, Scale: 2, RGBRange: 1},
		PhotoFactor: 1, Patch: 6, Batch: 2, Steps: 2, Learning: 1e-3, Seed: 1}
	res, err := trainEDSROn(cfg, pairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range res.Train.Loss {
		if math.IsNaN(l) || math.IsInf(l, 0) || l <= 0 || l > 2 {
			t.Fatalf("L1 loss %v", l)
		}
	}
	ev, err := evaluateEDSROn(res, ims, 2, 24)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + ev.String())
	if len(ev.Rows) != 4 {
		t.Fatalf("%d rows", len(ev.Rows))
	}
	for _, r := range ev.Rows {
		if math.IsNaN(r.PSNR) || r.PSNR <= 0 {
			t.Errorf("%s: PSNR %v", r.Method, r.PSNR)
		}
	}
	// On smooth images bicubic beats nearest.
	if ev.Rows[2].PSNR <= ev.Rows[0].PSNR {
		t.Errorf("bicubic-matlab %.2f dB <= nearest %.2f dB on smooth images", ev.Rows[2].PSNR, ev.Rows[0].PSNR)
	}
	if _, err := evaluateEDSROn(res, ims, 3, 24); err == nil {
		t.Error("x2 network evaluated at x3")
	}
}
