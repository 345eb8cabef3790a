package sr

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

func randFloat64(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// refPixelShuffle is the loop definition: out[b, h*r+i, w*r+j, c] =
// x[b, h, w, c*r*r + i*r + j].
func refPixelShuffle(x []float64, b, h, w, cr, r int) []float64 {
	c := cr / (r * r)
	out := make([]float64, len(x))
	H, W := h*r, w*r
	for n := range b {
		for y := range h {
			for xx := range w {
				for ch := range c {
					for i := range r {
						for j := range r {
							out[((n*H+y*r+i)*W+xx*r+j)*c+ch] = x[((n*h+y)*w+xx)*cr+ch*r*r+i*r+j]
						}
					}
				}
			}
		}
	}
	return out
}

func TestPixelShuffleForwardAndInverse(t *testing.T) {
	be := backend.Shared()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ b, h, w, ch, r int }{
		{2, 3, 4, 2, 2}, {1, 2, 3, 3, 3}, {2, 2, 2, 1, 4}, {1, 3, 2, 5, 1},
	} {
		cr := c.ch * c.r * c.r
		x := randFloat64(rng, c.b*c.h*c.w*cr)
		outs, err := ExecOnceN(be, func(x *Node) []*Node {
			y := PixelShuffle(x, c.r)
			return []*Node{y, PixelUnshuffle(y, c.r)}
		}, tensors.FromFlatDataAndDimensions(x, c.b, c.h, c.w, cr))
		if err != nil {
			t.Fatal(err)
		}
		y, back := outs[0], outs[1]
		if d := y.Shape().Dimensions; d[0] != c.b || d[1] != c.h*c.r || d[2] != c.w*c.r || d[3] != c.ch {
			t.Fatalf("%+v: output shape %s", c, y.Shape())
		}
		got := tensors.MustCopyFlatData[float64](y)
		want := refPixelShuffle(x, c.b, c.h, c.w, cr, c.r)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%+v: forward differs from the loop at %d: %v vs %v", c, i, got[i], want[i])
			}
		}
		rt := tensors.MustCopyFlatData[float64](back)
		for i := range x {
			if rt[i] != x[i] {
				t.Fatalf("%+v: PixelUnshuffle(PixelShuffle(x)) != x at %d", c, i)
			}
		}
	}
}

// PyTorch's documented example: pixel_shuffle of a [1, 4, 1, 1] tensor
// [0, 1, 2, 3] with r = 2 gives [[0, 1], [2, 3]] (channel i*r + j to (i, j)).
func TestPixelShufflePyTorchOrder(t *testing.T) {
	out, err := ExecOnce(backend.Shared(), func(x *Node) *Node { return PixelShuffle(x, 2) },
		tensors.FromFlatDataAndDimensions([]float32{0, 1, 2, 3}, 1, 1, 1, 4))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float32](out)
	for i, v := range []float32{0, 1, 2, 3} {
		if got[i] != v {
			t.Fatalf("got %v, want [0 1 2 3] as a 2x2 image", got)
		}
	}
}

// TestPixelShuffleGradient compares the graph gradient of
// L(x) = Σ (PixelShuffle(x) ⊙ R) + ½ Σ PixelShuffle(x)² (R fixed random) with
// central finite differences in float64 at every input coordinate; the
// quadratic term makes the gradient depend on x. A wrong channel mapping in
// the backward pass would show up as a relative error of order 1.
func TestPixelShuffleGradient(t *testing.T) {
	be := backend.Shared()
	rng := rand.New(rand.NewPCG(3, 4))
	const b, h, w, ch, r = 2, 2, 3, 2, 3
	cr := ch * r * r
	x := randFloat64(rng, b*h*w*cr)
	rr := randFloat64(rng, b*h*r*w*r*ch)
	loss := func(x *Node) *Node {
		y := PixelShuffle(x, r)
		R := Const(x.Graph(), tensors.FromFlatDataAndDimensions(rr, b, h*r, w*r, ch))
		return Add(ReduceAllSum(Mul(y, R)), MulScalar(ReduceAllSum(Square(y)), 0.5))
	}
	gradExec := MustNewExec(be, func(x *Node) *Node { return Gradient(loss(x), x)[0] })
	defer gradExec.Finalize()
	lossExec := MustNewExec(be, loss)
	defer lossExec.Finalize()
	eval := func(v []float64) float64 {
		out := lossExec.MustCall(tensors.FromFlatDataAndDimensions(v, b, h, w, cr))[0]
		return tensors.MustCopyFlatData[float64](out)[0]
	}
	g := tensors.MustCopyFlatData[float64](gradExec.MustCall(tensors.FromFlatDataAndDimensions(x, b, h, w, cr))[0])
	const eps = 1e-6
	var maxDiff, scale float64
	for i := range x {
		orig := x[i]
		x[i] = orig + eps
		lp := eval(x)
		x[i] = orig - eps
		lm := eval(x)
		x[i] = orig
		fd := (lp - lm) / (2 * eps)
		maxDiff = max(maxDiff, math.Abs(fd-g[i]))
		scale = max(scale, math.Abs(fd))
	}
	if scale == 0 {
		t.Fatal("finite differences are all zero: the check cannot fail")
	}
	if rel := maxDiff / scale; rel > 1e-7 {
		t.Errorf("gradient vs finite differences: max relative error %.2e", rel)
	}
	// Closed form as a second check: dL/dx = PixelUnshuffle(R + y).
	y := refPixelShuffle(x, b, h, w, cr, r)
	H, W := h*r, w*r
	for n := range b {
		for yy := range h {
			for xx := range w {
				for c := range ch {
					for i := range r {
						for j := range r {
							o := ((n*H+yy*r+i)*W+xx*r+j)*ch + c
							in := ((n*h+yy)*w+xx)*cr + c*r*r + i*r + j
							if math.Abs(g[in]-(rr[o]+y[o])) > 1e-12 {
								t.Fatalf("gradient at %d = %v, closed form %v", in, g[in], rr[o]+y[o])
							}
						}
					}
				}
			}
		}
	}
}

func TestPixelShufflePanics(t *testing.T) {
	be := backend.Shared()
	for name, fn := range map[string]func(x *Node) *Node{
		"channels":  func(x *Node) *Node { return PixelShuffle(x, 2) }, // 6 channels, r² = 4
		"rank":      func(x *Node) *Node { return PixelShuffle(Reshape(x, 6, 6), 1) },
		"unshuffle": func(x *Node) *Node { return PixelUnshuffle(x, 4) },
	} {
		_, err := ExecOnce(be, fn, tensors.FromFlatDataAndDimensions(make([]float32, 36), 1, 2, 3, 6))
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
