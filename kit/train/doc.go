// Package train is the small training helper that every section and
// notebook of this project uses, over GoMLX's ml/train.
//
// It does four things:
//
//   - Budgets. $DENOISING_BUDGET=quick|full (default full) picks the size of
//     everything: [Quick] reports it and [Pick](quick, full) chooses a value.
//     `make test` and notebook CI set quick; a reader reproducing the
//     lecture's figures leaves it unset.
//   - [Run]: train a model function ([ModelFn]) on a loss ([LossFn]) with
//     Adam (learning rate 1e-3 by default, optional AdamW weight decay) for a
//     number of steps, feeding batches from a [BatchFn], reporting a
//     [Progress] after every step and calling an optional evaluation every K
//     steps. It returns the per-step loss history and timings ([Result]).
//     A seed makes runs reproducible: it seeds the model.Store's random
//     number generator, which GoMLX uses both for variable initializers and
//     for graph-side random ops (Scope.RandomNormal, ...); the same Config
//     gives the same loss history run to run on one backend.
//   - Checkpoint cache: [CacheKey] names a model by its settings (canonical
//     JSON hash + budget + a code version), and [LoadOrTrain] / [RunCached]
//     load it from <repo>/.cache/models/<key> (or $DENOISING_CACHE) instead of
//     training when it exists, with the loss history and training time
//     recorded beside it, so a notebook re-run is fast yet can still plot
//     the curve and state how long training took. $DENOISING_RETRAIN=1
//     forces retraining. Entries are GoMLX checkpoint files plus meta.json,
//     written atomically.
//   - Inference: [Eval] runs the model forward in inference mode
//     (Store.IsTraining false) on a batch; [Predictor] and [Predict] run it
//     over a big float32 array in batches; [MSE] compares two arrays.
//
// # Ownership of batch tensors
//
// GoMLX's Trainer.TrainStep takes ownership of the tensors of the batch it
// is given and finalizes them (certainly those living on the device, such
// as outputs of another graph), so a [BatchFn] must build fresh tensors on
// every call (Run reports a clear error if it gets a finalized one). [Predictor.Call] and [Eval] do not
// finalize their inputs.
//
// # Example (a notebook cell)
//
//	import (
//		"math/rand/v2"
//
//		"github.com/dlc-go/denoising/kit/plot"
//		"github.com/dlc-go/denoising/kit/train"
//		"github.com/gomlx/compute/shapes"
//		. "github.com/gomlx/gomlx/core/graph"
//		"github.com/gomlx/gomlx/core/tensors"
//		"github.com/gomlx/gomlx/ml/model"
//		"github.com/gomlx/gomlx/ml/train/loss"
//	)
//
//	// Settings: everything that determines the trained model.
//	type Settings struct {
//		Hidden, Batch, Steps int
//		Sigma, LR            float64
//		Seed                 int64
//	}
//	var cfg = Settings{Hidden: train.Pick(32, 256), Batch: 64,
//		Steps: train.Pick(200, 20_000), Sigma: 0.3, LR: 1e-3, Seed: 1}
//
//	// dae: x̃ [B, D] float32 -> reconstruction [B, D] float32.
//	func dae(scope *model.Scope, in []*Node) []*Node {
//		x := in[0]
//		d := x.Shape().Dim(-1)
//		w := scope.VariableWithShape("W", shapes.Make(x.DType(), d, cfg.Hidden)).NodeValue(x.Graph())
//		h := Sigmoid(MatMul(x, w))                             // [B, H]
//		return []*Node{Sigmoid(MatMul(h, Transpose(w, 0, 1)))} // tied weights: [B, D]
//	}
//
//	%%
//	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0))
//	batches := func(step int) (in, labels []*tensors.Tensor, err error) {
//		x, xt := sampleBatch(rng, cfg.Batch, cfg.Sigma) // clean, corrupted: []float32
//		return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(xt, cfg.Batch, 784)},
//			[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(x, cfg.Batch, 784)}, nil
//	}
//	key, err := train.CacheKey("dae/tied", "v1", cfg)
//	if err != nil { panic(err) }
//	res, err := train.RunCached("", key, train.Config{
//		Name: "dae/tied", Model: dae, Loss: loss.MeanSquaredError, Batches: batches,
//		Steps: cfg.Steps, Seed: cfg.Seed, LearningRate: cfg.LR,
//		Progress: plot.NewProgress("dae/tied").Update, // throttled live display
//	})
//	if err != nil { panic(err) }
//	fmt.Println(res) // dae/tied: 20000 steps, final loss ..., 95.2s, 210 steps/s on go [loaded from cache]
//	recon, dims, err := train.Predict(nil, res.Store, dae, testX, []int{n, 784}, 500)
//
// res.Loss is the per-step loss history (also when loaded from the cache),
// res.Wall the training time and res.StepsPerSec the steady-state speed.
package train
