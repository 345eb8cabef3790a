package layer

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
)

// BenchmarkKernelGrad times the weight gradient of a 3x3 "same" Conv2D
// (the U-Net's) computed straight from the channels-last input and after
// transposing it, interleaved in one process so that a noisy machine
// affects both alike; it reports the median ms of each.
func BenchmarkKernelGrad(b *testing.B) {
	nb := testBackendsOnce()[0] // the pure-Go backend
	if nb.err != nil || !fastConvOK(Zeros(NewGraph(nb.b, "probe"), shapes.Make(dtypes.Float32, 1))) {
		b.Skip("needs the forked pure-Go backend")
	}
	backend := nb.b
	for _, c := range [][4]int{{8, 64, 48, 48}, {8, 64, 97, 64}, {8, 32, 144, 96}, {8, 16, 144, 96}, {8, 8, 144, 96}, {8, 4, 96, 96}} {
		bt, hw, cu, cv := c[0], c[1], c[2], c[3]
		b.Run(fmt.Sprintf("B%d_%dx%d_%dto%d", bt, hw, hw, cu, cv), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			x, dy := randTensor32(rng, bt, hw, hw, cu), randTensor32(rng, bt, hw, hw, cv)
			g := convGeom{h: hw, w: hw, kh: 3, kw: 3, s: 1, top: 1, bottom: 1, left: 1, right: 1, ho: hw, wo: hw}
			mk := func(transposed bool) *Exec {
				forceTransposedKernelGrad = transposed
				defer func() { forceTransposedKernelGrad = false }()
				e := MustNewExec(backend, func(x, dy *Node) *Node { return g.kernelGrad(x, dy, 2) })
				e.MustExec(x, dy) // compile while the flag is set
				return e
			}
			direct, transposed := mk(false), mk(true)
			defer direct.Finalize()
			defer transposed.Finalize()
			var td, tt []float64
			for range max(b.N, 5) {
				t0 := time.Now()
				direct.MustExec(x, dy)
				td = append(td, float64(time.Since(t0).Microseconds())/1000)
				t0 = time.Now()
				transposed.MustExec(x, dy)
				tt = append(tt, float64(time.Since(t0).Microseconds())/1000)
			}
			slices.Sort(td)
			slices.Sort(tt)
			b.ReportMetric(td[len(td)/2], "direct-ms")
			b.ReportMetric(tt[len(tt)/2], "transposed-ms")
		})
	}
}
