//go:build amd64 && goexperiment.simd

package matmul

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/internal/gobackend/dot"
)

// TestForkSmallFloat32 checks both layouts and both forms (dot, axpy)
// against a float64 triple loop, on shapes that hit every tail: narrow
// outputs, short contractions, sizes not multiples of 4, 8 or 32, a batch
// of 2, and a product large enough to run on several goroutines.
func TestForkSmallFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	shapes := [][4]int{ // batch, m, n, k
		{1, 100, 2, 100}, {1, 100, 100, 2}, {1, 2, 100, 100}, {2, 7, 9, 5}, {1, 1, 1, 1},
		{2, 13, 37, 19}, {1, 5, 67, 3}, {1, 100, 10, 1000}, {1, 64, 64, 64}, {3, 3, 33, 15},
	}
	for _, s := range shapes {
		batch, m, n, k := s[0], s[1], s[2], s[3]
		lhs := make([]float32, batch*m*k)
		rhsKN := make([]float32, batch*k*n)
		for i := range lhs {
			lhs[i] = float32(rng.NormFloat64())
		}
		for i := range rhsKN {
			rhsKN[i] = float32(rng.NormFloat64())
		}
		rhsNK := make([]float32, len(rhsKN))
		want := make([]float64, batch*m*n)
		for b := range batch {
			for p := range k {
				for j := range n {
					rhsNK[b*n*k+j*k+p] = rhsKN[b*k*n+p*n+j]
				}
			}
			for i := range m {
				for j := range n {
					var acc float64
					for p := range k {
						acc += float64(lhs[b*m*k+i*k+p]) * float64(rhsKN[b*k*n+p*n+j])
					}
					want[b*m*n+i*n+j] = acc
				}
			}
		}
		for _, layout := range []dot.Layout{dot.LayoutNonTransposed, dot.LayoutTransposed} {
			rhs := rhsKN
			if layout == dot.LayoutTransposed {
				rhs = rhsNK
			}
			out := make([]float32, batch*m*n)
			for i := range out {
				out[i] = float32(math.NaN()) // every element must be written
			}
			forkSmallFloat32(layout, lhs, rhs, batch, m, n, k, out)
			for i, w := range want {
				if d := math.Abs(float64(out[i]) - w); !(d <= 1e-4*math.Sqrt(float64(k))*(1+math.Abs(w))) {
					t.Fatalf("%v layout %d: out[%d] = %v, want %v", s, layout, i, out[i], w)
				}
			}
		}
	}
}

func BenchmarkForkSmallFloat32(b *testing.B) {
	for _, s := range [][3]int{{100, 2, 100}, {100, 100, 2}, {2, 100, 100}, {100, 100, 100}, {100, 1000, 10}} {
		m, k, n := s[0], s[1], s[2]
		lhs := make([]float32, m*k)
		rhs := make([]float32, k*n)
		out := make([]float32, m*n)
		for _, layout := range []dot.Layout{dot.LayoutNonTransposed, dot.LayoutTransposed} {
			b.Run(fmt.Sprintf("L%d_m%d_k%d_n%d", layout, m, k, n), func(b *testing.B) {
				for range b.N {
					forkSmallFloat32(layout, lhs, rhs, 1, m, n, k, out)
				}
			})
		}
	}
}
