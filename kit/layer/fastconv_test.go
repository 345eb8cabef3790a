package layer

import (
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
)

// TestFastConvActive checks that this repository builds against its fork
// of gomlx/compute (go.mod's replace of github.com/gomlx/compute by
// ./third_party/compute) with the fast ConvGeneral enabled, so that
// Conv2D/ConvTranspose2D take the fast path on the pure-Go backend (the
// gradient tests then check that path).
func TestFastConvActive(t *testing.T) {
	b := backend.Shared()
	if b.Name() != "Go Backend" {
		t.Skipf("backend %q is not the pure-Go one", b.Name())
	}
	if !backend.SIMD {
		t.Skip("built without GOEXPERIMENT=simd: the fast convolution is off")
	}
	if d := b.Description(); !(len(d) > len(forkTag) && d[len(d)-len(forkTag)-1:] == forkTag+")") {
		t.Fatalf("backend description %q lacks %q: not the forked compute, or no AVX2/FMA", d, forkTag)
	}
}

// TestMACs checks the analytic multiply-accumulate counts of Conv2D,
// ConvTranspose2D and Dense against hand computations.
func TestMACs(t *testing.T) {
	g := NewGraph(backend.Shared(), "macs")
	defer ForgetMACs(g)
	x := Zeros(g, shapes.Make(dtypes.Float32, 2, 9, 8, 3))
	y := Conv2D(x, Zeros(g, shapes.Make(dtypes.Float32, 4, 4, 3, 5)), 2, Padding{}) // -> [2, 3, 3, 5]
	if want := int64(2 * 3 * 3 * 4 * 4 * 3 * 5); MACs(g) != want {
		t.Fatalf("Conv2D MACs %d, want %d", MACs(g), want)
	}
	_ = ConvTranspose2D(y, Zeros(g, shapes.Make(dtypes.Float32, 3, 3, 5, 7)), 2, Padding{}, 0) // input 2x3x3
	want := int64(2*3*3*4*4*3*5 + 2*3*3*3*3*5*7)
	if MACs(g) != want {
		t.Fatalf("Conv2D+ConvTranspose2D MACs %d, want %d", MACs(g), want)
	}
	_ = denseFn(Zeros(g, shapes.Make(dtypes.Float32, 4, 6)), Zeros(g, shapes.Make(dtypes.Float32, 6, 2)), nil)
	if MACs(g) != want { // denseFn is not a layer: not counted
		t.Fatalf("denseFn was counted")
	}
}
