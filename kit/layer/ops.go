package layer

import (
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Pad2D adds zero rows/columns around the spatial axes of x:
//
//	x:   [B, H, W, C]
//	out: [B, top+H+bottom, left+W+right, C]
//
// All amounts must be >= 0. It is built from Concatenate with zero blocks
// (whose gradient is a stride-1 Slice), not graph.Pad (which has no
// gradient in GoMLX v0.28.2 and no implementation in the ONNX backend).
func Pad2D(x *Node, top, bottom, left, right int) *Node {
	const op = "Pad2D"
	b, h, w, c := checkImage(op, x)
	if top < 0 || bottom < 0 || left < 0 || right < 0 {
		exceptions.Panicf("%s: paddings must be >= 0, got top=%d bottom=%d left=%d right=%d", op, top, bottom, left, right)
	}
	g := x.Graph()
	zeros := func(dims ...int) *Node { return Zeros(g, shapes.Make(x.DType(), dims...)) }
	if top > 0 || bottom > 0 {
		parts := make([]*Node, 0, 3)
		if top > 0 {
			parts = append(parts, zeros(b, top, w, c))
		}
		parts = append(parts, x)
		if bottom > 0 {
			parts = append(parts, zeros(b, bottom, w, c))
		}
		x = Concatenate(parts, 1)
	}
	h += top + bottom
	if left > 0 || right > 0 {
		parts := make([]*Node, 0, 3)
		if left > 0 {
			parts = append(parts, zeros(b, h, left, c))
		}
		parts = append(parts, x)
		if right > 0 {
			parts = append(parts, zeros(b, h, right, c))
		}
		x = Concatenate(parts, 2)
	}
	x.AssertDims(b, h, w+left+right, c)
	return x
}

// LeakyReLU returns x where x >= 0 and slope*x elsewhere (same shape and
// dtype as x). slope 0 gives ReLU. Built from Where, GreaterOrEqual and a
// scalar Mul.
func LeakyReLU(x *Node, slope float64) *Node {
	if x == nil {
		exceptions.Panicf("LeakyReLU: x is nil")
	}
	zero := ScalarZero(x.Graph(), x.DType())
	return Where(GreaterOrEqual(x, zero), x, MulScalar(x, slope))
}

// blocks reshapes x [B, H, W, C] to [B, H/k, k, W/k, k, C], checking that
// k divides H and W.
func blocks(op string, x *Node, k int) *Node {
	b, h, w, c := checkImage(op, x)
	if k < 1 {
		exceptions.Panicf("%s: window k must be >= 1, got %d", op, k)
	}
	if h%k != 0 || w%k != 0 {
		exceptions.Panicf("%s: window %d must divide H=%d and W=%d (x %s)", op, k, h, w, x.Shape())
	}
	return Reshape(x, b, h/k, k, w/k, k, c)
}

// MaxPool2D takes the maximum over non-overlapping k x k windows (stride k):
//
//	x:   [B, H, W, C], H and W divisible by k
//	out: [B, H/k, W/k, C]
//
// It is Reshape to [B, H/k, k, W/k, k, C] + ReduceMax; its gradient (from
// ReduceMax) goes to the window's maximum, and to every element tied for
// the maximum. GoMLX's own MaxPool needs SelectAndScatterMax for its
// gradient, which the Go backend lacks.
func MaxPool2D(x *Node, k int) *Node {
	b, h, w, c := checkImage("MaxPool2D", x)
	out := ReduceMax(blocks("MaxPool2D", x, k), 2, 4)
	out.AssertDims(b, h/k, w/k, c)
	return out
}

// MeanPool2D averages non-overlapping k x k windows (stride k):
//
//	x:   [B, H, W, C], H and W divisible by k
//	out: [B, H/k, W/k, C]
//
// It is Reshape + ReduceSum + scale by 1/k². (GoMLX's MeanPool gradient
// uses Pad, missing in the ONNX backend.)
func MeanPool2D(x *Node, k int) *Node {
	b, h, w, c := checkImage("MeanPool2D", x)
	out := MulScalar(ReduceSum(blocks("MeanPool2D", x, k), 2, 4), 1/float64(k*k))
	out.AssertDims(b, h/k, w/k, c)
	return out
}

// UpsampleNearest repeats every pixel f x f times (nearest-neighbour
// upsampling by an integer factor f >= 1):
//
//	x:   [B, H, W, C]
//	out: [B, f*H, f*W, C],  out[b, i, j, c] = x[b, i/f, j/f, c]
//
// It is Reshape + BroadcastToDims + Reshape; the gradient sums each f x f
// block. (GoMLX's Interpolate(...).Nearest() has a wrong gradient.)
func UpsampleNearest(x *Node, f int) *Node {
	b, h, w, c := checkImage("UpsampleNearest", x)
	if f < 1 {
		exceptions.Panicf("UpsampleNearest: factor must be >= 1, got %d", f)
	}
	y := Reshape(x, b, h, 1, w, 1, c)
	y = BroadcastToDims(y, b, h, f, w, f, c)
	return Reshape(y, b, h*f, w*f, c)
}

// UpsampleNearest2x is [UpsampleNearest] with factor 2:
// x [B, H, W, C] -> [B, 2H, 2W, C].
func UpsampleNearest2x(x *Node) *Node { return UpsampleNearest(x, 2) }
