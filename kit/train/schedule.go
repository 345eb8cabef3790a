package train

import (
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer/cosineschedule"
)

// WithCosineDecay returns fn extended to set the optimiser's learning rate
// along a half cosine from lr to 0 over steps training steps (GoMLX's
// cosineschedule, which reads the global step from the store and drives
// the "/optimizers/learning_rate" variable that Run's Adam uses). lr 0
// means [DefaultLearningRate], as in [Config]. The schedule is built before
// fn, in the dtype of the first input, and does nothing in inference
// graphs. steps <= 0 returns fn unchanged.
func WithCosineDecay(fn ModelFn, lr float64, steps int) ModelFn {
	if steps <= 0 {
		return fn
	}
	if lr == 0 {
		lr = DefaultLearningRate
	}
	return func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		cosineschedule.New(scope, in[0].Graph(), in[0].DType()).LearningRate(lr).PeriodSteps(steps).Done()
		return fn(scope, in)
	}
}
