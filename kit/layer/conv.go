package layer

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Padding says how a convolution pads (Conv2D) or crops (ConvTranspose2D)
// its spatial axes. The zero value is "valid" (no padding).
//
// Build one with [Valid], [Same], [PadAll] or [Pads].
type Padding struct {
	// Top, Bottom, Left, Right are explicit per-side amounts (>= 0). For
	// Conv2D they are zero rows/columns added to the input; for
	// ConvTranspose2D they are rows/columns removed from the full output,
	// exactly PyTorch's `padding`.
	Top, Bottom, Left, Right int
	// Same asks Conv2D for TensorFlow-style "same" padding:
	// out = ceil(in/stride), total = max((out-1)*stride + k - in, 0),
	// top = total/2, bottom = total - top (likewise left/right). When Same
	// is set the explicit amounts must be zero. ConvTranspose2D rejects it.
	Same bool
}

// Valid is no padding: out = floor((in - k)/stride) + 1.
var Valid = Padding{}

// Same returns TensorFlow-style "same" padding (see [Padding.Same]); with
// stride 1 the output has the input's size.
func Same() Padding { return Padding{Same: true} }

// PadAll returns p rows/columns of padding on every side (PyTorch's
// integer `padding=p`).
func PadAll(p int) Padding { return Padding{Top: p, Bottom: p, Left: p, Right: p} }

// Pads returns explicit per-side padding.
func Pads(top, bottom, left, right int) Padding {
	return Padding{Top: top, Bottom: bottom, Left: left, Right: right}
}

// String formats the padding, e.g. "same", "valid" or "pad(1,1,2,2)".
func (p Padding) String() string {
	switch {
	case p.Same:
		return "same"
	case p == Valid:
		return "valid"
	}
	return fmt.Sprintf("pad(%d,%d,%d,%d)", p.Top, p.Bottom, p.Left, p.Right)
}

func (p Padding) check(op string) {
	if p.Top < 0 || p.Bottom < 0 || p.Left < 0 || p.Right < 0 {
		exceptions.Panicf("%s: padding must be >= 0, got %s", op, p)
	}
	if p.Same && (p.Top != 0 || p.Bottom != 0 || p.Left != 0 || p.Right != 0) {
		exceptions.Panicf("%s: padding Same cannot be combined with explicit amounts, got %+v", op, p)
	}
}

// samePads returns the (before, after) padding of TensorFlow's "same" for one axis.
func samePads(in, k, stride int) (before, after int) {
	out := (in + stride - 1) / stride
	total := max((out-1)*stride+k-in, 0)
	return total / 2, total - total/2
}

// ConvOutputSize returns the output length of [Conv2D] along one axis of
// length in, with kernel size k, stride and padding before/after.
func ConvOutputSize(in, k, stride, before, after int) int {
	return (in+before+after-k)/stride + 1
}

// ConvTransposeOutputSize returns the output length of [ConvTranspose2D]
// along one axis (PyTorch's formula, dilation 1):
// (in-1)*stride - before - after + k + outputPadding.
func ConvTransposeOutputSize(in, k, stride, before, after, outputPadding int) int {
	return (in-1)*stride - before - after + k + outputPadding
}

// Conv2D is a 2D cross-correlation (what deep-learning frameworks call a
// convolution), channels-last:
//
//	x:      [B, H, W, Cin]
//	kernel: [kh, kw, Cin, Cout]
//	out:    [B, Ho, Wo, Cout],  Ho = floor((H + top + bottom - kh)/stride) + 1 (same for W)
//	out[b,i,j,o] = sum_{p,q,c} xpad[b, i*stride+p, j*stride+q, c] * kernel[p,q,c,o]
//
// Any kernel size (odd or even), stride >= 1 and any [Padding] are
// supported. A PyTorch Conv2d weight [Cout, Cin, kh, kw] maps to kernel by
// a transpose with permutation (2, 3, 1, 0).
//
// It never calls graph.Convolve (whose input gradient is wrong for even
// kernels in GoMLX v0.28.2). Instead it is three DotGeneral products with
// constant 0/1 "shift" matrices S_h[p, i, h] = [h == i*stride + p - top]
// and S_w[q, j, w] (see the package documentation): out = S_h · x · kernel · S_w.
// Padding, stride and even kernels are all encoded in S_h, S_w, so the
// forward pass and its gradient use only DotGeneral and Transpose.
func Conv2D(x, kernel *Node, stride int, padding Padding) *Node {
	const op = "Conv2D"
	b, h, w, cin := checkImage(op, x)
	kh, kw, kcin, cout := checkKernel(op, x, kernel)
	if kcin != cin {
		exceptions.Panicf("%s: kernel %s has %d input channels, x %s has %d", op, kernel.Shape(), kcin, x.Shape(), cin)
	}
	if stride < 1 {
		exceptions.Panicf("%s: stride must be >= 1, got %d", op, stride)
	}
	padding.check(op)
	top, bottom, left, right := padding.Top, padding.Bottom, padding.Left, padding.Right
	if padding.Same {
		top, bottom = samePads(h, kh, stride)
		left, right = samePads(w, kw, stride)
	}
	if h+top+bottom < kh || w+left+right < kw {
		exceptions.Panicf("%s: kernel %dx%d larger than padded input %dx%d (x %s, padding %s)",
			op, kh, kw, h+top+bottom, w+left+right, x.Shape(), padding)
	}
	ho := ConvOutputSize(h, kh, stride, top, bottom)
	wo := ConvOutputSize(w, kw, stride, left, right)
	recordMACs(x.Graph(), b*ho*wo*kh*kw*cin*cout)
	var out *Node
	if fastConvOK(x) {
		out = fastConv2D(x, kernel, convGeom{h: h, w: w, kh: kh, kw: kw, s: stride,
			top: top, bottom: bottom, left: left, right: right, ho: ho, wo: wo})
	} else if nativeConvOK(x, kh, kw, stride) {
		out = Convolve(x, kernel).PaddingPerDim([][2]int{{top, bottom}, {left, right}}).Done()
	} else if im2colOK(x, kh, kw, ho, wo, cout) {
		out = im2colConv(x, kernel, stride, top, bottom, left, right, ho, wo)
	} else {
		out = separableConv(x, convShift(kh, ho, h, stride, top), convShift(kw, wo, w, stride, left), kernel)
	}
	out.AssertDims(b, ho, wo, cout)
	return out
}

// ConvTranspose2D is the transposed convolution ("deconvolution") with
// PyTorch's ConvTranspose2d semantics (dilation 1, groups 1), channels-last:
//
//	x:      [B, H, W, Cin]
//	kernel: [kh, kw, Cin, Cout]
//	out:    [B, Ho, Wo, Cout],  Ho = (H-1)*stride - top - bottom + kh + outputPadding (same for W)
//	out[b,y,x',o] = sum_{i,j,p,q,c} [y == i*stride + p - top] [x' == j*stride + q - left] x[b,i,j,c] kernel[p,q,c,o]
//
// padding holds PyTorch's `padding` (rows/columns cropped from each side of
// the full output; PadAll(p) is PyTorch's padding=p); padding Same is
// rejected. outputPadding (0 <= outputPadding < stride) adds rows/columns at
// the bottom/right, like PyTorch's output_padding.
//
// Kernel layout: [kh, kw, Cin, Cout], where Cin is x's channel count, the
// same convention as [Conv2D] (the kernel's third axis always contracts
// with x). A PyTorch ConvTranspose2d weight has layout [Cin, Cout, kh, kw];
// map it with a transpose with permutation (2, 3, 0, 1). No kernel flip is
// needed.
//
// It uses neither input-dilated Convolve (no gradient in GoMLX v0.28.2)
// nor Pad: it is the same three DotGeneral products as [Conv2D], with the
// shift matrices transposed.
func ConvTranspose2D(x, kernel *Node, stride int, padding Padding, outputPadding int) *Node {
	const op = "ConvTranspose2D"
	b, h, w, cin := checkImage(op, x)
	kh, kw, kcin, cout := checkKernel(op, x, kernel)
	if kcin != cin {
		exceptions.Panicf("%s: kernel %s (layout [kh,kw,Cin,Cout]) has %d input channels, x %s has %d",
			op, kernel.Shape(), kcin, x.Shape(), cin)
	}
	if stride < 1 {
		exceptions.Panicf("%s: stride must be >= 1, got %d", op, stride)
	}
	padding.check(op)
	if padding.Same {
		exceptions.Panicf("%s: padding Same is not defined for transposed convolutions; use PadAll/Pads", op)
	}
	if outputPadding < 0 || outputPadding >= stride {
		exceptions.Panicf("%s: outputPadding must satisfy 0 <= outputPadding < stride (%d), got %d", op, stride, outputPadding)
	}
	ho := ConvTransposeOutputSize(h, kh, stride, padding.Top, padding.Bottom, outputPadding)
	wo := ConvTransposeOutputSize(w, kw, stride, padding.Left, padding.Right, outputPadding)
	if ho < 1 || wo < 1 {
		exceptions.Panicf("%s: output would be %dx%d (x %s, kernel %dx%d, stride %d, padding %s, outputPadding %d)",
			op, ho, wo, x.Shape(), kh, kw, stride, padding, outputPadding)
	}
	recordMACs(x.Graph(), b*h*w*kh*kw*cin*cout)
	var out *Node
	if fastConvOK(x) {
		// The convolution from the output (ho x wo) back to x (h x w).
		out = fastConvTranspose2D(x, kernel, convGeom{h: ho, w: wo, kh: kh, kw: kw, s: stride,
			top: padding.Top, bottom: padding.Bottom, left: padding.Left, right: padding.Right, ho: h, wo: w})
	} else if nativeConvOK(x, kh, kw, stride) && padding.Top <= kh-1 && padding.Bottom <= kh-1 &&
		padding.Left <= kw-1 && padding.Right <= kw-1 {
		// Stride 1: a convolution of x zero-padded by k-1-pad with the
		// spatially flipped kernel (outputPadding is 0 since it is < stride).
		out = Convolve(x, flipKernel(kernel)).PaddingPerDim([][2]int{
			{kh - 1 - padding.Top, kh - 1 - padding.Bottom}, {kw - 1 - padding.Left, kw - 1 - padding.Right}}).Done()
	} else if im2colOK(x, kh, kw, ho, wo, cout) && cout*stride*stride >= im2colMinOut {
		out = im2colConvTranspose(x, kernel, stride, padding, outputPadding, ho, wo)
	} else {
		out = separableConv(x,
			convTransposeShift(kh, ho, h, stride, padding.Top),
			convTransposeShift(kw, wo, w, stride, padding.Left), kernel)
	}
	out.AssertDims(b, ho, wo, cout)
	return out
}

// separableConv computes
//
//	out[b,y,z,o] = sum_{p,q,h,w,c} sh[p,y,h] sw[q,z,w] x[b,h,w,c] k[p,q,c,o]
//
// for x [B,H,W,C], k [P,Q,C,O] and the 0/1 shift matrices sh [P,Ho,H] and
// sw [Q,Wo,W] (given as lists of their ones), returning [B,Ho,Wo,O]. It is
// three DotGeneral products and one Transpose. Every convolution-like op
// in this package is this sum with some shift matrices.
//
// The contracting axes of every DotGeneral are listed in increasing order
// on both operands: GoMLX v0.28.2's DotGeneral gradient mis-orders the
// axes of an operand's gradient when the other operand's contracting axes
// are not increasing (a shape panic, or a silently wrong gradient when the
// dimensions happen to match).
func separableConv(x *Node, sh, sw shift, k *Node) *Node {
	g, dtype := x.Graph(), x.DType()
	// sh [P,Ho,H] x [B,H,W,C] -> [P,Ho,B,W,C]
	y := DotGeneral(sh.constant(g, dtype, 0, 1, 2), []int{2}, nil, x, []int{1}, nil)
	// [P,Ho,B,W,C] x k [P,Q,C,O], contracting (P,C) -> [Ho,B,W,Q,O]
	y = DotGeneral(y, []int{0, 4}, nil, k, []int{0, 2}, nil)
	// [Ho,B,W,Q,O] x sw as [W,Q,Wo], contracting (W,Q) -> [Ho,B,O,Wo]
	y = DotGeneral(y, []int{2, 3}, nil, sw.constant(g, dtype, 2, 0, 1), []int{0, 1}, nil)
	return TransposeAllAxes(y, 1, 0, 3, 2)
}

// shift is a 0/1 matrix S[p, o, i] of shape [k, out, in], stored as the
// list of its ones.
type shift struct {
	k, out, in int
	ones       [][3]int
}

// convShift returns S[p, o, i] = 1 iff i == o*stride + p - before, for
// 0 <= i < in: the input row that kernel row p meets at output row o;
// rows outside [0, in) are the zero padding.
func convShift(k, out, in, stride, before int) shift {
	s := shift{k: k, out: out, in: in}
	for p := range k {
		for o := range out {
			if i := o*stride + p - before; i >= 0 && i < in {
				s.ones = append(s.ones, [3]int{p, o, i})
			}
		}
	}
	return s
}

// convTransposeShift returns S[p, y, i] = 1 iff y == i*stride + p - before,
// for 0 <= y < out: the output row that input row i reaches through kernel
// row p; rows outside [0, out) are cropped.
func convTransposeShift(k, out, in, stride, before int) shift {
	s := shift{k: k, out: out, in: in}
	for p := range k {
		for i := range in {
			if y := i*stride + p - before; y >= 0 && y < out {
				s.ones = append(s.ones, [3]int{p, y, i})
			}
		}
	}
	return s
}

// constant returns the matrix as a graph constant of the given float dtype,
// with its axes (k, out, in) permuted: result axis a is source axis perm[a].
func (s shift) constant(g *Graph, dtype dtypes.DType, perm ...int) *Node {
	src := [3]int{s.k, s.out, s.in}
	dims := []int{src[perm[0]], src[perm[1]], src[perm[2]]}
	index := func(one [3]int) int {
		return (one[perm[0]]*dims[1]+one[perm[1]])*dims[2] + one[perm[2]]
	}
	n := dims[0] * dims[1] * dims[2]
	if dtype == dtypes.Float64 {
		data := make([]float64, n)
		for _, one := range s.ones {
			data[index(one)] = 1
		}
		return Const(g, tensors.FromFlatDataAndDimensions(data, dims...))
	}
	data := make([]float32, n)
	for _, one := range s.ones {
		data[index(one)] = 1
	}
	c := Const(g, tensors.FromFlatDataAndDimensions(data, dims...))
	if dtype != dtypes.Float32 {
		c = ConvertDType(c, dtype)
	}
	return c
}

// checkImage asserts x is a float [B, H, W, C] tensor and returns its dims.
func checkImage(op string, x *Node) (b, h, w, c int) {
	if x == nil {
		exceptions.Panicf("%s: x is nil", op)
	}
	if x.Rank() != 4 {
		exceptions.Panicf("%s: x must be [B, H, W, C] (rank 4, channels-last), got shape %s", op, x.Shape())
	}
	if !x.DType().IsFloat() {
		exceptions.Panicf("%s: x must have a float dtype, got %s", op, x.Shape())
	}
	d := x.Shape().Dimensions
	for _, v := range d {
		if v < 1 {
			exceptions.Panicf("%s: x must have static positive dimensions, got %s", op, x.Shape())
		}
	}
	return d[0], d[1], d[2], d[3]
}

// checkKernel asserts kernel is [kh, kw, Cin, Cout] with x's dtype.
func checkKernel(op string, x, kernel *Node) (kh, kw, cin, cout int) {
	if kernel == nil {
		exceptions.Panicf("%s: kernel is nil", op)
	}
	if kernel.Rank() != 4 {
		exceptions.Panicf("%s: kernel must be [kh, kw, Cin, Cout] (rank 4), got shape %s", op, kernel.Shape())
	}
	if kernel.DType() != x.DType() {
		exceptions.Panicf("%s: kernel dtype %s differs from x dtype %s", op, kernel.DType(), x.DType())
	}
	d := kernel.Shape().Dimensions
	for _, v := range d {
		if v < 1 {
			exceptions.Panicf("%s: kernel must have static positive dimensions, got %s", op, kernel.Shape())
		}
	}
	return d[0], d[1], d[2], d[3]
}

// NativeConvBackends lists the backends (by compute.Backend.Name) on which
// float32 stride-1 convolutions with odd kernels use the backend's own convolution
// (graph.Convolve) instead of shift-matrix products. graph.Convolve's
// gradients are right exactly in that case (odd kernel, stride 1: checked
// by the gradient tests on every compiled-in backend); even kernels and
// strides keep the shift-matrix path, and so does float64 (ONNX Runtime's
// CPU Conv has no float64 kernel). The pure-Go backend is not listed:
// its convolution is a plain loop, slower than the shift products.
var NativeConvBackends = []string{"onnxruntime"}

// forceShift disables the native path (tests compare both paths).
var forceShift bool

// nativeConvOK reports whether a kh x kw, stride conv of x may use
// graph.Convolve (see NativeConvBackends).
func nativeConvOK(x *Node, kh, kw, stride int) bool {
	if forceShift || stride != 1 || kh%2 == 0 || kw%2 == 0 || x.DType() != dtypes.Float32 {
		return false
	}
	name := x.Graph().Backend().Name()
	for _, n := range NativeConvBackends {
		if n == name {
			return true
		}
	}
	return false
}

// flipKernel returns k [P, Q, C, O] with both spatial axes reversed,
// out[p, q] = k[P-1-p, Q-1-q], as one DotGeneral with a constant
// anti-identity matrix (graph.Reverse has no gradient in GoMLX v0.28.2):
// the flattened index p·Q+q maps to PQ-1-(p·Q+q).
func flipKernel(k *Node) *Node {
	d := k.Shape().Dimensions
	pq := d[0] * d[1]
	s := shift{k: 1, out: pq, in: pq}
	for i := range pq {
		s.ones = append(s.ones, [3]int{0, i, pq - 1 - i})
	}
	r := Reshape(s.constant(k.Graph(), k.DType(), 0, 1, 2), pq, pq)
	flat := DotGeneral(r, []int{1}, nil, Reshape(k, pq, d[2]*d[3]), []int{0}, nil)
	return Reshape(flat, d...)
}
