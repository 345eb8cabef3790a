package train

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// linearModel: x [B, 1] float32 -> w·x + b, [B, 1]; w [1, 1] (He-initialized
// from the store's RNG), b [1] (zero).
func linearModel(scope *model.Scope, in []*graph.Node) []*graph.Node {
	x := in[0]
	g := x.Graph()
	s := scope.In("linear")
	w := s.VariableWithShape("w", shapes.Make(dtypes.Float32, 1, 1)).NodeValue(g)
	b := s.VariableWithShape("b", shapes.Make(dtypes.Float32, 1)).NodeValue(g)
	return []*graph.Node{graph.Add(graph.MatMul(x, w), graph.ExpandLeftToRank(b, 2))}
}

// noisyLinearModel adds graph-side noise (from the store's RNG) to the input
// during training, so its loss history depends on the seeded RNG state.
func noisyLinearModel(scope *model.Scope, in []*graph.Node) []*graph.Node {
	x := in[0]
	if scope.Store().IsTraining(x.Graph()) {
		x = graph.Add(x, graph.MulScalar(scope.RandomNormal(x.Graph(), x.Shape()), 0.1))
	}
	return linearModel(scope, []*graph.Node{x})
}

// lineBatches yields B points x ~ U[-1, 1] with y = 3x + 1, derived from
// the step only (so two runs see identical data).
func lineBatches(batch int) BatchFn {
	return func(step int) ([]*tensors.Tensor, []*tensors.Tensor, error) {
		rng := rand.New(rand.NewPCG(uint64(step), 7))
		x := make([]float32, batch)
		y := make([]float32, batch)
		for i := range x {
			x[i] = float32(2*rng.Float64() - 1)
			y[i] = 3*x[i] + 1
		}
		return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(x, batch, 1)},
			[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(y, batch, 1)}, nil
	}
}

func varValue(t *testing.T, store *model.Store, path string) []float32 {
	t.Helper()
	v := store.GetVariable(path)
	if v == nil {
		t.Fatalf("variable %s missing", path)
	}
	val, err := v.Value()
	if err != nil {
		t.Fatal(err)
	}
	flat, err := tensors.CopyFlatData[float32](val)
	if err != nil {
		t.Fatal(err)
	}
	return flat
}

func lineConfig(steps int, seed int64) Config {
	return Config{Name: "line", Model: linearModel, Loss: loss.MeanSquaredError,
		Batches: lineBatches(64), Steps: steps, Seed: seed, LearningRate: 0.05}
}

// TestRunLinearRegression fits y = 3x + 1 with Adam: the fitted weights
// must be within 0.02 of (3, 1) and the loss must fall by > 1e4.
func TestRunLinearRegression(t *testing.T) {
	res, err := Run(lineConfig(600, 1))
	if err != nil {
		t.Fatal(err)
	}
	w := varValue(t, res.Store, "/linear/w")[0]
	b := varValue(t, res.Store, "/linear/b")[0]
	if math.Abs(float64(w)-3) > 0.02 || math.Abs(float64(b)-1) > 0.02 {
		t.Errorf("fitted w=%g b=%g, want 3 and 1 within 0.02", w, b)
	}
	if len(res.Loss) != 600 || res.Steps != 600 {
		t.Fatalf("len(Loss)=%d Steps=%d, want 600", len(res.Loss), res.Steps)
	}
	if first, last := res.Loss[0], res.FinalLoss(10); !(last < first*1e-4) {
		t.Errorf("loss fell from %g to %g, want a factor > 1e4", first, last)
	}
	if res.Wall <= 0 || res.FirstStep <= 0 || res.StepsPerSec <= 0 || res.Backend == "" {
		t.Errorf("timings not set: %+v", res)
	}
	if !strings.Contains(res.String(), "line: 600 steps") {
		t.Errorf("String() = %q", res.String())
	}
	t.Logf("%s (first step %s)", res, res.FirstStep)
}

// TestRunFirstLoss checks Loss[0] against a hand computation: the MSE on
// batch 0 of the initial model (w0 from the seeded He init, b0 = 0), i.e.
// the loss before the step's update.
func TestRunFirstLoss(t *testing.T) {
	// A tiny learning rate: Adam's first step moves w and b by ~1e-9, so the
	// weights after the step are the initial ones to float32 precision.
	cfg := lineConfig(1, 5)
	cfg.LearningRate = 1e-9
	res, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w0 := float64(varValue(t, res.Store, "/linear/w")[0])
	b0 := float64(varValue(t, res.Store, "/linear/b")[0])
	in, lab, _ := lineBatches(64)(0)
	x := tensors.MustCopyFlatData[float32](in[0])
	y := tensors.MustCopyFlatData[float32](lab[0])
	want := 0.0
	for i := range x {
		d := w0*float64(x[i]) + b0 - float64(y[i])
		want += d * d
	}
	want /= float64(len(x))
	if got := res.Loss[0]; math.Abs(got-want) > 1e-5*want {
		t.Errorf("step-1 loss %g, want %g", got, want)
	}
	if math.Abs(b0) > 1e-6 {
		t.Errorf("b0 = %g, want ~0 (zero init, lr 1e-9)", b0)
	}
}

// TestRunDeterministic: same seed => identical loss histories and weights,
// with graph-side random noise in the model; another seed => different.
func TestRunDeterministic(t *testing.T) {
	run := func(seed int64) *Result {
		cfg := lineConfig(40, seed)
		cfg.Model = noisyLinearModel
		res, err := Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b, c := run(1), run(1), run(2)
	if !slices.Equal(a.Loss, b.Loss) {
		t.Errorf("seed 1 twice gave different loss histories:\n%v\n%v", a.Loss[:5], b.Loss[:5])
	}
	if wa, wb := varValue(t, a.Store, "/linear/w"), varValue(t, b.Store, "/linear/w"); !slices.Equal(wa, wb) {
		t.Errorf("seed 1 twice gave different weights %v vs %v", wa, wb)
	}
	if slices.Equal(a.Loss, c.Loss) || a.Loss[0] == c.Loss[0] {
		t.Errorf("seeds 1 and 2 gave the same losses (first %g vs %g)", a.Loss[0], c.Loss[0])
	}
	// The noise is active (so the equality above covers the graph-side
	// RNG, not only the initializer): without it the history differs.
	clean, err := Run(lineConfig(40, 1))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(a.Loss, clean.Loss) {
		t.Errorf("noise had no effect on the loss history")
	}
}

// TestRunProgress: the callback sees steps 1..N in order, Done only on the
// last call, non-decreasing Elapsed and ETA 0 at the end; evaluations land
// every K steps and after the last.
func TestRunProgress(t *testing.T) {
	var got []Progress
	var evalSteps []int
	cfg := lineConfig(23, 3)
	cfg.Progress = func(p Progress) { got = append(got, p) }
	cfg.EvalEvery = 10
	cfg.Eval = func(step int, store *model.Store) (float64, error) {
		evalSteps = append(evalSteps, step)
		return float64(step), nil
	}
	res, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 23 {
		t.Fatalf("%d progress calls, want 23", len(got))
	}
	for i, p := range got {
		if p.Step != i+1 || p.Steps != 23 || p.Name != "line" {
			t.Errorf("call %d: %+v", i, p)
		}
		if p.Done != (i == 22) {
			t.Errorf("call %d: Done=%v", i, p.Done)
		}
		if i > 0 && p.Elapsed < got[i-1].Elapsed {
			t.Errorf("call %d: Elapsed went back", i)
		}
		if p.Loss != res.Loss[i] {
			t.Errorf("call %d: Loss %g, history %g", i, p.Loss, res.Loss[i])
		}
	}
	if got[22].ETA != 0 {
		t.Errorf("final ETA %s", got[22].ETA)
	}
	if !slices.Equal(evalSteps, []int{10, 20, 23}) {
		t.Errorf("evals at %v, want [10 20 23]", evalSteps)
	}
	if len(res.Evals) != 3 || res.Evals[2] != (EvalPoint{Step: 23, Value: 23}) {
		t.Errorf("Evals = %v", res.Evals)
	}
}

func TestETA(t *testing.T) {
	// After step 1 only the elapsed time is known: 9 steps left at 2 s each.
	if got := eta(1, 10, 2*time.Second, 2*time.Second, 0); got != 18*time.Second {
		t.Errorf("eta after 1 step = %s, want 18s", got)
	}
	// Later the compiling first step is excluded: steps 2..5 took 4 s.
	if got := eta(5, 10, 14*time.Second, 10*time.Second, 4*time.Second); got != 5*time.Second {
		t.Errorf("eta after 5 steps = %s, want 5s", got)
	}
}

// TestRunErrors: bad configs, failing batch functions, reused (finalized)
// tensors and shape errors in the model come back as errors, not panics.
func TestRunErrors(t *testing.T) {
	b := backend.Shared()
	bad := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"no model", func(c *Config) { c.Model = nil }, "Model is nil"},
		{"no loss", func(c *Config) { c.Loss = nil }, "Loss is nil"},
		{"no batches", func(c *Config) { c.Batches = nil }, "Batches is nil"},
		{"zero steps", func(c *Config) { c.Steps = 0 }, "Steps=0"},
		{"negative lr", func(c *Config) { c.LearningRate = -1 }, "LearningRate"},
		{"NaN decay", func(c *Config) { c.WeightDecay = math.NaN() }, "WeightDecay"},
		{"eval without fn", func(c *Config) { c.EvalEvery = 3 }, "Eval is nil"},
		{"batch error", func(c *Config) {
			c.Batches = func(int) ([]*tensors.Tensor, []*tensors.Tensor, error) { return nil, nil, errTest }
		}, "test error"},
		{"reused tensor", func(c *Config) {
			// An on-device tensor (output of a graph) is donated to the
			// first step and finalized; handing it out again must be caught.
			x := graph.MustNewExec(b, func(a *graph.Node) *graph.Node { return graph.MulScalar(a, 1) }).
				MustCall(tensors.FromFlatDataAndDimensions([]float32{1, 2}, 2, 1))[0]
			y := tensors.FromFlatDataAndDimensions([]float32{4, 7}, 2, 1)
			c.Batches = func(int) ([]*tensors.Tensor, []*tensors.Tensor, error) {
				return []*tensors.Tensor{x}, []*tensors.Tensor{y}, nil
			}
		}, "already finalized"},
		{"model panics", func(c *Config) {
			// A panic inside graph building (e.g. a failed check in a
			// layer) must come back as an error, not hang in the graph's
			// cleanup.
			c.Model = func(*model.Scope, []*graph.Node) []*graph.Node { panic("model exploded") }
		}, "model exploded"},
		{"shape error", func(c *Config) {
			c.Batches = func(int) ([]*tensors.Tensor, []*tensors.Tensor, error) {
				return []*tensors.Tensor{tensors.FromFlatDataAndDimensions([]float32{1, 2, 3, 4}, 2, 2)},
					[]*tensors.Tensor{tensors.FromFlatDataAndDimensions([]float32{1, 2}, 2, 1)}, nil
			}
		}, "step 1"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			cfg := lineConfig(3, 1)
			cfg.Backend = b
			tc.mod(&cfg)
			res, err := Run(cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
			if res != nil {
				t.Errorf("got a Result with an error")
			}
		})
	}
}

type testError struct{}

func (testError) Error() string { return "test error" }

var errTest = testError{}
