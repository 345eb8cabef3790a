package train

import (
	"math"
	"testing"
)

// TestWithCosineDecay: after k of the schedule's n steps the learning-rate
// variable holds the rate of the last step taken (0-based s = k-1),
// lr (1 + cos(pi s / n)) / 2, and lr 0 means DefaultLearningRate.
func TestWithCosineDecay(t *testing.T) {
	const n = 10
	for _, c := range []struct {
		lr, want float64
		k        int
	}{{0.02, 0.02, 4}, {0, DefaultLearningRate, 7}} {
		cfg := lineConfig(c.k, 1)
		cfg.Model = WithCosineDecay(linearModel, c.lr, n)
		res, err := Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		got := float64(varValue(t, res.Store, "/optimizers/learning_rate")[0])
		want := c.want * (1 + math.Cos(math.Pi*float64(c.k-1)/n)) / 2
		if math.Abs(got-want) > 1e-6*want {
			t.Errorf("lr %g after %d of %d steps: rate %g, want %g", c.lr, c.k, n, got, want)
		}
	}
}
