// Training the MNIST denoising autoencoder: mini-batches of MNIST training
// digits X, corrupted afresh at every step into X~, and Adam on the
// lecture's loss 0.5 * ||phi(X~) - X||^2 / N in normalised units.

package dae

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/train"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// MNISTConfig holds every setting of one MNIST denoising run. All fields
// except those tagged json:"-" enter the cache key, and the corruption
// enters it through its Name.
type MNISTConfig struct {
	// Corruption turns clean digits X into the network's inputs X~ (required).
	Corruption Corruption `json:"-"`
	// Bottleneck is the number of channels B of the 1x1 code (>= 1).
	Bottleneck int
	// TrainSize: the run trains on the first TrainSize digits of MNIST's
	// training set (Batch <= TrainSize <= 60000).
	TrainSize int
	// Batch is the mini-batch size (the lecture: 100).
	Batch int
	// Steps is the number of training steps (Adam updates).
	Steps int
	// LearningRate is Adam's learning rate (the lecture: 1e-3).
	LearningRate float64
	// Seed seeds the initial weights, the shuffling and the corruptions.
	Seed uint64

	// Cache loads the trained model from kit/train's checkpoint cache when
	// present (and stores it there after training).
	Cache bool `json:"-"`
	// Progress, if set, receives kit/train's progress reports.
	Progress func(train.Progress) `json:"-"`
}

// Training budgets of [DefaultMNISTConfig] (steps of Batch digits).
//
// Quick is a smoke test, not a result: 10 steps of 16 digits from the
// first 1000 (measured ~0.7 s/step on 2 cores with the pure-Go backend and
// GOEXPERIMENT=simd, ~8 s per run). Full is 3000 steps of 100 digits over
// all 60000 (5 epochs); at the ~3.7 s/step measured on the same machine
// when this was written that is about 3 hours per corruption, so keep
// Cache on (or use a faster backend).
const (
	MNISTQuickSteps, MNISTQuickBatch, MNISTQuickTrainSize = 10, 16, 1000
	MNISTFullSteps, MNISTFullBatch, MNISTFullTrainSize    = 3000, 100, 60000
)

// DefaultMNISTConfig returns the lecture's settings for corruption c:
// bottleneck DefaultMNISTBottleneck, Adam at 1e-3, seed 1, and the budget of
// $DENOISING_BUDGET (see [MNISTQuickSteps] and [MNISTFullSteps]).
func DefaultMNISTConfig(c Corruption) MNISTConfig {
	return MNISTConfig{
		Corruption: c, Bottleneck: DefaultMNISTBottleneck,
		TrainSize:    train.Pick(MNISTQuickTrainSize, MNISTFullTrainSize),
		Batch:        train.Pick(MNISTQuickBatch, MNISTFullBatch),
		Steps:        train.Pick(MNISTQuickSteps, MNISTFullSteps),
		LearningRate: 1e-3, Seed: 1,
	}
}

// Validate reports whether the settings are usable (the corruption's
// parameters included; a Block must fit in 28x28).
func (cfg MNISTConfig) Validate() error {
	if cfg.Corruption == nil {
		return errors.New("dae: MNISTConfig.Corruption is nil")
	}
	if err := cfg.Corruption.Validate(); err != nil {
		return err
	}
	if b, ok := cfg.Corruption.(Block); ok && b.Size > MNISTSide {
		return fmt.Errorf("dae: MNISTConfig: Block.Size = %d does not fit in %dx%d digits", b.Size, MNISTSide, MNISTSide)
	}
	switch {
	case cfg.Bottleneck < 1:
		return fmt.Errorf("dae: MNISTConfig.Bottleneck must be >= 1, got %d", cfg.Bottleneck)
	case cfg.Batch < 1:
		return fmt.Errorf("dae: MNISTConfig.Batch must be >= 1, got %d", cfg.Batch)
	case cfg.TrainSize < cfg.Batch || cfg.TrainSize > 60000:
		return fmt.Errorf("dae: MNISTConfig.TrainSize must be in [Batch=%d, 60000], got %d", cfg.Batch, cfg.TrainSize)
	case cfg.Steps < 1:
		return fmt.Errorf("dae: MNISTConfig.Steps must be >= 1, got %d", cfg.Steps)
	case !(cfg.LearningRate > 0):
		return fmt.Errorf("dae: MNISTConfig.LearningRate must be > 0, got %g", cfg.LearningRate)
	}
	return nil
}

// Name labels the run, e.g. "dae/mnist-erasure-p0.5-b16".
func (cfg MNISTConfig) Name() string {
	c := "none"
	if cfg.Corruption != nil {
		c = cfg.Corruption.Name()
	}
	return fmt.Sprintf("dae/mnist-%s-b%d", c, cfg.Bottleneck)
}

// StepsPerEpoch is TrainSize / Batch (a last partial batch is dropped).
func (cfg MNISTConfig) StepsPerEpoch() int { return cfg.TrainSize / cfg.Batch }

// Model is a [train.ModelFn] for cfg: inputs[0] = x~ [N, 28, 28, 1] in
// [0, 1] units -> {[MNISTDenoiser](x~) [N, 28, 28, 1] in [0, 1] units}.
func (cfg MNISTConfig) Model() train.ModelFn {
	b := cfg.Bottleneck
	return func(scope *model.Scope, inputs []*Node) []*Node {
		return []*Node{MNISTDenoiser(scope, inputs[0], b)}
	}
}

// MNISTResult is a trained MNIST denoiser.
type MNISTResult struct {
	Config MNISTConfig
	// Train is kit/train's record: Store (the trained variables), the
	// per-step loss history ([MNISTLoss], normalised units), timings, and
	// whether it was loaded from the cache.
	Train *train.Result
}

// Store returns the trained variables.
func (r *MNISTResult) Store() *model.Store { return r.Train.Store }

// PCG streams of the per-epoch shuffling and the per-step corruption.
const (
	streamMNISTShuffle = 0x6d6e6973745f7368 // "mnist_sh"
	streamMNISTCorrupt = 0x6d6e6973745f636f // "mnist_co"
)

// mnistTrainSet loads MNIST's training set once per process.
var mnistTrainSet = sync.OnceValues(func() (*data.Set, error) { return data.MNIST(data.Train) })

// mnistBatches returns the BatchFn of cfg over set (at least TrainSize
// images [N, 28, 28, 1]): epoch e visits the first TrainSize digits in the
// order data.Permutation(TrainSize, Seed^streamMNISTShuffle, e); the batch
// of step s is corrupted with a PCG seeded by (Seed, streamMNISTCorrupt ^ s).
// Batches depend only on (cfg, step): inputs X~ and labels X, both
// [Batch, 28, 28, 1] float32 in [0, 1] units.
func mnistBatches(cfg MNISTConfig, set *data.Set) (train.BatchFn, error) {
	if set == nil || set.H != MNISTSide || set.W != MNISTSide || set.C != 1 {
		return nil, fmt.Errorf("dae: MNIST batches need a [N, %d, %d, 1] set, got %v", MNISTSide, MNISTSide, set)
	}
	if set.Len() < cfg.TrainSize {
		return nil, fmt.Errorf("dae: MNIST batches: set %q has %d images, TrainSize is %d", set.Name, set.Len(), cfg.TrainSize)
	}
	spe := cfg.StepsPerEpoch()
	epoch := -1
	var perm []int
	return func(step int) ([]*tensors.Tensor, []*tensors.Tensor, error) {
		if step < 0 {
			return nil, nil, fmt.Errorf("dae: MNIST batches: step %d < 0", step)
		}
		if e := step / spe; e != epoch {
			epoch, perm = e, data.Permutation(cfg.TrainSize, cfg.Seed^streamMNISTShuffle, e)
		}
		b := step % spe
		clean, _, err := set.Batch(perm[b*cfg.Batch : (b+1)*cfg.Batch])
		if err != nil {
			return nil, nil, err
		}
		rng := rand.New(rand.NewPCG(cfg.Seed, streamMNISTCorrupt^uint64(step)))
		noisy, _, err := CorruptCopy(cfg.Corruption, clean, cfg.Batch, MNISTSide, MNISTSide, rng)
		if err != nil {
			return nil, nil, err
		}
		dims := []int{cfg.Batch, MNISTSide, MNISTSide, 1}
		return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(noisy, dims...)},
			[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(clean, dims...)}, nil
	}, nil
}

// mnistCodeVersion is part of the cache key: bump it when the model, the
// loss or the batches change.
const mnistCodeVersion = "dae-mnist-v1"

// mnistCacheSettings is what the cache key hashes: the settings and the
// corruption's Name (which carries its parameters).
type mnistCacheSettings struct {
	Config     MNISTConfig
	Corruption string
}

// TrainMNIST trains the lecture's MNIST denoising autoencoder
// ([MNISTDenoiser]) with kit/train: Adam at cfg.LearningRate on [MNISTLoss]
// for cfg.Steps steps of cfg.Batch digits from the first cfg.TrainSize of
// MNIST's training set, each batch corrupted afresh by cfg.Corruption.
// Deterministic for a given cfg on one backend. With cfg.Cache the trained
// model is loaded from (or saved to) kit/train's checkpoint cache, keyed by
// the settings, the corruption's Name and the budget. MNIST must be
// installed (see kit/data; the error wraps data.ErrNotInstalled).
func TrainMNIST(cfg MNISTConfig) (*MNISTResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	set, err := mnistTrainSet()
	if err != nil {
		return nil, fmt.Errorf("dae: TrainMNIST: %w", err)
	}
	batches, err := mnistBatches(cfg, set)
	if err != nil {
		return nil, err
	}
	tc := train.Config{
		Name:  cfg.Name(),
		Model: cfg.Model(), Loss: MNISTLoss, Batches: batches,
		Steps: cfg.Steps, Seed: int64(cfg.Seed), LearningRate: cfg.LearningRate,
		Progress: cfg.Progress,
	}
	var res *train.Result
	if cfg.Cache {
		key, err := train.CacheKey("dae/mnist", mnistCodeVersion, mnistCacheSettings{cfg, cfg.Corruption.Name()})
		if err != nil {
			return nil, err
		}
		if res, err = train.RunCached("", key, tc); err != nil {
			return nil, err
		}
	} else if res, err = train.Run(tc); err != nil {
		return nil, err
	}
	return &MNISTResult{Config: cfg, Train: res}, nil
}

// mnistPredictBatch is the batch size of [MNISTResult.Denoise].
const mnistPredictBatch = 100

// Denoise applies the trained denoiser to n corrupted digits x~:
// [n, 28, 28, 1] float32 in [0, 1] units -> [n, 28, 28, 1] in [0, 1] units
// (not clipped), in batches of up to 100 on kit/train's shared backend.
func (r *MNISTResult) Denoise(noisy []float32, n int) ([]float32, error) {
	if r == nil || r.Train == nil || r.Train.Store == nil {
		return nil, errors.New("dae: MNISTResult.Denoise: no trained model")
	}
	const size = MNISTSide * MNISTSide
	if n < 1 || len(noisy) != n*size {
		return nil, fmt.Errorf("dae: MNISTResult.Denoise: %d values for n = %d digits, want n >= 1 and n*784 values", len(noisy), n)
	}
	out, _, err := train.Predict(nil, r.Train.Store, r.Config.Model(), noisy,
		[]int{n, MNISTSide, MNISTSide, 1}, min(n, mnistPredictBatch))
	if err != nil {
		return nil, fmt.Errorf("dae: MNISTResult.Denoise: %w", err)
	}
	return out, nil
}
