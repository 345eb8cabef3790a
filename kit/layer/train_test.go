package layer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// tinyAutoencoder: Conv2D k4 s2 pad1 (8 channels) -> LeakyReLU ->
// ConvTranspose2D k4 s2 pad1 back to 1 channel: [B,8,8,1] -> [B,8,8,1].
func tinyAutoencoder(scope *model.Scope, x *Node) *Node {
	h := Conv2DLayer(scope.In("enc"), x, ConvConfig{Out: 8, Kernel: 4, Stride: 2, Padding: PadAll(1)})
	h = LeakyReLU(h, 0.01)
	return ConvTranspose2DLayer(scope.In("dec"), h, ConvConfig{Out: 1, Kernel: 4, Stride: 2, Padding: PadAll(1)})
}

// TestTrainTinyAutoencoder trains the tiny conv autoencoder for 40 Adam
// steps (lr 1e-2) on a fixed batch of smooth random images with
// train.Trainer, and checks that the reconstruction MSE falls to under half
// of its first value.
func TestTrainTinyAutoencoder(t *testing.T) {
	forBackends(t, func(t *testing.T, b compute.Backend) {
		store := model.NewStore()
		if err := SetSeed(store, 3); err != nil {
			t.Fatal(err)
		}
		trainer := train.NewTrainer(b, store, tinyAutoencoder, loss.MeanSquaredError,
			optimizer.Adam().LearningRate(1e-2).Done(), nil, nil)
		// 16 images 8x8: sums of two random 2D sinusoids (learnable structure).
		rng := rand.New(rand.NewPCG(5, 5))
		const n, s = 16, 8
		data := make([]float32, n*s*s)
		for i := range n {
			a, b, c, d := rng.Float64()*2, rng.Float64()*2, rng.Float64()*6, rng.Float64()*6
			for y := range s {
				for x := range s {
					data[i*s*s+y*s+x] = float32(0.5 * (math.Sin(a*float64(y)+c) + math.Sin(b*float64(x)+d)))
				}
			}
		}
		batch := func() train.Batch {
			img := tensors.FromFlatDataAndDimensions(append([]float32(nil), data...), n, s, s, 1)
			lbl := tensors.FromFlatDataAndDimensions(append([]float32(nil), data...), n, s, s, 1)
			return train.Batch{Inputs: []*tensors.Tensor{img}, Labels: []*tensors.Tensor{lbl}}
		}
		var first, last float32
		for step := range 40 {
			metrics, err := trainer.TrainStep(batch()) // TrainStep finalizes the batch.
			if err != nil {
				t.Fatal(err)
			}
			l := tensors.ToScalar[float32](metrics[0])
			if step == 0 {
				first = l
			}
			last = l
		}
		t.Logf("%s: MSE step 1 = %.4f, step 40 = %.4f", b.Name(), first, last)
		if !(last < 0.5*first) {
			t.Errorf("loss did not fall enough: first %.4f, last %.4f", first, last)
		}
	})
}
