package n2n

import (
	"fmt"
	"testing"

	"github.com/dlc-go/denoising/kit/train"
	"github.com/gomlx/gomlx/core/tensors"
)

// BenchmarkUNetTrainStep measures one Adam step of the U-Net (L2 loss,
// gray crops) at the widths and crop sizes the experiment uses; it reports
// the steady-state seconds per step and microseconds per pixel. Measured
// on the shared 2-core machine (GOEXPERIMENT=simd, Go backend, load ~5):
// width 0.5, 32x32, batch 16: ~1.0 s/step; width 1, 64x64, batch 8: ~4 s.
//
//	GOEXPERIMENT=simd go test ./n2n -run '^$' -bench UNetTrainStep -benchtime 3x
func BenchmarkUNetTrainStep(b *testing.B) {
	for _, c := range []struct {
		width       float64
		side, batch int
	}{{0.25, 32, 4}, {0.5, 32, 16}, {1, 64, 8}} {
		b.Run(fmt.Sprintf("w%g_%dx%d_b%d", c.width, c.side, c.side, c.batch), func(b *testing.B) {
			cfg := UNetConfig{In: 1, Out: 1, Width: c.width}
			n := c.batch * c.side * c.side
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(i%7) / 7
			}
			res, err := train.Run(train.Config{
				Name: "bench", Model: DenoiserModel(cfg, 1e-3, 0), Loss: lossMSE, Steps: b.N + 1,
				Batches: func(int) ([]*tensors.Tensor, []*tensors.Tensor, error) {
					return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(x, c.batch, c.side, c.side, 1)},
						[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(x, c.batch, c.side, c.side, 1)}, nil
				},
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(1/res.StepsPerSec, "s/step")
			b.ReportMetric(1e6/res.StepsPerSec/float64(n), "us/pixel")
		})
	}
}
