// Training and evaluating the MNISTUpscaler with kit/train.

package sr

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/img"
	"github.com/dlc-go/denoising/kit/train"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// SumSquaresPerSample is the lecture's loss for the upscaler,
// ((X̂ - X)²).sum() / B: the squared error summed over pixels, averaged
// over the batch (labels[0] = X, predictions[0] = X̂, both [B, ...]).
func SumSquaresPerSample(labels, predictions []*Node) *Node {
	d := Sub(predictions[0], labels[0])
	b := float64(d.Shape().Dim(0))
	return DivScalar(ReduceAllSum(Square(d)), b)
}

// UpscalerConfig holds every setting of an MNISTUpscaler training run (it
// is also the cache key, except the fields tagged json:"-").
type UpscalerConfig struct {
	Channels     int     // nc (the lecture: 32)
	TrainSize    int     // the first TrainSize MNIST training digits are used (<= 60000)
	Batch        int     // mini-batch size
	Steps        int     // Adam steps
	LearningRate float64 // Adam's learning rate
	Seed         uint64  // seeds the initial weights and the shuffling

	// Cache loads the trained model from kit/train's checkpoint cache when
	// present (and stores it there after training).
	Cache bool `json:"-"`
	// Progress, if set, receives kit/train's progress reports.
	Progress func(train.Progress) `json:"-"`
}

// DefaultUpscalerConfig is the lecture's network (nc = 32) trained with
// Adam (lr 1e-3) on batches of 100 digits. FULL: 600 steps, one epoch of
// the 60000 training digits, which reached 20.33 dB on the 10000 test
// digits (bilinear 18.51 dB: +1.8 dB); QUICK ($DENOISING_BUDGET=quick): 4
// steps of 16 digits out of the first 256. On the forked pure-Go backend
// (2 shared cores) a step of 100 digits took 0.45 s with the machine
// lightly loaded (1.2 s on average over a run under heavy load: 12 min).
func DefaultUpscalerConfig() UpscalerConfig {
	return UpscalerConfig{
		Channels:  UpscalerChannels,
		TrainSize: train.Pick(256, 60000), Batch: train.Pick(16, 100), Steps: train.Pick(4, 600),
		LearningRate: 1e-3, Seed: 1,
	}
}

// Validate reports whether the settings are usable.
func (c UpscalerConfig) Validate() error {
	switch {
	case c.Channels < 1:
		return fmt.Errorf("sr: UpscalerConfig.Channels must be >= 1, got %d", c.Channels)
	case c.Batch < 1:
		return fmt.Errorf("sr: UpscalerConfig.Batch must be >= 1, got %d", c.Batch)
	case c.TrainSize < c.Batch || c.TrainSize > 60000:
		return fmt.Errorf("sr: UpscalerConfig.TrainSize must be in [Batch=%d, 60000], got %d", c.Batch, c.TrainSize)
	case c.Steps < 1:
		return fmt.Errorf("sr: UpscalerConfig.Steps must be >= 1, got %d", c.Steps)
	case !(c.LearningRate > 0):
		return fmt.Errorf("sr: UpscalerConfig.LearningRate must be > 0, got %g", c.LearningRate)
	}
	return nil
}

// Model is the [train.ModelFn] of the configured network:
// inputs[0] = Y [B, 14, 14, 1] -> {X̂ [B, 28, 28, 1]}.
func (c UpscalerConfig) Model() train.ModelFn {
	nc := c.Channels
	return func(scope *model.Scope, inputs []*Node) []*Node {
		return []*Node{mnistUpscaler(scope, inputs[0], nc)}
	}
}

// UpscalerResult is a trained MNISTUpscaler.
type UpscalerResult struct {
	Config UpscalerConfig
	// Train is kit/train's record: Store, per-step loss (sum of squares per
	// digit), timings, whether it came from the cache.
	Train *train.Result
}

// upscalerCodeVersion is part of the cache key: bump it when the model,
// the data or the loss change.
const upscalerCodeVersion = "sr-upscaler-v1"

// pooledPairs returns the pooled inputs Y = avgpool2(X): [n, 14, 14, 1]
// and targets X: [n, 28, 28, 1] of the first n images of s.
func pooledPairs(s *data.Set, n int) (y, x []float32, err error) {
	if s.H != UpscalerOutput || s.W != UpscalerOutput || s.C != 1 {
		return nil, nil, fmt.Errorf("sr: want 28x28x1 digits, got %s", s)
	}
	if n > s.Len() {
		return nil, nil, fmt.Errorf("sr: want %d digits, %s has %d", n, s.Name, s.Len())
	}
	x = s.Images[:n*s.ImageSize()]
	y, _, err = AvgPool2Batch(x, img.Shape{N: n, H: s.H, W: s.W, C: 1})
	return y, x, err
}

// upscalerBatches is the BatchFn: epoch e visits the TrainSize digits in
// the order data.Permutation(TrainSize, Seed, e), Batch at a time (a last
// partial batch is dropped).
func upscalerBatches(c UpscalerConfig, y, x []float32) train.BatchFn {
	perEpoch := c.TrainSize / c.Batch
	const in, out = UpscalerInput * UpscalerInput, UpscalerOutput * UpscalerOutput
	epoch, perm := -1, []int(nil)
	return func(step int) ([]*tensors.Tensor, []*tensors.Tensor, error) {
		if e := step / perEpoch; e != epoch {
			epoch, perm = e, data.Permutation(c.TrainSize, c.Seed, e)
		}
		bi := step % perEpoch
		yb := make([]float32, c.Batch*in)
		xb := make([]float32, c.Batch*out)
		for k, i := range perm[bi*c.Batch : (bi+1)*c.Batch] {
			copy(yb[k*in:(k+1)*in], y[i*in:(i+1)*in])
			copy(xb[k*out:(k+1)*out], x[i*out:(i+1)*out])
		}
		return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(yb, c.Batch, UpscalerInput, UpscalerInput, 1)},
			[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(xb, c.Batch, UpscalerOutput, UpscalerOutput, 1)}, nil
	}
}

// TrainUpscaler trains the MNISTUpscaler on MNIST: input Y = avgpool2(X)
// [B, 14, 14, 1], target X [B, 28, 28, 1], loss [SumSquaresPerSample],
// Adam. Deterministic for a given cfg on one backend. With cfg.Cache the
// model is loaded from (or saved to) kit/train's cache, keyed by cfg and
// the budget.
func TrainUpscaler(cfg UpscalerConfig) (*UpscalerResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	set, err := data.MNIST(data.Train)
	if err != nil {
		return nil, err
	}
	return trainUpscalerOn(cfg, set)
}

func trainUpscalerOn(cfg UpscalerConfig, set *data.Set) (*UpscalerResult, error) {
	y, x, err := pooledPairs(set, cfg.TrainSize)
	if err != nil {
		return nil, err
	}
	tc := train.Config{
		Name:  "sr/mnist-upscaler",
		Model: cfg.Model(), Loss: SumSquaresPerSample, Batches: upscalerBatches(cfg, y, x),
		Steps: cfg.Steps, Seed: int64(cfg.Seed), LearningRate: cfg.LearningRate, Progress: cfg.Progress,
	}
	var res *train.Result
	if cfg.Cache {
		key, err := train.CacheKey("sr/mnist-upscaler", upscalerCodeVersion, cfg)
		if err != nil {
			return nil, err
		}
		if res, err = train.RunCached("", key, tc); err != nil {
			return nil, err
		}
	} else if res, err = train.Run(tc); err != nil {
		return nil, err
	}
	return &UpscalerResult{Config: cfg, Train: res}, nil
}

// Upscale applies the trained network to pooled digits y: [n, 14, 14, 1]
// (flat) and returns X̂: [n, 28, 28, 1], in batches of 100.
func (r *UpscalerResult) Upscale(y []float32, n int) ([]float32, error) {
	if r == nil || r.Train == nil || r.Train.Store == nil {
		return nil, errors.New("sr: UpscalerResult.Upscale: no trained model")
	}
	out, _, err := train.Predict(nil, r.Train.Store, r.Config.Model(), y, []int{n, UpscalerInput, UpscalerInput, 1}, min(n, 100))
	return out, err
}

// PSNRRow is one line of a PSNR comparison.
type PSNRRow struct {
	Method string
	PSNR   float64 // dB
}

// UpscalerEval compares the network with interpolation baselines on
// MNIST test digits.
type UpscalerEval struct {
	N    int       // test digits used (the first N)
	Rows []PSNRRow // nearest, bilinear, bicubic (PyTorch), bicubic (MATLAB), network
}

// String renders the comparison as a Markdown table.
func (e UpscalerEval) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "| 14x14 -> 28x28, %d MNIST test digits | mean PSNR (dB) |\n|---|---:|\n", e.N)
	for _, r := range e.Rows {
		fmt.Fprintf(&sb, "| %s | %.2f |\n", r.Method, r.PSNR)
	}
	return sb.String()
}

// EvaluateUpscaler measures, on the first n MNIST test digits (n <= 10000),
// the mean PSNR (kit/img's default protocol: prediction clipped to [0, 1],
// peak 1, mean over digits of the per-digit PSNR) of the 28x28 digit X
// reconstructed from Y = avgpool2(X) by nearest, bilinear, bicubic
// (PyTorch and MATLAB kernels) interpolation and by the network r (rows in
// that order; the network row is left out if r is nil).
func EvaluateUpscaler(r *UpscalerResult, n int) (UpscalerEval, error) {
	set, err := data.MNIST(data.Test)
	if err != nil {
		return UpscalerEval{}, err
	}
	return evaluateUpscalerOn(r, set, n)
}

func evaluateUpscalerOn(r *UpscalerResult, set *data.Set, n int) (UpscalerEval, error) {
	if n < 1 {
		return UpscalerEval{}, fmt.Errorf("sr: EvaluateUpscaler: n must be >= 1, got %d", n)
	}
	y, x, err := pooledPairs(set, n)
	if err != nil {
		return UpscalerEval{}, err
	}
	sIn := img.Shape{N: n, H: UpscalerInput, W: UpscalerInput, C: 1}
	sOut := img.Shape{N: n, H: UpscalerOutput, W: UpscalerOutput, C: 1}
	ev := UpscalerEval{N: n}
	for _, m := range Methods {
		up, _, err := UpscaleBatch(y, sIn, 2, m)
		if err != nil {
			return UpscalerEval{}, err
		}
		p, err := img.MeanPSNR(up, x, sOut)
		if err != nil {
			return UpscalerEval{}, err
		}
		ev.Rows = append(ev.Rows, PSNRRow{Method: m.String(), PSNR: p})
	}
	if r != nil {
		pred, err := r.Upscale(y, n)
		if err != nil {
			return UpscalerEval{}, err
		}
		p, err := img.MeanPSNR(pred, x, sOut)
		if err != nil {
			return UpscalerEval{}, err
		}
		ev.Rows = append(ev.Rows, PSNRRow{Method: "MNISTUpscaler", PSNR: p})
	}
	return ev, nil
}
