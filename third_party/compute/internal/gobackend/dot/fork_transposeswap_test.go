package dot_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/internal/gobackend"
	"github.com/gomlx/compute/internal/gobackend/dot"
	"github.com/gomlx/compute/shapes"
)

// TestTransposedDotSwap builds a dense layer's weight gradient as GoMLX
// does (DotGeneral over the batch axis giving [out, in], then Transpose to
// [in, out]) and checks that with the pass the Transpose node has become
// the swapped product, and that both graphs agree with a float64 sum.
func TestTransposedDotSwap(t *testing.T) {
	be, ok := backend.(*gobackend.Backend)
	if !ok {
		t.Skip("not the Go backend")
	}
	const batch, in, out = 20, 37, 45
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float32, batch*in)
	dy := make([]float32, batch*out)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for i := range dy {
		dy[i] = float32(rng.NormFloat64())
	}
	for _, disabled := range []bool{true, false} {
		dot.DisableTransposedDotSwap = disabled
		builder := be.Builder("swap")
		fn := builder.Main()
		xp, err := fn.Parameter("x", shapes.Make(dtypes.Float32, batch, in), nil)
		if err != nil {
			t.Fatal(err)
		}
		dyp, err := fn.Parameter("dy", shapes.Make(dtypes.Float32, batch, out), nil)
		if err != nil {
			t.Fatal(err)
		}
		// [out, in] = dy^T x, contracting the batch axis of both.
		prod, err := fn.DotGeneral(dyp, []int{0}, nil, xp, []int{0}, nil, compute.DotGeneralConfig{})
		if err != nil {
			t.Fatal(err)
		}
		grad, err := fn.Transpose(prod, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		// A consumer, so the Transpose is not itself the output.
		res, err := fn.Neg(grad)
		if err != nil {
			t.Fatal(err)
		}
		if err := fn.Return([]compute.Value{res}, nil); err != nil {
			t.Fatal(err)
		}
		exec, err := builder.Compile()
		if err != nil {
			t.Fatal(err)
		}
		gn := grad.(*gobackend.Node)
		if wantOp := map[bool]compute.OpType{true: compute.OpTypeTranspose, false: compute.OpTypeDotGeneral}[disabled]; gn.OpType != wantOp {
			t.Errorf("disabled=%v: gradient node is %s, want %s", disabled, gn.OpType, wantOp)
		}
		xb, _ := be.BufferFromFlatData(0, append([]float32(nil), x...), shapes.Make(dtypes.Float32, batch, in))
		dyb, _ := be.BufferFromFlatData(0, append([]float32(nil), dy...), shapes.Make(dtypes.Float32, batch, out))
		outs, err := exec.Execute([]compute.Buffer{xb, dyb}, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := outs[0].(*gobackend.Buffer).Flat.([]float32)
		for i := range in {
			for j := range out {
				var want float64
				for b := range batch {
					want -= float64(x[b*in+i]) * float64(dy[b*out+j])
				}
				if g := got[i*out+j]; math.Abs(float64(g)-want) > 1e-4*(1+math.Abs(want)) {
					t.Fatalf("disabled=%v: grad[%d,%d] = %v, want %v", disabled, i, j, g, want)
				}
			}
		}
		exec.Finalize()
	}
	dot.DisableTransposedDotSwap = false
}
