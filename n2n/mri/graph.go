package mri

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// The pure-Go GoMLX backend has no FFT and no complex dtypes, so the graph
// side writes the DFT as matrix products with constant matrices. For an
// n-point transform, F[k, m] = exp(-2 pi i k m / n) = C - i S with
// C = cos(2 pi k m / n) and S = sin(2 pi k m / n) (both symmetric), and the
// 2-D DFT of an image x: [h, w] is X = F_h x F_w. Complex values are carried
// as pairs (Re, Im) of real tensors. Cost: 8 real matrix products of
// O(h w (h + w)) each per image, fine for the slice sizes used here.

// dftMatrices returns C and S of an n-point DFT as constants of dtype dt:
// [n, n]. The phase k m mod n is reduced exactly in integers first.
func dftMatrices(g *graph.Graph, dt dtypes.DType, n int) (c, s *graph.Node) {
	cs, ss := make([]float64, n*n), make([]float64, n*n)
	for k := range n {
		for m := range n {
			ph := 2 * math.Pi * float64((k*m)%n) / float64(n)
			cs[k*n+m], ss[k*n+m] = math.Cos(ph), math.Sin(ph)
		}
	}
	c = graph.Reshape(graph.ConstAsDType(g, dt, cs), n, n)
	s = graph.Reshape(graph.ConstAsDType(g, dt, ss), n, n)
	return c, s
}

// checkImages panics unless x is a float [B, H, W] tensor.
func checkImages(name string, x *graph.Node) {
	if x.Rank() != 3 || !x.DType().IsFloat() {
		exceptions.Panicf("mri.%s: want a float [B, H, W] tensor, got %s", name, x.Shape())
	}
}

// DFT2 is the 2-D DFT of a batch of complex images given as real and
// imaginary parts re, im: [B, H, W] float (im may be nil for real images).
// It returns (Re, Im) of X[b, k, l] = sum_{m, n} x[b, m, n] exp(-2 pi i
// (k m / H + l n / W)): [B, H, W] each, unnormalised, DC at [0, 0], the same
// convention as [FFT2] (gonum). It is linear, so its gradient is exact.
func DFT2(re, im *graph.Node) (Re, Im *graph.Node) {
	return dft2("DFT2", re, im, false)
}

// IDFT2 is the inverse of [DFT2]: x = (1/(H W)) conj(F_H) X conj(F_W), with
// X given as (re, im): [B, H, W] float (im may be nil). It returns (Re, Im):
// [B, H, W].
func IDFT2(re, im *graph.Node) (Re, Im *graph.Node) {
	return dft2("IDFT2", re, im, true)
}

func dft2(name string, re, im *graph.Node, inverse bool) (Re, Im *graph.Node) {
	checkImages(name, re)
	if im != nil {
		checkImages(name, im)
		if !im.Shape().Equal(re.Shape()) {
			exceptions.Panicf("mri.%s: re %s and im %s differ in shape", name, re.Shape(), im.Shape())
		}
	}
	g, dt := re.Graph(), re.DType()
	h, w := re.Shape().Dim(1), re.Shape().Dim(2)
	ch, sh := dftMatrices(g, dt, h)
	cw, sw := dftMatrices(g, dt, w)
	// sign = -1 for the forward transform (F = C - iS), +1 for the inverse.
	neg := func(x *graph.Node) *graph.Node {
		if inverse {
			return x
		}
		return graph.Neg(x)
	}
	left := func(m, x *graph.Node) *graph.Node { return graph.Einsum("hk,bkw->bhw", m, x) }
	right := func(x, m *graph.Node) *graph.Node { return graph.Einsum("bhk,kw->bhw", x, m) }
	// Along H: A = (C + sign i S) (re + i im)
	//   Re A = C re - sign S im, Im A = C im + sign S re.
	var aRe, aIm *graph.Node
	if im == nil {
		aRe = left(ch, re)
		aIm = neg(left(sh, re))
	} else {
		aRe = graph.Sub(left(ch, re), neg(left(sh, im)))
		aIm = graph.Add(left(ch, im), neg(left(sh, re)))
	}
	// Along W: Z = A (C + sign i S)
	//   Re Z = Re A C - sign Im A S, Im Z = Im A C + sign Re A S.
	Re = graph.Sub(right(aRe, cw), neg(right(aIm, sw)))
	Im = graph.Add(right(aIm, cw), neg(right(aRe, sw)))
	if inverse {
		s := graph.Scalar(g, dt, 1/float64(h*w))
		Re, Im = graph.Mul(Re, s), graph.Mul(Im, s)
	}
	return Re, Im
}

// PutBackKnown is the post-step of the Noise2Noise MRI experiment: the
// spectrum of the network's output pred: [B, H, W] is replaced by the
// measured values at the kept frequencies,
//
//	Y'(k) = m(k) X(k) + (1 - m(k)) DFT2(pred)(k),
//
// and the real part of IDFT2(Y') is returned: [B, H, W]. mask: [B, H, W] or
// [H, W] (1 = measured, 0 = not; a [Corrupted]'s Mask), measRe, measIm:
// [B, H, W], the measured spectrum m X (a [Corrupted]'s Measured, zero where
// not measured). For a conjugate-symmetric mask and spectrum (as [Density]
// draws) the inverse is real, so the output's spectrum equals the
// measurement at every kept frequency. Gradients flow to pred through the
// unmeasured frequencies only.
func PutBackKnown(pred, mask, measRe, measIm *graph.Node) *graph.Node {
	checkImages("PutBackKnown", pred)
	checkImages("PutBackKnown", measRe)
	checkImages("PutBackKnown", measIm)
	if mask.Rank() == 2 {
		mask = graph.ExpandAxes(mask, 0)
	}
	if mask.Rank() != 3 {
		exceptions.Panicf("mri.PutBackKnown: mask must be [B, H, W] or [H, W], got %s", mask.Shape())
	}
	mask = graph.ConvertDType(mask, pred.DType())
	yRe, yIm := DFT2(pred, nil)
	keep := graph.OneMinus(mask)
	re := graph.Add(graph.Mul(mask, measRe), graph.Mul(keep, yRe))
	im := graph.Add(graph.Mul(mask, measIm), graph.Mul(keep, yIm))
	out, _ := IDFT2(re, im)
	return out
}
