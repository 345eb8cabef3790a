package ops_test

import (
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/internal/gobackend/ops"
	"github.com/gomlx/compute/shapes"
)

// benchmarkBiasLogistic times logistic(x + b) on [100, 1000] (a sigmoid
// layer's activation), fused or not. Before the fork cleared the AVX upper
// halves after its SIMD kernels, the fused version took ~25x longer (the
// scalar math.Exp after AVX code): 83 ms against 3.2 ms here.
func benchmarkBiasLogistic(b *testing.B, fused bool) {
	ops.DisableElementwiseFusion = !fused
	defer func() { ops.DisableElementwiseFusion = false }()
	builder := backend.Builder("bias_logistic")
	fn := builder.Main()
	xp := mv(fn.Parameter("x", shapes.Make(dtypes.Float32, 100, 1000), nil))
	bp := mv(fn.Parameter("b", shapes.Make(dtypes.Float32, 1, 1000), nil))
	if err := fn.Return([]compute.Value{mv(fn.Logistic(mv(fn.Add(xp, bp))))}, nil); err != nil {
		b.Fatal(err)
	}
	exec, err := builder.Compile()
	if err != nil {
		b.Fatal(err)
	}
	defer exec.Finalize()
	x := make([]float32, 100*1000)
	for i := range x {
		x[i] = 0.05 * float32(i%200-100)
	}
	xb, err := backend.BufferFromFlatData(0, x, shapes.Make(dtypes.Float32, 100, 1000))
	if err != nil {
		b.Fatal(err)
	}
	bb, err := backend.BufferFromFlatData(0, make([]float32, 1000), shapes.Make(dtypes.Float32, 1, 1000))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		res, err := exec.Execute([]compute.Buffer{xb, bb}, nil, 0)
		if err != nil {
			b.Fatal(err)
		}
		_ = res[0].Finalize()
	}
}

func BenchmarkBiasLogisticFused(b *testing.B)   { benchmarkBiasLogistic(b, true) }
func BenchmarkBiasLogisticUnfused(b *testing.B) { benchmarkBiasLogistic(b, false) }
