package train

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// TestMomentumSGD runs three steps of MomentumSGD on a linear model with a
// fixed batch from known weights and compares them with the heavy-ball
// recursion v <- mu v + g, w <- w - lr v computed in float64.
func TestMomentumSGD(t *testing.T) {
	xs := []float32{-1, -0.5, 0.25, 1}
	ys := []float32{-2, -0.5, 1.75, 4}
	batches := func(int) ([]*tensors.Tensor, []*tensors.Tensor, error) {
		return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(append([]float32(nil), xs...), 4, 1)},
			[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(append([]float32(nil), ys...), 4, 1)}, nil
	}
	const lr, mu, steps = 0.1, 0.9, 3
	store := model.NewStore()
	s := store.Scope("/linear")
	s.VariableWithValue("w", [][]float32{{0.5}})
	s.VariableWithValue("b", []float32{-0.25})
	_, err := Run(Config{Name: "momentum", Store: store, Model: linearModel, Loss: loss.MeanSquaredError,
		Batches: batches, Steps: steps, Optimizer: MomentumSGD(lr, mu)})
	if err != nil {
		t.Fatal(err)
	}
	w, b, vw, vb := 0.5, -0.25, 0.0, 0.0
	for range steps {
		var gw, gb float64
		for i, x := range xs {
			r := w*float64(x) + b - float64(ys[i])
			gw += 2 * r * float64(x) / float64(len(xs))
			gb += 2 * r / float64(len(xs))
		}
		vw, vb = mu*vw+gw, mu*vb+gb
		w, b = w-lr*vw, b-lr*vb
	}
	gotW, gotB := varValue(t, store, "/linear/w")[0], varValue(t, store, "/linear/b")[0]
	if math.Abs(float64(gotW)-w) > 1e-5 || math.Abs(float64(gotB)-b) > 1e-5 {
		t.Errorf("after %d steps w, b = %v, %v; want %v, %v", steps, gotW, gotB, w, b)
	}
	for _, bad := range [][2]float64{{0, 0.9}, {0.1, 1}, {0.1, -0.1}, {math.NaN(), 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("MomentumSGD(%g, %g) did not panic", bad[0], bad[1])
				}
			}()
			MomentumSGD(bad[0], bad[1])
		}()
	}
}
