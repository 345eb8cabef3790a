// The lecture's denoiser for the 2D toy: phi = Linear(2, 100), ReLU,
// Linear(100, 2), trained on pairs (X~, X) of the open circle with the
// quadratic loss, Adam (lr 1e-3), batch 100, 1000 epochs.

package dae

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/dlc-go/denoising/kit/layer"
	"github.com/dlc-go/denoising/kit/train"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// ToyHidden is the width of the lecture's hidden layer.
const ToyHidden = 100

// ToyDenoiser is the lecture's MLP denoiser phi with ToyHidden hidden units:
//
//	x~ [B, 2] -> Dense(100) ("hidden") -> ReLU -> Dense(2) ("output") -> [B, 2]
//
// Dense layers use PyTorch's nn.Linear initialisation (kit/layer). Panics
// (GoMLX style) if x is not [B, 2].
func ToyDenoiser(scope *model.Scope, x *Node) *Node {
	return toyDenoiserWidth(scope, x, ToyHidden)
}

func toyDenoiserWidth(scope *model.Scope, x *Node, hidden int) *Node {
	if x.Rank() != 2 || x.Shape().Dim(1) != 2 {
		panic(fmt.Sprintf("dae.ToyDenoiser: x must be [B, 2], got %s", x.Shape()))
	}
	h := activation.Relu(layer.Dense(scope.In("hidden"), x, hidden)) // [B, hidden]
	return layer.Dense(scope.In("output"), h, 2)                     // [B, 2]
}

// ToyConfig holds every setting of the toy experiment (it is also the cache
// key of a trained model, except the fields tagged json:"-").
type ToyConfig struct {
	Prior OpenCircle // the prior of X
	Sigma float64    // noise level sigma of X~ = X + sigma N

	Hidden    int // hidden units of phi (the lecture: 100)
	TrainSize int // size of the fixed training set of clean points X (>= Batch)
	Batch     int // mini-batch size (the lecture: 100)
	Epochs    int // passes over the training set (the lecture: 1000)

	LearningRate float64 // Adam's learning rate (the lecture: 1e-3)
	Seed         uint64  // seeds the training points, the noise, the shuffling and the initial weights

	// FixedNoise draws the noisy inputs X~ once, with the training set; by
	// default the noise is redrawn every epoch (the denoising autoencoder's
	// on-the-fly corruption), which gives phi more (X~, X) pairs for free.
	FixedNoise bool

	// Cache loads the trained model from kit/train's checkpoint cache when
	// present (and stores it there after training).
	Cache bool `json:"-"`
	// Progress, if set, receives kit/train's progress reports.
	Progress func(train.Progress) `json:"-"`
}

// DefaultToyConfig returns the lecture's settings on [DefaultOpenCircle] with
// sigma = 0.1: hidden 100, batch 100, Adam 1e-3, 1000 epochs over a fixed set
// of 10000 clean points (100 steps per epoch, 100000 steps in all) with fresh
// noise every epoch, seed 1. Under $DENOISING_BUDGET=quick the epochs drop
// to 50.
func DefaultToyConfig() ToyConfig {
	return ToyConfig{
		Prior: DefaultOpenCircle(), Sigma: DefaultSigma,
		Hidden: ToyHidden, TrainSize: 10000, Batch: 100, Epochs: train.Pick(50, 1000),
		LearningRate: 1e-3, Seed: 1,
	}
}

// Validate reports whether the settings are usable.
func (cfg ToyConfig) Validate() error {
	if err := cfg.Prior.Validate(); err != nil {
		return err
	}
	if err := checkSigma(cfg.Sigma); err != nil {
		return err
	}
	switch {
	case cfg.Hidden < 1:
		return fmt.Errorf("dae: ToyConfig.Hidden must be >= 1, got %d", cfg.Hidden)
	case cfg.Batch < 1:
		return fmt.Errorf("dae: ToyConfig.Batch must be >= 1, got %d", cfg.Batch)
	case cfg.TrainSize < cfg.Batch:
		return fmt.Errorf("dae: ToyConfig.TrainSize (%d) must be >= Batch (%d)", cfg.TrainSize, cfg.Batch)
	case cfg.Epochs < 1:
		return fmt.Errorf("dae: ToyConfig.Epochs must be >= 1, got %d", cfg.Epochs)
	case !(cfg.LearningRate > 0):
		return fmt.Errorf("dae: ToyConfig.LearningRate must be > 0, got %g", cfg.LearningRate)
	}
	return nil
}

// StepsPerEpoch is TrainSize / Batch (a last partial batch is dropped).
func (cfg ToyConfig) StepsPerEpoch() int { return cfg.TrainSize / cfg.Batch }

// ToyModel is a [train.ModelFn] for cfg: inputs[0] = x~ [B, 2] float32 ->
// {phi(x~) [B, 2]}.
func (cfg ToyConfig) ToyModel() train.ModelFn {
	hidden := cfg.Hidden
	return func(scope *model.Scope, inputs []*Node) []*Node {
		return []*Node{toyDenoiserWidth(scope, inputs[0], hidden)}
	}
}

// ToyResult is a trained toy denoiser.
type ToyResult struct {
	Config ToyConfig
	// Train is kit/train's record: Store (the trained variables), the
	// per-step loss history (GoMLX's MeanSquaredError: the mean over the B x 2
	// coordinates, i.e. half of this package's per-point MSE), timings, and
	// whether it was loaded from the cache.
	Train *train.Result
}

// Store returns the trained variables.
func (r *ToyResult) Store() *model.Store { return r.Train.Store }

// streamToyEpoch is the PCG stream of the per-epoch shuffling and noise.
const streamToyEpoch = 0x65706f6368 // "epoch"

// toyBatches returns the BatchFn of the toy: the clean training set is
// cfg.Prior.Pairs(TrainSize, Sigma, Seed); epoch e shuffles it (and redraws
// the noise unless FixedNoise) with a PCG seeded by (Seed, stream ^ e), so
// batches depend only on (cfg, step).
func toyBatches(cfg ToyConfig) (train.BatchFn, error) {
	clean, fixedNoisy, err := cfg.Prior.Pairs(cfg.TrainSize, cfg.Sigma, cfg.Seed)
	if err != nil {
		return nil, err
	}
	spe := cfg.StepsPerEpoch()
	epoch := -1
	var perm []int
	noisy := make([][2]float64, len(clean))
	return func(step int) ([]*tensors.Tensor, []*tensors.Tensor, error) {
		if step < 0 {
			return nil, nil, fmt.Errorf("dae: toy batches: step %d < 0", step)
		}
		if e := step / spe; e != epoch {
			epoch = e
			rng := rand.New(rand.NewPCG(cfg.Seed, streamToyEpoch^uint64(e)))
			perm = rng.Perm(len(clean))
			if cfg.FixedNoise {
				copy(noisy, fixedNoisy)
			} else {
				for i, x := range clean {
					noisy[i] = [2]float64{x[0] + cfg.Sigma*rng.NormFloat64(), x[1] + cfg.Sigma*rng.NormFloat64()}
				}
			}
		}
		b := step % spe
		xin := make([]float32, 2*cfg.Batch)
		xout := make([]float32, 2*cfg.Batch)
		for k, i := range perm[b*cfg.Batch : (b+1)*cfg.Batch] {
			xin[2*k], xin[2*k+1] = float32(noisy[i][0]), float32(noisy[i][1])
			xout[2*k], xout[2*k+1] = float32(clean[i][0]), float32(clean[i][1])
		}
		return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(xin, cfg.Batch, 2)},
			[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(xout, cfg.Batch, 2)}, nil
	}, nil
}

// toyCodeVersion is part of the cache key: bump it when the model or the
// batches change.
const toyCodeVersion = "dae-toy-v1"

// TrainToy trains the lecture's denoiser phi ([ToyDenoiser]) on the toy with
// kit/train: Adam at cfg.LearningRate on the quadratic loss
// (loss.MeanSquaredError), cfg.Epochs x cfg.StepsPerEpoch() steps of
// cfg.Batch pairs (X~, X). Deterministic for a given cfg on one backend.
// With cfg.Cache the trained model is loaded from (or saved to) kit/train's
// checkpoint cache.
func TrainToy(cfg ToyConfig) (*ToyResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	batches, err := toyBatches(cfg)
	if err != nil {
		return nil, err
	}
	tc := train.Config{
		Name:  fmt.Sprintf("dae/toy-sigma%g", cfg.Sigma),
		Model: cfg.ToyModel(), Loss: loss.MeanSquaredError, Batches: batches,
		Steps: cfg.Epochs * cfg.StepsPerEpoch(), Seed: int64(cfg.Seed), LearningRate: cfg.LearningRate,
		Progress: cfg.Progress,
	}
	var res *train.Result
	if cfg.Cache {
		key, err := train.CacheKey("dae/toy", toyCodeVersion, cfg)
		if err != nil {
			return nil, err
		}
		res, err = train.RunCached("", key, tc)
		if err != nil {
			return nil, err
		}
	} else if res, err = train.Run(tc); err != nil {
		return nil, err
	}
	return &ToyResult{Config: cfg, Train: res}, nil
}

// Denoise applies the trained phi to points x~: [n][2] -> [n][2] (computed in
// float32 in batches of 1000 on kit/train's shared backend).
func (r *ToyResult) Denoise(points [][2]float64) ([][2]float64, error) {
	if r == nil || r.Train == nil || r.Train.Store == nil {
		return nil, errors.New("dae: ToyResult.Denoise: no trained model")
	}
	if len(points) == 0 {
		return nil, nil
	}
	out, _, err := train.Predict(nil, r.Train.Store, r.Config.ToyModel(), Flatten32(points), []int{len(points), 2}, 1000)
	if err != nil {
		return nil, fmt.Errorf("dae: ToyResult.Denoise: %w", err)
	}
	return Unflatten32(out)
}

// ToyEval compares the trained phi with the optimal denoiser and the
// identity on the same fresh test pairs; all MSEs per point, summed over the
// 2 coordinates (see [MeanSquaredError]).
type ToyEval struct {
	Risk               // Bayes risk and identity on the test pairs
	Net, NetSE float64 // test MSE of phi, E|phi(X~) - X|^2, and its standard error
}

// Evaluate measures phi on n fresh test pairs drawn with seed (use a seed
// other than the training one), next to the Bayes risk and the identity.
func (r *ToyResult) Evaluate(n int, seed uint64) (ToyEval, error) {
	cfg := r.Config
	risk, err := cfg.Prior.PosteriorMeanMSE(cfg.Sigma, n, seed)
	if err != nil {
		return ToyEval{}, err
	}
	clean, noisy, err := cfg.Prior.Pairs(n, cfg.Sigma, seed)
	if err != nil {
		return ToyEval{}, err
	}
	pred, err := r.Denoise(noisy)
	if err != nil {
		return ToyEval{}, err
	}
	mse, se, err := MeanSquaredError(pred, clean)
	if err != nil {
		return ToyEval{}, err
	}
	return ToyEval{Risk: risk, Net: mse, NetSE: se}, nil
}
