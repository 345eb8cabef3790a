// Sub-pixel convolution's rearrangement (Shi et al. 2016), used by EDSR's
// upsampler: a convolution computes r² feature maps at low resolution and
// PixelShuffle interleaves them into one map r times larger.

package sr

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// PixelShuffle rearranges channels into space, with PyTorch's channel
// ordering, in NHWC:
//
//	x:   [B, H, W, C·r·r]
//	out: [B, H·r, W·r, C]
//	out[b, h·r + i, w·r + j, c] = x[b, h, w, c·r·r + i·r + j]
//
// PyTorch's nn.PixelShuffle(r) maps input channel c·r² + i·r + j of an
// NCHW tensor to output (c, h·r + i, w·r + j); this is the same mapping
// with the channel on the last axis, so PyTorch weights of the preceding
// convolution can be loaded unchanged (after the usual kernel transpose).
//
// It is Reshape [B, H, W, C, r, r] -> Transpose to [B, H, r, W, r, C] ->
// Reshape, so its gradient is exact (Reshape and Transpose only). Panics
// (GoMLX style) if x is not rank 4, r < 1 or the channels are not a
// multiple of r².
func PixelShuffle(x *Node, r int) *Node {
	b, h, w, cr := checkRank4("PixelShuffle", x)
	if r < 1 {
		exceptions.Panicf("sr.PixelShuffle: r must be >= 1, got %d", r)
	}
	if cr%(r*r) != 0 {
		exceptions.Panicf("sr.PixelShuffle: channels %d of %s are not a multiple of r² = %d", cr, x.Shape(), r*r)
	}
	c := cr / (r * r)
	y := Reshape(x, b, h, w, c, r, r)         // [B, H, W, C, i, j]
	y = TransposeAllAxes(y, 0, 1, 4, 2, 5, 3) // [B, H, i, W, j, C]
	return Reshape(y, b, h*r, w*r, c)
}

// PixelUnshuffle is the inverse of [PixelShuffle] (PyTorch's
// nn.PixelUnshuffle, in NHWC):
//
//	x:   [B, H·r, W·r, C]
//	out: [B, H, W, C·r·r]
//	out[b, h, w, c·r·r + i·r + j] = x[b, h·r + i, w·r + j, c]
//
// Panics if x is not rank 4, r < 1 or H, W are not multiples of r.
func PixelUnshuffle(x *Node, r int) *Node {
	b, hr, wr, c := checkRank4("PixelUnshuffle", x)
	if r < 1 {
		exceptions.Panicf("sr.PixelUnshuffle: r must be >= 1, got %d", r)
	}
	if hr%r != 0 || wr%r != 0 {
		exceptions.Panicf("sr.PixelUnshuffle: spatial size %dx%d of %s is not a multiple of r = %d", hr, wr, x.Shape(), r)
	}
	h, w := hr/r, wr/r
	y := Reshape(x, b, h, r, w, r, c)         // [B, H, i, W, j, C]
	y = TransposeAllAxes(y, 0, 1, 3, 5, 2, 4) // [B, H, W, C, i, j]
	return Reshape(y, b, h, w, c*r*r)
}

func checkRank4(op string, x *Node) (b, h, w, c int) {
	if x == nil {
		exceptions.Panicf("sr.%s: x is nil", op)
	}
	if x.Rank() != 4 {
		exceptions.Panicf("sr.%s: x must be [B, H, W, C], got %s", op, x.Shape())
	}
	d := x.Shape().Dimensions
	return d[0], d[1], d[2], d[3]
}
