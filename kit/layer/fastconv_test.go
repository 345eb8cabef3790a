package layer

import (
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
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
