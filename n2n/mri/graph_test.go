package mri

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/dlc-go/denoising/kit/img"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// execNodes compiles fn on the shared backend and runs it on inputs.
func execNodes(t *testing.T, fn func(in []*graph.Node) []*graph.Node, inputs ...any) []*tensors.Tensor {
	t.Helper()
	e, err := graph.NewExec(backend.Shared(), fn)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	out, err := e.Exec(inputs...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func flat64(t *testing.T, x *tensors.Tensor) []float64 {
	t.Helper()
	if d, err := tensors.CopyFlatData[float64](x); err == nil {
		return d
	}
	d := tensors.MustCopyFlatData[float32](x)
	out := make([]float64, len(d))
	for i, v := range d {
		out[i] = float64(v)
	}
	return out
}

// toTensor makes a [b, h, w] tensor of dtype float64 or float32.
func toTensor(x []float64, f32 bool, dims ...int) *tensors.Tensor {
	if !f32 {
		return tensors.FromFlatDataAndDimensions(append([]float64(nil), x...), dims...)
	}
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return tensors.FromFlatDataAndDimensions(y, dims...)
}

// DFT2 and IDFT2 (matrix products) against gonum's FFT, on random complex
// and real batches of a non-square size.
func TestDFT2MatchesFFT(t *testing.T) {
	const b, h, w = 2, 12, 10
	rng := rand.New(rand.NewPCG(1, 2))
	re, im := make([]float64, b*h*w), make([]float64, b*h*w)
	for i := range re {
		re[i], im[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	// Reference with gonum, image by image.
	wantRe, wantIm := make([]float64, b*h*w), make([]float64, b*h*w)
	wantRealRe, wantRealIm := make([]float64, b*h*w), make([]float64, b*h*w)
	for k := range b {
		x, xr := make([]complex128, h*w), make([]complex128, h*w)
		for i := range x {
			x[i] = complex(re[k*h*w+i], im[k*h*w+i])
			xr[i] = complex(re[k*h*w+i], 0)
		}
		X, _ := img.FFT2(x, h, w)
		XR, _ := img.FFT2(xr, h, w)
		for i := range X {
			wantRe[k*h*w+i], wantIm[k*h*w+i] = real(X[i]), imag(X[i])
			wantRealRe[k*h*w+i], wantRealIm[k*h*w+i] = real(XR[i]), imag(XR[i])
		}
	}
	for _, f32 := range []bool{false, true} {
		tol := 1e-9
		if f32 {
			tol = 1e-4
		}
		out := execNodes(t, func(in []*graph.Node) []*graph.Node {
			Re, Im := DFT2(in[0], in[1])
			RRe, RIm := DFT2(in[0], nil)
			// Round trip through the inverse.
			bRe, bIm := IDFT2(Re, Im)
			return []*graph.Node{Re, Im, RRe, RIm, bRe, bIm}
		}, toTensor(re, f32, b, h, w), toTensor(im, f32, b, h, w))
		scale := 0.0
		for _, v := range wantRe {
			scale = max(scale, math.Abs(v))
		}
		for j, want := range [][]float64{wantRe, wantIm, wantRealRe, wantRealIm, re, im} {
			got := flat64(t, out[j])
			for i := range want {
				s := scale
				if j >= 4 {
					s = 1
				}
				if math.Abs(got[i]-want[i]) > tol*s {
					t.Fatalf("float32=%v output %d value %d: %v, want %v (tolerance %g)", f32, j, i, got[i], want[i], tol*s)
				}
			}
		}
	}
}

// PutBackKnown restores the measured frequencies exactly and keeps the
// prediction's spectrum elsewhere; it agrees with RestoreKnown (Go).
func TestPutBackKnown(t *testing.T) {
	const b, n = 2, 16
	d, _ := NewDensity(n, 0.25, DefaultR0)
	rng := rand.New(rand.NewPCG(3, 4))
	pred := make([]float64, b*n*n)
	for i := range pred {
		pred[i] = rng.Float64()
	}
	var mask, mRe, mIm []float64
	var cs []*Corrupted
	for range b {
		c, err := d.Corrupt(phantom(n), rng)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
		for i, m := range c.Mask {
			mask = append(mask, float64(m))
			mRe, mIm = append(mRe, real(c.Measured[i])), append(mIm, imag(c.Measured[i]))
		}
	}
	for _, f32 := range []bool{false, true} {
		tol := 1e-9
		if f32 {
			tol = 1e-4
		}
		out := execNodes(t, func(in []*graph.Node) []*graph.Node {
			return []*graph.Node{PutBackKnown(in[0], in[1], in[2], in[3])}
		}, toTensor(pred, f32, b, n, n), toTensor(mask, f32, b, n, n), toTensor(mRe, f32, b, n, n), toTensor(mIm, f32, b, n, n))
		got := flat64(t, out[0])
		for k := range b {
			im, p64 := make([]complex128, n*n), make([]complex128, n*n)
			p32 := make([]float32, n*n)
			for i := range im {
				im[i] = complex(got[k*n*n+i], 0)
				p64[i] = complex(pred[k*n*n+i], 0)
				p32[i] = float32(pred[k*n*n+i])
			}
			O, _ := img.FFT2(im, n, n)
			P, _ := img.FFT2(p64, n, n)
			goOut, _ := RestoreKnown(p32, cs[k].Mask, cs[k].Measured, n)
			for i, m := range cs[k].Mask {
				want := P[i]
				if m != 0 {
					want = cs[k].Measured[i]
				}
				if cmplx.Abs(O[i]-want) > tol*float64(n*n) {
					t.Fatalf("float32=%v image %d frequency %d (kept %v): %v, want %v", f32, k, i, m != 0, O[i], want)
				}
				if math.Abs(got[k*n*n+i]-float64(goOut[i])) > 1e-5 {
					t.Fatalf("graph and Go versions differ at %d: %v vs %v", i, got[k*n*n+i], goOut[i])
				}
			}
		}
	}
	// A [H, W] mask broadcasts over the batch.
	out := execNodes(t, func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{PutBackKnown(in[0], in[1], in[2], in[3])}
	}, toTensor(pred[:n*n], false, 1, n, n), toTensor(mask[:n*n], false, n, n), toTensor(mRe[:n*n], false, 1, n, n), toTensor(mIm[:n*n], false, 1, n, n))
	if got := flat64(t, out[0]); len(got) != n*n {
		t.Fatalf("broadcast mask: %d values", len(got))
	}
}

// The gradient of sum(Wr*Re + Wi*Im) of DFT2/IDFT2/PutBackKnown with respect
// to the inputs, by graph.Gradient, against central finite differences
// (float64). The maps are linear, so differences are exact up to rounding.
func TestDFTGradient(t *testing.T) {
	const b, h, w = 1, 6, 8
	rng := rand.New(rand.NewPCG(9, 9))
	rnd := func() []float64 {
		x := make([]float64, b*h*w)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return x
	}
	x, y, wr, wi := rnd(), rnd(), rnd(), rnd()
	mask := make([]float64, b*h*w)
	for i := range mask {
		if rng.Float64() < 0.3 {
			mask[i] = 1
		}
	}
	cases := map[string]func(a, b *graph.Node) (*graph.Node, *graph.Node){
		"DFT2":  DFT2,
		"IDFT2": IDFT2,
		"PutBackKnown": func(a, bb *graph.Node) (*graph.Node, *graph.Node) {
			m := graph.Const(a.Graph(), toTensor(mask, false, b, h, w))
			return PutBackKnown(a, m, bb, graph.ZerosLike(bb)), graph.ZerosLike(a)
		},
	}
	for name, op := range cases {
		loss := func(in []*graph.Node) *graph.Node {
			g := in[0].Graph()
			re, im := op(in[0], in[1])
			return graph.ReduceAllSum(graph.Add(
				graph.Mul(re, graph.Const(g, toTensor(wr, false, b, h, w))),
				graph.Mul(im, graph.Const(g, toTensor(wi, false, b, h, w)))))
		}
		grads := execNodes(t, func(in []*graph.Node) []*graph.Node {
			return graph.Gradient(loss(in), in[0], in[1])
		}, toTensor(x, false, b, h, w), toTensor(y, false, b, h, w))
		lossExec, err := graph.NewExec(backend.Shared(), func(in []*graph.Node) *graph.Node { return loss(in) })
		if err != nil {
			t.Fatal(err)
		}
		eval := func(x, y []float64) float64 {
			o, err := lossExec.Exec(toTensor(x, false, b, h, w), toTensor(y, false, b, h, w))
			if err != nil {
				t.Fatal(err)
			}
			return flat64(t, o[0])[0]
		}
		const eps = 1e-3
		for arg, g := range grads {
			got := flat64(t, g)
			for i := range x {
				xp, yp := append([]float64(nil), x...), append([]float64(nil), y...)
				xm, ym := append([]float64(nil), x...), append([]float64(nil), y...)
				if arg == 0 {
					xp[i] += eps
					xm[i] -= eps
				} else {
					yp[i] += eps
					ym[i] -= eps
				}
				fd := (eval(xp, yp) - eval(xm, ym)) / (2 * eps)
				if math.Abs(fd-got[i]) > 1e-7*(1+math.Abs(fd)) {
					t.Fatalf("%s: d loss / d input%d[%d] = %v, finite difference %v", name, arg, i, got[i], fd)
				}
			}
		}
		lossExec.Finalize()
	}
}

// At the slice size used for training (224), float32 DFT2 stays within 1e-4
// of gonum's float64 FFT, relative to the largest coefficient.
func TestDFT2Float32FullSize(t *testing.T) {
	const n = DefaultSize
	rng := rand.New(rand.NewPCG(5, 5))
	x := make([]float64, n*n)
	xc := make([]complex128, n*n)
	for i := range x {
		x[i] = rng.Float64()
		xc[i] = complex(x[i], 0)
	}
	X, _ := img.FFT2(xc, n, n)
	out := execNodes(t, func(in []*graph.Node) []*graph.Node {
		re, im := DFT2(in[0], nil)
		return []*graph.Node{re, im}
	}, toTensor(x, true, 1, n, n))
	re, im := flat64(t, out[0]), flat64(t, out[1])
	scale := cmplx.Abs(X[0])
	var worst float64
	for i := range X {
		worst = max(worst, cmplx.Abs(complex(re[i], im[i])-X[i])/scale)
	}
	t.Logf("224x224 float32: max error / max |X| = %.2g", worst)
	if worst > 1e-4 {
		t.Errorf("max relative error %.2g > 1e-4", worst)
	}
}
