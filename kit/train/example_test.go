package train_test

import (
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/dlc-go/denoising/kit/train"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// Fit y = 3x + 1 with Adam, cache the model by its settings, load it back.
func ExampleRunCached() {
	type Settings struct {
		Batch, Steps int
		LR           float64
		Seed         int64
	}
	s := Settings{Batch: 64, Steps: 600, LR: 0.05, Seed: 1} // sizes via train.Pick(quick, full) in notebooks

	// line: x [B, 1] float32 -> w x + b, [B, 1].
	line := func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		x := in[0]
		w := scope.VariableWithShape("w", shapes.Make(dtypes.Float32, 1, 1)).NodeValue(x.Graph())
		b := scope.VariableWithShape("b", shapes.Make(dtypes.Float32, 1)).NodeValue(x.Graph())
		return []*graph.Node{graph.Add(graph.MatMul(x, w), graph.ExpandLeftToRank(b, 2))}
	}
	batches := func(step int) (in, labels []*tensors.Tensor, err error) {
		rng := rand.New(rand.NewPCG(uint64(s.Seed), uint64(step)))
		x, y := make([]float32, s.Batch), make([]float32, s.Batch)
		for i := range x {
			x[i] = float32(2*rng.Float64() - 1)
			y[i] = 3*x[i] + 1
		}
		return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(x, s.Batch, 1)},
			[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(y, s.Batch, 1)}, nil
	}

	dir, _ := os.MkdirTemp("", "train-example-") // notebooks pass "" (the repository's cache)
	defer os.RemoveAll(dir)
	key, err := train.CacheKey("line", "v1", s)
	if err != nil {
		panic(err)
	}
	cfg := train.Config{Name: "line", Model: line, Loss: loss.MeanSquaredError, Batches: batches,
		Steps: s.Steps, Seed: s.Seed, LearningRate: s.LR,
		// Progress: plot.NewProgress("line").Update, // live display in a notebook
	}
	for range 2 {
		cfg.Store = model.NewStore()
		res, err := train.RunCached(dir, key, cfg)
		if err != nil {
			panic(err)
		}
		y, _, err := train.Predict(nil, res.Store, line, []float32{0, 1}, []int{2, 1}, 2)
		if err != nil {
			panic(err)
		}
		fmt.Printf("cached=%v losses=%d f(0)=%.2f f(1)=%.2f\n", res.Cached, len(res.Loss), y[0], y[1])
	}
	// Output:
	// cached=false losses=600 f(0)=1.00 f(1)=4.00
	// cached=true losses=600 f(0)=1.00 f(1)=4.00
}
