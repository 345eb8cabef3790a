package layer

import (
	"math/rand/v2"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

func randTensor32(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// benchGraph benchmarks forward+backward of fn: the loss is sum(fn(x, kernels)),
// and the gradient is taken w.r.t. x and every kernel.
func benchGraph(b *testing.B, fn func(x *Node, ks []*Node) *Node, xDims []int, kDims ...[]int) {
	be := backend.Shared()
	rng := rand.New(rand.NewPCG(1, 2))
	args := []any{randTensor32(rng, xDims...)}
	for _, d := range kDims {
		args = append(args, randTensor32(rng, d...))
	}
	exec := MustNewExec(be, func(in []*Node) []*Node {
		out := fn(in[0], in[1:])
		return append([]*Node{ReduceAllSum(out)}, Gradient(ReduceAllSum(out), in...)...)
	})
	defer exec.Finalize()
	run := func() {
		outs := exec.MustExec(args...)
		for _, t := range outs {
			t.MustFinalizeAll()
		}
	}
	run() // compile
	b.ResetTimer()
	for b.Loop() {
		run()
	}
}

// BenchmarkConv2DMNISTEncoder: forward+backward of the first layers of the
// lecture's MNIST conv autoencoder (batch 100, 28x28): Conv2D 1->32 k5 s1
// same, LeakyReLU, Conv2D 32->32 k4 s2 pad 1 (-> 14x14), LeakyReLU.
func BenchmarkConv2DMNISTEncoder(b *testing.B) {
	benchGraph(b, func(x *Node, ks []*Node) *Node {
		y := LeakyReLU(Conv2D(x, ks[0], 1, Same()), 0.01)
		return LeakyReLU(Conv2D(y, ks[1], 2, PadAll(1)), 0.01)
	}, []int{100, 28, 28, 1}, []int{5, 5, 1, 32}, []int{4, 4, 32, 32})
}

// BenchmarkConv2DK5C32: forward+backward of one Conv2D 32->32, k5, stride 1,
// same padding, batch 100, 28x28 (the most expensive layer shape).
func BenchmarkConv2DK5C32(b *testing.B) {
	benchGraph(b, func(x *Node, ks []*Node) *Node {
		return Conv2D(x, ks[0], 1, Same())
	}, []int{100, 28, 28, 32}, []int{5, 5, 32, 32})
}

// BenchmarkConvTranspose2DMNISTDecoder: forward+backward of ConvTranspose2D
// 32->32 k4 s2 pad 1 (14x14 -> 28x28), batch 100.
func BenchmarkConvTranspose2DMNISTDecoder(b *testing.B) {
	benchGraph(b, func(x *Node, ks []*Node) *Node {
		return ConvTranspose2D(x, ks[0], 2, PadAll(1), 0)
	}, []int{100, 14, 14, 32}, []int{4, 4, 32, 32})
}
