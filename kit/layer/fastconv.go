package layer

import (
	"strings"

	. "github.com/gomlx/gomlx/core/graph"
)

// FastConvBackends lists the backends (by compute.Backend.Name) whose
// ConvGeneral is fast for every geometry: the pure-Go backend of this
// repository's fork of gomlx/compute (third_party/compute), whose
// ConvGeneral is an implicit GEMM on an AVX2/FMA micro-kernel for float32
// (a plain loop otherwise, e.g. float64 in the gradient tests). There
// [Conv2D] and [ConvTranspose2D] are single ConvGeneral ops, with their
// gradients attached by hand (see convGeom): graph.Convolve's own
// gradients are wrong for even kernels and missing for input dilation.
var FastConvBackends = []string{"Go Backend"}

// forkTag ends the Description of the forked pure-Go backend
// (third_party/compute/internal/gobackend.ForkTag). Built against upstream
// gomlx/compute, whose ConvGeneral is a plain loop (~80 s per MNIST step),
// the fast path is off and the im2col/shift-matrix paths are used.
const forkTag = "denoising fork: fast conv"

// fastConvOK reports whether x's backend is in FastConvBackends and is the
// forked build.
func fastConvOK(x *Node) bool {
	if forceShift {
		return false
	}
	b := x.Graph().Backend()
	if !strings.HasSuffix(b.Description(), forkTag+")") {
		return false
	}
	name := b.Name()
	for _, n := range FastConvBackends {
		if n == name {
			return true
		}
	}
	return false
}

// convGeom is the geometry of a 2D convolution from an h x w input to an
// ho x wo output with a kh x kw kernel, stride s and the low/high zero
// paddings top/bottom, left/right:
//
//	y[b,i,j,o] = Σ_{p,q,c} x[b, i·s+p-top, j·s+q-left, c] · K[p,q,c,o]
//
// (x is zero outside its h x w extent). A transposed convolution is the
// adjoint of the convolution whose input is the transposed convolution's
// output; the same geometry describes both.
type convGeom struct {
	h, w, kh, kw, s          int
	top, bottom, left, right int
	ho, wo                   int
}

// nhwcAxes returns the ConvolveAxesConfig of channels-last images and a
// kernel [kh, kw, ·, ·] whose axis kIn contracts with the input channels
// and axis kOut gives the output channels.
func nhwcAxes(kIn, kOut int) ConvolveAxesConfig {
	return ConvolveAxesConfig{
		InputBatch: 0, InputChannels: 3, InputSpatial: []int{1, 2},
		KernelInputChannels: kIn, KernelOutputChannels: kOut, KernelSpatial: []int{0, 1},
		OutputBatch: 0, OutputChannels: 3, OutputSpatial: []int{1, 2},
	}
}

// conv computes y = C(x): x [B, h, w, ·] -> [B, ho, wo, ·], with the kernel
// channel axes kIn (contracted with x's channels) and kOut.
func (g convGeom) conv(x, k *Node, kIn, kOut int) *Node {
	y := ConvGeneral(x, k, nhwcAxes(kIn, kOut), []int{g.s, g.s},
		[][2]int{{g.top, g.bottom}, {g.left, g.right}}, nil, nil, 1, 1)
	y.AssertDims(x.Shape().Dim(0), g.ho, g.wo, k.Shape().Dim(kOut))
	return y
}

// adjointPads returns the paddings of the stride-1 correlation of the
// s-dilated dy (n rows) with the flipped kernel (k rows) that gives the m
// rows of Cᵀ(dy) for low padding lo, clamped at 0, and the rows to crop
// from the start of its result.
func adjointPads(n, m, k, s, lo int) (padLo, padHi, crop int) {
	padLo = k - 1 - lo
	padHi = m - ((n-1)*s + 1) - padLo + k - 1
	crop = max(-padLo, 0)
	return max(padLo, 0), max(padHi, 0), crop
}

// adjoint computes Cᵀ(dy): dy [B, ho, wo, ·] -> [B, h, w, ·], the adjoint
// of conv with the same kernel axes: dx[b,Y,X,c] = Σ_{i,j,p,q,o} [Y = i·s+p-top]
// [X = j·s+q-left] dy[b,i,j,o] K[p,q,c,o] (kIn contracts with x's
// channels in conv, so with dy's channels here it is kOut). It is one
// ConvGeneral: dy dilated by s, zero-padded, correlated with the spatially
// flipped kernel.
func (g convGeom) adjoint(dy, k *Node, kIn, kOut int) *Node {
	yLo, yHi, yCrop := adjointPads(g.ho, g.h, g.kh, g.s, g.top)
	xLo, xHi, xCrop := adjointPads(g.wo, g.w, g.kw, g.s, g.left)
	// StopGradient: autodiff must not visit this input-dilated ConvGeneral
	// (GoMLX has no gradient for it); gradients are attached by withGradient.
	kf := StopGradient(Reverse(k, 0, 1))
	dx := ConvGeneral(dy, kf, nhwcAxes(kOut, kIn), nil,
		[][2]int{{yLo, yHi}, {xLo, xHi}}, []int{g.s, g.s}, nil, 1, 1)
	d := dx.Shape().Dimensions
	if yCrop > 0 || xCrop > 0 || d[1] != g.h || d[2] != g.w {
		dx = Slice(dx, AxisRange(), AxisRange(yCrop, yCrop+g.h), AxisRange(xCrop, xCrop+g.w), AxisRange())
	}
	dx.AssertDims(dy.Shape().Dim(0), g.h, g.w, k.Shape().Dim(kIn))
	return dx
}

// kernelGrad computes G(u, v)[p,q,cu,cv] = Σ_{b,i,j} u[b, i·s+p-top,
// j·s+q-left, cu] · v[b,i,j,cv] for u [B, h, w, Cu] and v [B, ho, wo, Cv],
// returned as [kh, kw, ·, ·] with cu on axis uAxis and cv on the other
// (2 or 3). It is one ConvGeneral in which Cu plays the batch, B the
// contracted channels and v the kernel, dilated by s. With at least
// batchRowsMinCu x batchRowsMinCv channels the fork computes it straight
// from the channels-last u (its strided weight-gradient kernel, 6x16
// tiles of cu x cv); otherwise u is first transposed to [Cu, h, w, B] so
// that the contracted axis is contiguous.
func (g convGeom) kernelGrad(u, v *Node, uAxis int) *Node {
	direct := !forceTransposedKernelGrad && u.Shape().Dim(3) >= batchRowsMinCu && v.Shape().Dim(3) >= batchRowsMinCv
	in := u
	inAxes := []int{3, 0, 1, 2} // batch (= Cu), channels (= B), spatial
	if !direct {
		in = TransposeAllAxes(u, 3, 1, 2, 0) // [Cu, h, w, B]
		inAxes = []int{0, 3, 1, 2}
	}
	hiY := g.kh + (g.ho-1)*g.s - g.h - g.top
	hiX := g.kw + (g.wo-1)*g.s - g.w - g.left
	if hiY < 0 || hiX < 0 { // rows/columns no output reads
		in = Slice(in, AxisRange(), AxisRange(0, g.h+min(hiY, 0)), AxisRange(0, g.w+min(hiX, 0)), AxisRange())
	}
	vAxis := 5 - uAxis
	axes := ConvolveAxesConfig{
		InputBatch: inAxes[0], InputChannels: inAxes[1], InputSpatial: inAxes[2:],
		KernelInputChannels: 0, KernelOutputChannels: 3, KernelSpatial: []int{1, 2},
		OutputBatch: uAxis, OutputChannels: vAxis, OutputSpatial: []int{0, 1},
	}
	dk := ConvGeneral(in, v, axes, nil, [][2]int{{g.top, max(hiY, 0)}, {g.left, max(hiX, 0)}},
		nil, []int{g.s, g.s}, 1, 1)
	want := []int{g.kh, g.kw, 0, 0}
	want[uAxis], want[vAxis] = u.Shape().Dim(3), v.Shape().Dim(3)
	dk.AssertDims(want...)
	return dk
}

// forceTransposedKernelGrad makes kernelGrad always transpose u
// (benchmarks compare both paths).
var forceTransposedKernelGrad bool

// The fork's strided weight-gradient kernel (third_party/compute,
// runBatchRows) needs a full 6 x 16 tile: Cu >= 6 and Cv >= 16.
const (
	batchRowsMinCu = 6
	batchRowsMinCv = 16
)

// withGradient returns fwd(x, k) with the gradients gradX(dOut) and
// gradK(dOut) attached, using graph.IdentityWithCustomGradient (which
// takes one input) three times:
//
//   - xc, kc: identities of x and k whose custom gradients return dx and
//     dk; each feeds one element, times 0, into a scalar that is added to
//     the output, so that autodiff reaches them;
//   - outC: the identity of fwd(StopGradient(x), StopGradient(k)), whose
//     custom gradient receives dOut and builds dx and dk from it.
//
// Autodiff visits nodes in decreasing creation order, so xc and kc are
// created first: outC's gradient runs before theirs. The overhead is one
// reduction of dOut (the gradient of the scalar) and x-, k-sized zero
// fills, far less than carrying dOut through a Concatenate/Slice.
func withGradient(x, k *Node, fwd func(x, k *Node) *Node, gradX, gradK func(x, k, dOut *Node) *Node) *Node {
	var dx, dk *Node // set by outC's gradient, consumed by xc's and kc's
	take := func(d **Node, like *Node) *Node {
		r := *d
		*d = nil
		if r == nil { // the output's gradient never ran: nothing flowed
			return ZerosLike(like)
		}
		return r
	}
	xs, ks := StopGradient(x), StopGradient(k)
	xc := IdentityWithCustomGradient(x, func(_, v *Node) *Node { return take(&dx, v) })
	kc := IdentityWithCustomGradient(k, func(_, v *Node) *Node { return take(&dk, v) })
	// first is n's first element as a scalar: a one-element Slice (a
	// flattening Reshape would copy all of n, which is still in use).
	first := func(n *Node) *Node {
		ranges := make([]SliceAxisSpec, n.Rank())
		for i := range ranges {
			ranges[i] = AxisRange(0, 1)
		}
		return Reshape(Slice(n, ranges...))
	}
	zero := MulScalar(Add(first(xc), first(kc)), 0)
	out := fwd(xs, ks)
	outC := IdentityWithCustomGradient(out, func(_, v *Node) *Node {
		dx = gradX(xs, ks, v)
		dk = gradK(xs, ks, v)
		return v
	})
	return Add(outC, zero)
}

// fastConv2D is [Conv2D] as one ConvGeneral (kernel [kh, kw, C, O]), with
// dx = Cᵀ(dy) and dK = G(x, dy).
func fastConv2D(x, k *Node, g convGeom) *Node {
	return withGradient(x, k,
		func(x, k *Node) *Node { return g.conv(x, k, 2, 3) },
		func(_, k, dy *Node) *Node { return g.adjoint(dy, k, 2, 3) },
		func(x, _, dy *Node) *Node { return g.kernelGrad(x, dy, 2) })
}

// fastConvTranspose2D is [ConvTranspose2D] (kernel [kh, kw, Cin, Cout]):
// with g the geometry of the convolution from the transposed convolution's
// output (size h x w in g) to its input x (ho x wo), the transposed
// convolution is Cᵀ with the kernel's Cin contracted with x; then
// dx = C(dy) and dK = G(dy, x) with Cout, from dy, on kernel axis 3.
func fastConvTranspose2D(x, k *Node, g convGeom) *Node {
	return withGradient(x, k,
		func(x, k *Node) *Node { return g.adjoint(x, k, 3, 2) },
		func(_, k, dy *Node) *Node { return g.conv(dy, k, 3, 2) },
		func(x, _, dy *Node) *Node { return g.kernelGrad(dy, x, 3) })
}
