package layer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// TestNativeConvMatchesShift compares, in float32 on every backend, the
// forward value and the gradients (w.r.t. x and the kernel) of Conv2D and
// ConvTranspose2D computed with the backend's own convolution (where
// nativeConvOK allows it: ONNX Runtime, odd kernels, stride 1) against the
// shift-matrix path, which TestGradTable verifies in float64 against
// finite differences. On backends without a native path both sides are the
// shift path and agree exactly.
func TestNativeConvMatchesShift(t *testing.T) {
	type convCase struct {
		name string
		fn   func(x, k *Node) *Node
		x, k []int
	}
	cases := []convCase{
		{"Conv2D k5 valid", func(x, k *Node) *Node { return Conv2D(x, k, 1, Valid) }, []int{2, 9, 8, 3}, []int{5, 5, 3, 4}},
		{"Conv2D k3 same", func(x, k *Node) *Node { return Conv2D(x, k, 1, Same()) }, []int{2, 8, 8, 3}, []int{3, 3, 3, 4}},
		{"Conv2D k3 pads(0,2,1,0)", func(x, k *Node) *Node { return Conv2D(x, k, 1, Pads(0, 2, 1, 0)) }, []int{2, 6, 7, 2}, []int{3, 3, 2, 3}},
		{"ConvTranspose2D k5", func(x, k *Node) *Node { return ConvTranspose2D(x, k, 1, Valid, 0) }, []int{2, 5, 6, 3}, []int{5, 5, 3, 4}},
		{"ConvTranspose2D k3 pad1", func(x, k *Node) *Node { return ConvTranspose2D(x, k, 1, PadAll(1), 0) }, []int{2, 6, 6, 3}, []int{3, 3, 3, 2}},
		// Enough channels for the fork's direct (untransposed) weight gradient.
		{"Conv2D k3 same 7->17", func(x, k *Node) *Node { return Conv2D(x, k, 1, Same()) }, []int{3, 8, 9, 7}, []int{3, 3, 7, 17}},
		{"Conv2D k3 s2 8->16", func(x, k *Node) *Node { return Conv2D(x, k, 2, Valid) }, []int{2, 9, 10, 8}, []int{3, 3, 8, 16}},
		{"ConvTranspose2D k4 s2 18->7", func(x, k *Node) *Node { return ConvTranspose2D(x, k, 2, Valid, 0) }, []int{2, 5, 4, 18}, []int{4, 4, 18, 7}},
	}
	forBackends(t, func(t *testing.T, b compute.Backend) {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, c := range cases {
			x, k := randTensor32(rng, c.x...), randTensor32(rng, c.k...)
			run := func(shift bool) [][]float32 {
				forceShift = shift
				defer func() { forceShift = false }()
				exec := MustNewExec(b, func(x, k *Node) []*Node {
					out := c.fn(x, k)
					// A weighted sum, so every output element has its own weight.
					w := Sin(Iota(x.Graph(), out.Shape(), 1))
					loss := ReduceAllSum(Mul(out, w))
					return append([]*Node{out}, Gradient(loss, x, k)...)
				})
				defer exec.Finalize()
				outs := exec.MustExec(x, k)
				res := make([][]float32, len(outs))
				for i, o := range outs {
					res[i] = tensors.MustCopyFlatData[float32](o)
				}
				return res
			}
			native, shift := run(false), run(true)
			for i, what := range []string{"forward", "grad x", "grad kernel"} {
				var maxDiff, maxAbs float64
				for j := range native[i] {
					maxDiff = math.Max(maxDiff, math.Abs(float64(native[i][j]-shift[i][j])))
					maxAbs = math.Max(maxAbs, math.Abs(float64(shift[i][j])))
				}
				if maxDiff > 1e-4*math.Max(maxAbs, 1) {
					t.Errorf("%s %s: native vs shift max diff %.3g (max |value| %.3g)", c.name, what, maxDiff, maxAbs)
				}
			}
		}
	})
}
