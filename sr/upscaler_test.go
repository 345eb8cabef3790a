package sr

import (
	"math"
	"strings"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/dlc-go/denoising/kit/data"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// 832 + 25632 + 16416 + 9248 (encoder) + 16416 + 9248 + 16416 + 25632 + 801 (decoder).
const upscalerParams32 = 120641

func TestUpscalerShapesAndParams(t *testing.T) {
	if got := UpscalerParams(32); got != upscalerParams32 {
		t.Errorf("UpscalerParams(32) = %d, want %d", got, upscalerParams32)
	}
	var code, out []int
	n, nv, err := CountParams(func(scope *model.Scope, x *Node) *Node {
		y := MNISTUpscaler(scope, x)
		out = y.Shape().Dimensions
		z := sequential(model.NewStore().RootScope(), "encoder", x, UpscalerEncoder(32))
		code = z.Shape().Dimensions
		return y
	}, 3, 14, 14, 1)
	if err != nil {
		t.Fatal(err)
	}
	if n != upscalerParams32 || nv != 18 {
		t.Errorf("built graph: %d parameters in %d variables, want %d in 18", n, nv, upscalerParams32)
	}
	if want := []int{3, 1, 1, 32}; !equalInts(code, want) {
		t.Errorf("code shape %v, want %v", code, want)
	}
	if want := []int{3, 28, 28, 1}; !equalInts(out, want) {
		t.Errorf("output shape %v, want %v", out, want)
	}
	if _, _, err := CountParams(func(scope *model.Scope, x *Node) *Node { return MNISTUpscaler(scope, x) }, 3, 28, 28, 1); err == nil {
		t.Error("28x28 input accepted")
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestUpscalerTable(t *testing.T) {
	tab := UpscalerTable()
	t.Log("\n" + tab)
	for _, want := range []string{
		"MNISTUpscaler(\n  (encoder): Sequential(\n    (0): Conv2d(1, 32, kernel_size=(5, 5), stride=(1, 1))",
		"(6): Conv2d(32, 32, kernel_size=(3, 3), stride=(1, 1))",
		"(2): ConvTranspose2d(32, 32, kernel_size=(3, 3), stride=(2, 2))",
		"(8): ConvTranspose2d(32, 1, kernel_size=(5, 5), stride=(1, 1))",
		"32x1x1", "1x28x28", "Total parameters: 120641",
	} {
		if !strings.Contains(tab, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

// tinyDigits is a synthetic stand-in for MNIST (bars on black), so that the
// training test does not need the data set.
func tinyDigits(n int) *data.Set {
	x := make([]float32, n*784)
	for i := range n {
		for y := 4 + i%5; y < 24; y++ {
			for c := 10 + i%7; c < 14+i%7; c++ {
				x[i*784+y*28+c] = 1
			}
		}
	}
	s, err := data.NewSet("tiny", x, nil, 0, 28, 28, 1)
	if err != nil {
		panic(err)
	}
	return s
}

func TestTrainUpscalerOneStep(t *testing.T) {
	backend.Shared()
	cfg := UpscalerConfig{Channels: 32, TrainSize: 8, Batch: 4, Steps: 2, LearningRate: 1e-3, Seed: 1}
	res, err := trainUpscalerOn(cfg, tinyDigits(8))
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res.Train)
	if len(res.Train.Loss) != 2 {
		t.Fatalf("%d losses", len(res.Train.Loss))
	}
	for _, l := range res.Train.Loss {
		if math.IsNaN(l) || math.IsInf(l, 0) || l <= 0 {
			t.Fatalf("loss %v", l)
		}
	}
	// At PyTorch's initialisation the output is small, so the first loss is
	// close to the squared norm of the targets (sum of squares per digit).
	var norm float64
	for _, v := range tinyDigits(8).Images {
		norm += float64(v * v)
	}
	norm /= 8
	if l := res.Train.Loss[0]; l < 0.5*norm || l > 2*norm {
		t.Errorf("first loss %v, want about Σx²/B = %v", l, norm)
	}

	ev, err := evaluateUpscalerOn(res, tinyDigits(6), 6)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + ev.String())
	want := []string{"nearest", "bilinear", "bicubic", "bicubic-matlab", "MNISTUpscaler"}
	if len(ev.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(ev.Rows), len(want))
	}
	for i, r := range ev.Rows {
		if r.Method != want[i] || math.IsNaN(r.PSNR) || r.PSNR <= 0 {
			t.Errorf("row %d: %+v", i, r)
		}
	}
	// An untrained network (output ~0) scores about the PSNR of a black
	// image: -10 log10(mean x²).
	if d := ev.Rows[4].PSNR - (-10 * math.Log10(norm/784)); math.Abs(d) > 3 {
		t.Errorf("network PSNR %.2f dB, black image %.2f dB", ev.Rows[4].PSNR, -10*math.Log10(norm/784))
	}
}

// Nearest upscaling of avgpool2 of a digit made of 2x2-aligned blocks gives
// the digit back exactly (PSNR +Inf); the bars of tinyDigits are not all
// aligned, so this checks the pairing of inputs and targets on one image.
func TestPooledPairsAligned(t *testing.T) {
	x := make([]float32, 784)
	for y := 4; y < 20; y++ {
		for c := 8; c < 12; c++ {
			x[y*28+c] = 1
		}
	}
	s, _ := data.NewSet("block", x, nil, 0, 28, 28, 1)
	ev, err := evaluateUpscalerOn(nil, s, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Rows) != 4 || !math.IsInf(ev.Rows[0].PSNR, 1) {
		t.Errorf("nearest of an aligned block image: %+v, want +Inf dB and no network row", ev.Rows)
	}
}
