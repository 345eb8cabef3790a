package train

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	gomlxtrain "github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// ModelFn builds the model's graph: inputs (as yielded by a [BatchFn]) to
// predictions. Variables are created through scope (e.g.
// scope.In("enc").VariableWithShape(...)); the same function serves training
// (where Store.IsTraining(g) is true) and inference ([Eval], [Predictor]).
// Like all GoMLX graph builders it panics on bad shapes.
type ModelFn func(scope *model.Scope, inputs []*graph.Node) []*graph.Node

// LossFn maps labels and predictions to a loss; a non-scalar loss is
// averaged to a scalar. It is GoMLX's loss.LossFn, so loss.MeanSquaredError
// and friends can be passed directly.
type LossFn = loss.LossFn

// BatchFn returns the training batch for a step (0-based). Ownership of the
// tensors passes to the trainer: GoMLX's Trainer.TrainStep donates their
// device buffers and finalizes them (measured with v0.28.2 on the Go
// backend: a tensor that lives on the device, such as the output of another
// graph, is unusable after the step; a tensor made from a Go slice kept its
// local copy, but do not rely on that). So return fresh tensors every call,
// e.g. tensors.FromFlatDataAndDimensions(xs, batch, dim), never the same
// tensor twice; Run returns an error if it is handed a finalized one. Deriving the batch from step (e.g. an RNG seeded with the
// run seed and the step) keeps runs reproducible.
type BatchFn func(step int) (inputs, labels []*tensors.Tensor, err error)

// EvalFn is called during training every Config.EvalEvery steps (and after
// the last step) with the store holding the current variables; it returns
// one number (e.g. a validation loss, computed with [Predict] and [MSE]).
type EvalFn func(step int, store *model.Store) (float64, error)

// DefaultLearningRate is Adam's learning rate when Config.LearningRate is 0.
const DefaultLearningRate = 1e-3

// Config describes one training run for [Run].
type Config struct {
	// Name labels the run in progress reports and results, e.g. "dae/gaussian-0.3".
	Name string

	// Backend to compile and run on; nil means backend.Shared().
	Backend compute.Backend

	// Store holds the variables; nil means a new one (returned in Result.Store).
	// Pass the store given to [LoadOrTrain] when training through it.
	Store *model.Store

	// Model builds predictions from inputs (required).
	Model ModelFn
	// Loss maps (labels, predictions) to the loss (required).
	Loss LossFn
	// Batches yields each step's batch (required).
	Batches BatchFn

	// Steps is the number of training steps (> 0).
	Steps int

	// Seed seeds the store's random number generator, used by the variable
	// initializers and by graph-side random ops (Scope.RandomNormal, ...).
	// Every value including 0 is a fixed seed: the same Config gives the
	// same loss history run to run on one backend. Variables that already
	// have values (a store trained before) are not re-initialized.
	Seed int64

	// LearningRate of Adam; 0 means DefaultLearningRate (1e-3).
	LearningRate float64
	// WeightDecay > 0 makes Adam decoupled-weight-decay AdamW (applied to all
	// trainable variables, biases included, scaled by the learning rate).
	WeightDecay float64
	// Optimizer, if set, replaces Adam (LearningRate and WeightDecay are then ignored).
	Optimizer optimizer.Interface

	// Progress, if set, is called after every step (the display throttles
	// itself) with Step = 1..Steps; the last call has Done = true.
	Progress func(Progress)

	// Eval, if set with EvalEvery > 0, is called after every EvalEvery-th
	// step and after the last step; its values land in Result.Evals.
	Eval      EvalFn
	EvalEvery int
}

// EvalPoint is one value returned by Config.Eval.
type EvalPoint struct {
	Step  int
	Value float64
}

// Result is what a training run produced (or what a cached run recorded).
type Result struct {
	Name   string
	Key    string // cache key, set by LoadOrTrain (empty for a plain Run)
	Budget Budget
	Seed   int64
	Steps  int

	// Loss[i] is the training loss of the batch of step i+1 (before that
	// step's update), len(Loss) == Steps.
	Loss []float64
	// Evals holds Config.Eval's values, in step order.
	Evals []EvalPoint

	// Wall is the run's total wall time: graph building, JIT compilation,
	// all steps, evaluations and callbacks.
	Wall time.Duration
	// FirstStep is the first step's time, which includes JIT compilation.
	FirstStep time.Duration
	// StepsPerSec is the steady-state training speed: steps 2..Steps
	// (batch creation included; evaluations and the compiling first step
	// excluded). With one step it is 1/FirstStep.
	StepsPerSec float64
	// Backend is the name of the backend that trained.
	Backend string

	// Cached is true when LoadOrTrain loaded the variables from the cache
	// instead of training; the other fields then describe the original run.
	Cached bool
	// Store holds the trained variables.
	Store *model.Store
}

// FinalLoss is the mean training loss over the last n steps (all steps if
// fewer); NaN if there are none.
func (r *Result) FinalLoss(n int) float64 {
	if r == nil || len(r.Loss) == 0 || n <= 0 {
		return math.NaN()
	}
	n = min(n, len(r.Loss))
	s := 0.0
	for _, v := range r.Loss[len(r.Loss)-n:] {
		s += v
	}
	return s / float64(n)
}

// String gives a one-line summary, e.g.
// `dae/gaussian: 2000 steps, final loss 0.0123 (mean of last 50), 95.2s, 21.3 steps/s on go [cached]`.
func (r *Result) String() string {
	if r == nil {
		return "<nil train.Result>"
	}
	tail := max(1, min(50, r.Steps/20))
	s := fmt.Sprintf("%s: %d steps, final loss %.4g (mean of last %d), %s, %.1f steps/s on %s",
		r.Name, r.Steps, r.FinalLoss(tail), tail, r.Wall.Round(100*time.Millisecond), r.StepsPerSec, r.Backend)
	if r.Cached {
		s += " [loaded from cache]"
	}
	return s
}

func (c *Config) check() error {
	switch {
	case c.Model == nil:
		return errors.New("Config.Model is nil")
	case c.Loss == nil:
		return errors.New("Config.Loss is nil")
	case c.Batches == nil:
		return errors.New("Config.Batches is nil")
	case c.Steps <= 0:
		return fmt.Errorf("Config.Steps=%d, want > 0", c.Steps)
	case c.LearningRate < 0 || math.IsNaN(c.LearningRate) || math.IsInf(c.LearningRate, 0):
		return fmt.Errorf("Config.LearningRate=%g, want >= 0 and finite (0 means %g)", c.LearningRate, DefaultLearningRate)
	case c.WeightDecay < 0 || math.IsNaN(c.WeightDecay) || math.IsInf(c.WeightDecay, 0):
		return fmt.Errorf("Config.WeightDecay=%g, want >= 0 and finite", c.WeightDecay)
	case c.EvalEvery < 0:
		return fmt.Errorf("Config.EvalEvery=%d, want >= 0", c.EvalEvery)
	case c.EvalEvery > 0 && c.Eval == nil:
		return fmt.Errorf("Config.EvalEvery=%d but Config.Eval is nil", c.EvalEvery)
	}
	return nil
}

// sharedBackend returns backend.Shared(), turning its panic into an error.
func sharedBackend() (b compute.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("no backend: %v", r)
		}
	}()
	return backend.Shared(), nil
}

// Run trains cfg.Model on cfg.Batches for cfg.Steps steps with Adam (or
// cfg.Optimizer) and returns the loss history and timings. Errors (invalid
// Config, a failing BatchFn or EvalFn, a panic while building the graph,
// e.g. a shape mismatch in the model) are returned, never panicked; on error
// the Result is nil.
func Run(cfg Config) (res *Result, err error) {
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("train %q: %w", cfg.Name, err)
	}
	start := time.Now()
	b := cfg.Backend
	if b == nil {
		if b, err = sharedBackend(); err != nil {
			return nil, fmt.Errorf("train %q: %w", cfg.Name, err)
		}
	}
	store := cfg.Store
	if store == nil {
		store = model.NewStore()
	}
	// Seed the store's RNG: the initializers and graph-side random ops draw
	// from its state variable; the param covers a later ResetRNGState.
	store.SetParam(model.ParamInitialSeed, cfg.Seed)
	if err := store.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, fmt.Errorf("train %q: seeding the RNG: %w", cfg.Name, err)
	}

	opt := cfg.Optimizer
	if opt == nil {
		lr := cfg.LearningRate
		if lr == 0 {
			lr = DefaultLearningRate
		}
		opt = optimizer.Adam().LearningRate(lr).WeightDecay(cfg.WeightDecay).Done()
	}

	step := 0 // steps completed, for error messages
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("train %q: panic at step %d: %v", cfg.Name, step+1, r)
		}
	}()
	// NewTrainer switches on the function's concrete type: pass the unnamed type.
	modelFn := (func(*model.Scope, []*graph.Node) []*graph.Node)(cfg.Model)
	trainer := gomlxtrain.NewTrainer(b, store, modelFn, cfg.Loss, opt, nil, nil)
	defer func() {
		if r := recover(); r != nil {
			// A panic while building or running the graph can leave it
			// locked: ResetComputationGraphs then hangs in Exec.Finalize
			// (seen with GoMLX v0.28.2). Report it and leave the graphs to
			// the garbage collector.
			res, err = nil, fmt.Errorf("train %q: panic at step %d: %v", cfg.Name, step+1, r)
			return
		}
		trainer.ResetComputationGraphs() // release the compiled graphs
	}()

	res = &Result{
		Name: cfg.Name, Budget: CurrentBudget(), Seed: cfg.Seed, Steps: cfg.Steps,
		Loss: make([]float64, 0, cfg.Steps), Backend: b.Name(), Store: store,
	}
	var steady time.Duration // time of steps 2..Steps
	for step = 0; step < cfg.Steps; step++ {
		t0 := time.Now()
		inputs, labels, err := cfg.Batches(step)
		if err != nil {
			return nil, fmt.Errorf("train %q: batch for step %d: %w", cfg.Name, step+1, err)
		}
		if err := checkBatch(inputs, labels); err != nil {
			return nil, fmt.Errorf("train %q: batch for step %d: %w", cfg.Name, step+1, err)
		}
		metrics, err := trainer.TrainStep(gomlxtrain.Batch{Inputs: inputs, Labels: labels})
		if err != nil {
			return nil, fmt.Errorf("train %q: step %d: %w", cfg.Name, step+1, err)
		}
		lossValue, err := scalarValue(metrics[0])
		for _, m := range metrics {
			_ = m.FinalizeAll()
		}
		if err != nil {
			return nil, fmt.Errorf("train %q: step %d: reading the loss: %w", cfg.Name, step+1, err)
		}
		res.Loss = append(res.Loss, lossValue)
		dt := time.Since(t0)
		if step == 0 {
			res.FirstStep = dt
		} else {
			steady += dt
		}

		done := step+1 == cfg.Steps
		if cfg.EvalEvery > 0 && ((step+1)%cfg.EvalEvery == 0 || done) {
			v, err := cfg.Eval(step+1, store)
			if err != nil {
				return nil, fmt.Errorf("train %q: eval after step %d: %w", cfg.Name, step+1, err)
			}
			res.Evals = append(res.Evals, EvalPoint{Step: step + 1, Value: v})
		}
		if cfg.Progress != nil {
			elapsed := time.Since(start)
			cfg.Progress(Progress{
				Name: cfg.Name, Step: step + 1, Steps: cfg.Steps, Loss: lossValue,
				Elapsed: elapsed, ETA: eta(step+1, cfg.Steps, elapsed, res.FirstStep, steady),
				Done: done,
			})
		}
	}
	res.Wall = time.Since(start)
	if cfg.Steps > 1 && steady > 0 {
		res.StepsPerSec = float64(cfg.Steps-1) / steady.Seconds()
	} else if res.FirstStep > 0 {
		res.StepsPerSec = 1 / res.FirstStep.Seconds()
	}
	return res, nil
}

// eta estimates the time left after `done` of `total` steps: from the
// steady-state step time once there is one (the first step compiles).
func eta(done, total int, elapsed, first, steady time.Duration) time.Duration {
	left := total - done
	if left <= 0 {
		return 0
	}
	if done >= 2 && steady > 0 {
		return time.Duration(float64(steady) / float64(done-1) * float64(left))
	}
	return time.Duration(float64(elapsed) / float64(done) * float64(left))
}

// checkBatch rejects nil or already-finalized tensors with a clear message
// (TrainStep finalizes the tensors it is given).
func checkBatch(inputs, labels []*tensors.Tensor) error {
	if len(inputs) == 0 {
		return errors.New("no inputs")
	}
	for kind, ts := range map[string][]*tensors.Tensor{"inputs": inputs, "labels": labels} {
		for i, t := range ts {
			if t == nil {
				return fmt.Errorf("%s[%d] is nil", kind, i)
			}
			if !t.Ok() {
				return fmt.Errorf("%s[%d] was already finalized: the trainer finalizes batch tensors after each step, "+
					"so the BatchFn must create fresh tensors every call", kind, i)
			}
		}
	}
	return nil
}

// scalarValue reads a scalar float tensor as float64.
func scalarValue(t *tensors.Tensor) (float64, error) {
	if !t.Shape().IsScalar() {
		return 0, fmt.Errorf("want a scalar, got shape %s", t.Shape())
	}
	v, err := t.ValueSafe()
	if err != nil {
		return 0, err
	}
	switch x := v.(type) {
	case float32:
		return float64(x), nil
	case float64:
		return x, nil
	}
	// float16, bfloat16, ...: convert through the dtype-agnostic path.
	if f, ok := v.(interface{ Float32() float32 }); ok {
		return float64(f.Float32()), nil
	}
	return 0, fmt.Errorf("unsupported loss type %T (dtype %s)", v, t.DType())
}
