package layer

import (
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
)

// Im2colBackends lists the backends (by compute.Backend.Name) on which
// [Conv2D] and [ConvTranspose2D] use the im2col path (see [convValid])
// instead of shift-matrix products, wherever the native path (see
// [NativeConvBackends]) does not apply. Its backward pass emits Slice and
// Pad, which ONNX Runtime lacks (Pad), so only the pure-Go backend is
// listed; there it is several times faster than the shift path: it copies
// whole blocks where the shift path transposes element by element.
var Im2colBackends = []string{"Go Backend"}

// im2colMinOut is the fewest output channels (of the stride-1 valid
// correlation im2col computes) for which im2col is used: its matmul has
// one row per output channel, and with fewer than a few rows (e.g. the
// 32->1 output layers) the Go backend's 4x16 matmul kernel idles while
// cols, k² times the input, is written and read twice: the shift path is
// faster there and needs far less memory.
const im2colMinOut = 8

// im2colMaxCols bounds the elements of the largest im2col matrix (forward
// or input gradient) for which im2col is used. cols holds k² copies of
// the input; above this size (e.g. 32-channel 5x5 convs on 28x28 with
// batch 100, ~60M elements) its buffers pushed a training step past 2 GB
// of memory and im2col was no faster than the shift path, whose
// intermediates are ~5x the input.
const im2colMaxCols = 32 << 20

// im2colOK reports whether a convolution of x [B, H, W, C] to
// [B, ho, wo, cout] with a kh x kw kernel may use im2col (see
// Im2colBackends, im2colMinOut, im2colMaxCols).
func im2colOK(x *Node, kh, kw, ho, wo, cout int) bool {
	if forceShift || cout < im2colMinOut {
		return false
	}
	d := x.Shape().Dimensions
	in := (d[1] + kh) * (d[2] + kw) * d[3]
	out := (ho + kh) * (wo + kw) * cout
	if d[0]*kh*kw*max(in, out) > im2colMaxCols {
		return false
	}
	name := x.Graph().Backend().Name()
	for _, n := range Im2colBackends {
		if n == name {
			return true
		}
	}
	return false
}

// padOrCrop pads (amount > 0) or crops (amount < 0) the spatial axes of
// x [B, H, W, C]: zero rows/columns are added with [Pad2D] (Concatenate),
// rows/columns are removed with a stride-1 Slice.
func padOrCrop(x *Node, top, bottom, left, right int) *Node {
	if top < 0 || bottom < 0 || left < 0 || right < 0 {
		d := x.Shape().Dimensions
		x = Slice(x, AxisRange(),
			AxisRange(max(-top, 0), d[1]-max(-bottom, 0)),
			AxisRange(max(-left, 0), d[2]-max(-right, 0)),
			AxisRange())
	}
	if top > 0 || bottom > 0 || left > 0 || right > 0 {
		x = Pad2D(x, max(top, 0), max(bottom, 0), max(left, 0), max(right, 0))
	}
	return x
}

// zeroRows returns x [N, C] with before zero rows prepended and after
// appended (one block-copying Concatenate).
func zeroRows(x *Node, before, after int) *Node {
	c := x.Shape().Dim(1)
	parts := make([]*Node, 0, 3)
	if before > 0 {
		parts = append(parts, Zeros(x.Graph(), shapes.Make(x.DType(), before, c)))
	}
	parts = append(parts, x)
	if after > 0 {
		parts = append(parts, Zeros(x.Graph(), shapes.Make(x.DType(), after, c)))
	}
	if len(parts) == 1 {
		return x
	}
	return Concatenate(parts, 0)
}

// convValidForward is the valid (unpadded) stride-1 cross-correlation
//
//	out[b,i,j,o] = Σ_{p,q,c} x[b, i+p, j+q, c] · k[p,q,c,o]
//
// for x [B, H, W, C], k [P, Q, C, O]: out [B, H-P+1, W-Q+1, O]. Only its
// kernel gradient is efficient (see convValid for the input gradient).
//
// It is im2col in "wide" coordinates: x is flattened to X [B·H·W, C] and
// output row r stands for the input position r - D, D = (P-1)·W + Q-1,
// so the view of kernel tap (p, q) is X shifted down by D - (p·W + q):
// V_pq = [zeros; X; zeros], [B·H·W + D, C], built by one Concatenate
// (block copies, no Slice, which the Go backend copies element by
// element). The views are concatenated on the channel axis into cols and
// multiplied by the kernel; the rows of valid
// positions (i < H-P+1, j < W-Q+1, within one image) are kept by one Slice
// of the small output. The wasted rows cost H·W/(Ho·Wo) - 1 extra matmul
// work (~6% for a "same" 3x3 conv on 64x64, ~40% for a valid 5x5 on 24x24).
//
// The product is written kᵀ·colsᵀ, giving [O, rows]: then the kernel
// gradient, Σ_rows v[o, r] cols[r, ·], is a matmul in the Go backend's
// native layout, and only output-sized tensors are ever transposed.
func convValidForward(x, k *Node) *Node {
	d := x.Shape().Dimensions
	b, h, w, c := d[0], d[1], d[2], d[3]
	kd := k.Shape().Dimensions
	kh, kw, cout := kd[0], kd[1], kd[3]
	ho, wo := h-kh+1, w-kw+1
	l := h * w
	dd := (kh-1)*w + kw - 1
	xf := Reshape(x, b*l, c)
	views := make([]*Node, 0, kh*kw)
	for p := range kh {
		for q := range kw {
			off := p*w + q
			views = append(views, zeroRows(xf, dd-off, off))
		}
	}
	cols := views[0]
	if len(views) > 1 {
		cols = Concatenate(views, 1) // [B·L + D, P·Q·C]
	}
	kt := TransposeAllAxes(Reshape(k, kh*kw*c, cout), 1, 0) // [O, P·Q·C]
	// [O, PQC] x cols [B·L + D, PQC] contracting PQC -> [O, B·L + D].
	// One product per convolution: several independent large DotGenerals
	// running at once can deadlock the Go backend's worker pool (seen
	// with one product per kernel row: every worker waits in
	// workerspool.Saturate).
	outT := DotGeneral(kt, []int{1}, nil, cols, []int{1}, nil)
	// Row r = b·L + (i+P-1)·W + (j+Q-1): pad to (B+1)·L rows, view as
	// [O, B+1, H, W] and keep b < B, i+P-1 >= P-1, j+Q-1 >= Q-1.
	if extra := l - dd; extra > 0 {
		outT = Concatenate([]*Node{outT, Zeros(x.Graph(), shapes.Make(x.DType(), cout, extra))}, 1)
	}
	outT = Reshape(outT, cout, b+1, h, w)
	outT = Slice(outT, AxisRange(), AxisRange(0, b), AxisRange(kh-1, h), AxisRange(kw-1, w))
	out := TransposeAllAxes(outT, 1, 2, 3, 0)
	out.AssertDims(b, ho, wo, cout)
	return out
}

// convValid is [convValidForward] with an efficient input gradient: the
// gradient of a valid correlation w.r.t. its input is the full
// correlation of the output gradient with the flipped, channel-swapped
// kernel, computed by convValidForward itself on the zero-padded output
// gradient. Autodiff through the im2col would instead Slice (element by
// element) the P·Q-times larger gradient of cols.
//
// The custom gradient is attached with graph.IdentityWithCustomGradient
// (which takes one input): the forward product uses StopGradient(x), and a
// zero-valued term that depends on x through an identity carries the
// input gradient. The carrier is [x flattened; zeros of out's size]; its
// second part, a zero tensor of out's shape, is added to the output, so
// the carrier receives the output gradient there and returns
// [x's gradient; zeros]. The overhead is a few copies of x- and
// out-sized tensors.
func convValid(x, k *Node) *Node {
	out := convValidForward(StopGradient(x), k)
	nx, nout := x.Shape().Size(), out.Shape().Size()
	outDims := out.Shape().Dimensions
	xDims := x.Shape().Dimensions
	g, dt := x.Graph(), x.DType()
	carrier := Concatenate([]*Node{Reshape(x, nx), Zeros(g, shapes.Make(dt, nout))}, 0)
	carrier = IdentityWithCustomGradient(carrier, func(_, v *Node) *Node {
		dOut := Reshape(Slice(v, AxisRange(nx, nx+nout)), outDims...)
		kd := k.Shape().Dimensions
		dOut = Pad2D(dOut, kd[0]-1, kd[0]-1, kd[1]-1, kd[1]-1)
		kFlip := TransposeAllAxes(flipKernel(k), 0, 1, 3, 2) // [P, Q, O, C]
		dx := convValidForward(dOut, kFlip)
		dx.AssertDims(xDims...)
		return Concatenate([]*Node{Reshape(dx, nx), Zeros(g, shapes.Make(dt, nout))}, 0)
	})
	zero := Reshape(Slice(carrier, AxisRange(nx, nx+nout)), outDims...)
	return Add(out, zero)
}

// padKernel zero-pads the spatial axes of k [P, Q, C, O] at the end to
// [P2, Q2, C, O].
func padKernel(k *Node, p2, q2 int) *Node {
	d := k.Shape().Dimensions
	g, dt := k.Graph(), k.DType()
	if p2 > d[0] {
		k = Concatenate([]*Node{k, Zeros(g, shapes.Make(dt, p2-d[0], d[1], d[2], d[3]))}, 0)
	}
	if q2 > d[1] {
		k = Concatenate([]*Node{k, Zeros(g, shapes.Make(dt, p2, q2-d[1], d[2], d[3]))}, 1)
	}
	return k
}

// im2colConv computes the cross-correlation
//
//	out[b,i,j,o] = Σ_{p,q,c} xpad[b, i*stride+p, j*stride+q, c] · k[p,q,c,o]
//
// for x [B, H, W, C], k [P, Q, C, O] and xpad = x padded by top/bottom/
// left/right zero rows/columns, returning [B, ho, wo, O]. A stride s > 1
// becomes stride 1 by space-to-depth: xpad, cropped or padded to
// s·(ho + ⌈P/s⌉ - 1) rows (likewise columns), is reshaped to
// [B, H/s, s, W/s, s, C] and transposed to [B, H/s, W/s, s·s·C], and the
// kernel, zero-padded to a multiple of s, to [⌈P/s⌉, ⌈Q/s⌉, s·s·C, O].
func im2colConv(x, k *Node, stride, top, bottom, left, right, ho, wo int) *Node {
	b, c := x.Shape().Dim(0), x.Shape().Dim(3)
	kd := k.Shape().Dimensions
	kh, kw, cout := kd[0], kd[1], kd[3]
	s := stride
	if s == 1 {
		return convValid(padOrCrop(x, top, bottom, left, right), k)
	}
	ka, kb := (kh+s-1)/s, (kw+s-1)/s
	hn, wn := ho+ka-1, wo+kb-1
	h, w := x.Shape().Dim(1), x.Shape().Dim(2)
	xp := padOrCrop(x, top, hn*s-h-top, left, wn*s-w-left)
	xs := Reshape(xp, b, hn, s, wn, s, c)
	xs = Reshape(TransposeAllAxes(xs, 0, 1, 3, 2, 4, 5), b, hn, wn, s*s*c)
	ks := Reshape(padKernel(k, ka*s, kb*s), ka, s, kb, s, c, cout)
	ks = Reshape(TransposeAllAxes(ks, 0, 2, 1, 3, 4, 5), ka, kb, s*s*c, cout)
	return convValid(xs, ks)
}

// im2colConvTranspose computes [ConvTranspose2D] with stride-1 valid
// correlations. Full output row y + top = m·s + r (block m, phase r)
// receives x row i through kernel row p = a·s + r with m = i + a, so the
// transposed convolution is one stride-1 transposed convolution over
// blocks with the kernel K'[a, b, c, (r, t, o)] = K[a·s+r, b·s+t, c, o]
// (zero-padded), i.e. a valid correlation of the padded x with K' flipped,
// followed by depth-to-space ([B, Mh, Mw, s, s, O] -> [B, Mh·s, Mw·s, O])
// and a crop of the top%s first rows (whole blocks of the crop are folded
// into the padding). No multiply by an inserted zero is wasted, beyond the
// kernel padded to a multiple of s.
func im2colConvTranspose(x, k *Node, stride int, padding Padding, outputPadding, ho, wo int) *Node {
	d := x.Shape().Dimensions
	b, h, w, c := d[0], d[1], d[2], d[3]
	kd := k.Shape().Dimensions
	kh, kw, cout := kd[0], kd[1], kd[3]
	s := stride
	ka, kb := (kh+s-1)/s, (kw+s-1)/s
	tb, tr := padding.Top/s, padding.Top%s
	lb, lr := padding.Left/s, padding.Left%s
	mh, mw := (tr+ho+s-1)/s, (lr+wo+s-1)/s
	ks := k
	if s > 1 {
		ks = Reshape(padKernel(k, ka*s, kb*s), ka, s, kb, s, c, cout)
		ks = Reshape(TransposeAllAxes(ks, 0, 2, 4, 1, 3, 5), ka, kb, c, s*s*cout)
	}
	xp := padOrCrop(x, ka-1-tb, mh-h+tb, kb-1-lb, mw-w+lb)
	y := convValid(xp, flipKernel(ks)) // [B, Mh, Mw, s·s·O]
	if s > 1 {
		y = Reshape(y, b, mh, mw, s, s, cout)
		y = Reshape(TransposeAllAxes(y, 0, 1, 3, 2, 4, 5), b, mh*s, mw*s, cout)
	}
	if tr > 0 || lr > 0 || mh*s != tr+ho || mw*s != lr+wo {
		y = Slice(y, AxisRange(), AxisRange(tr, tr+ho), AxisRange(lr, lr+wo), AxisRange())
	}
	return y
}
