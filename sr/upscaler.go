// The lecture's MNISTUpscaler: a convolutional encoder that maps the
// 14x14 average-pooled digit to a 1x1x32 code, and a transposed-convolution
// decoder that maps the code to 28x28. It is trained as a denoiser whose
// "noise" is the loss of resolution: input Y = avgpool2(X), target X.

package sr

import (
	"fmt"
	"strings"

	"github.com/dlc-go/denoising/kit/layer"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// LayerKind names a layer of a sequential network as PyTorch prints it.
type LayerKind string

// Layer kinds of [LayerSpec].
const (
	Conv2d          LayerKind = "Conv2d"
	ConvTranspose2d LayerKind = "ConvTranspose2d"
	ReLU            LayerKind = "ReLU"
)

// LayerSpec is one layer of a sequential convolutional network: a
// convolution (valid padding, PyTorch's default) or a ReLU.
type LayerSpec struct {
	Kind    LayerKind
	In, Out int // channels (convolutions only)
	Kernel  int // square kernel size
	Stride  int // stride (1 if 0)
}

func (l LayerSpec) stride() int { return max(l.Stride, 1) }

// Params is the number of parameters of the layer: k²·In·Out weights plus
// Out biases for a convolution, 0 for a ReLU.
func (l LayerSpec) Params() int {
	if l.Kind == ReLU {
		return 0
	}
	return l.Kernel*l.Kernel*l.In*l.Out + l.Out
}

// OutSize is the spatial output size for input size n (valid padding):
// (n - k)/s + 1 for Conv2d, (n - 1)·s + k for ConvTranspose2d, n for ReLU.
func (l LayerSpec) OutSize(n int) int {
	switch l.Kind {
	case Conv2d:
		return (n-l.Kernel)/l.stride() + 1
	case ConvTranspose2d:
		return (n-1)*l.stride() + l.Kernel
	}
	return n
}

// String prints the layer as PyTorch does, e.g.
// "Conv2d(1, 32, kernel_size=(5, 5), stride=(1, 1))".
func (l LayerSpec) String() string {
	if l.Kind == ReLU {
		return "ReLU()"
	}
	return fmt.Sprintf("%s(%d, %d, kernel_size=(%d, %d), stride=(%d, %d))",
		l.Kind, l.In, l.Out, l.Kernel, l.Kernel, l.stride(), l.stride())
}

// UpscalerInput and UpscalerOutput are the spatial sizes of the
// MNISTUpscaler's input (the 2x2 average pooling of a digit) and output.
const (
	UpscalerInput  = 14
	UpscalerOutput = 28
)

// UpscalerEncoder is the lecture's encoder with nc channels (the lecture:
// 32): 14x14x1 -> 10 -> 6 -> 3 -> 1x1xnc.
//
//	Conv2d(1, nc, 5) ReLU Conv2d(nc, nc, 5) ReLU Conv2d(nc, nc, 4) ReLU Conv2d(nc, nc, 3)
func UpscalerEncoder(nc int) []LayerSpec {
	return []LayerSpec{
		{Kind: Conv2d, In: 1, Out: nc, Kernel: 5}, {Kind: ReLU},
		{Kind: Conv2d, In: nc, Out: nc, Kernel: 5}, {Kind: ReLU},
		{Kind: Conv2d, In: nc, Out: nc, Kernel: 4}, {Kind: ReLU},
		{Kind: Conv2d, In: nc, Out: nc, Kernel: 3},
	}
}

// UpscalerDecoder is the lecture's decoder with nc channels:
// 1x1xnc -> 4 -> 9 -> 20 -> 24 -> 28x28x1.
//
//	ConvTranspose2d(nc, nc, 4) ReLU ConvTranspose2d(nc, nc, 3, stride=2) ReLU
//	ConvTranspose2d(nc, nc, 4, stride=2) ReLU ConvTranspose2d(nc, nc, 5) ReLU
//	ConvTranspose2d(nc, 1, 5)
func UpscalerDecoder(nc int) []LayerSpec {
	return []LayerSpec{
		{Kind: ConvTranspose2d, In: nc, Out: nc, Kernel: 4}, {Kind: ReLU},
		{Kind: ConvTranspose2d, In: nc, Out: nc, Kernel: 3, Stride: 2}, {Kind: ReLU},
		{Kind: ConvTranspose2d, In: nc, Out: nc, Kernel: 4, Stride: 2}, {Kind: ReLU},
		{Kind: ConvTranspose2d, In: nc, Out: nc, Kernel: 5}, {Kind: ReLU},
		{Kind: ConvTranspose2d, In: nc, Out: 1, Kernel: 5},
	}
}

// UpscalerChannels is the lecture's channel count nc.
const UpscalerChannels = 32

// sequential applies specs to x: [B, H, W, C], the convolutions' variables
// in scope.In(name).In(index) (PyTorch's state_dict keys "name.index.weight"),
// asserting the shape after every layer.
func sequential(scope *model.Scope, name string, x *Node, specs []LayerSpec) *Node {
	seq := scope.In("%s", name)
	for i, l := range specs {
		b, h := x.Shape().Dim(0), x.Shape().Dim(1)
		switch l.Kind {
		case ReLU:
			x = activation.Relu(x)
		case Conv2d:
			x = layer.Conv2DLayer(seq.In("%d", i), x,
				layer.ConvConfig{Out: l.Out, Kernel: l.Kernel, Stride: l.stride()})
		case ConvTranspose2d:
			x = layer.ConvTranspose2DLayer(seq.In("%d", i), x,
				layer.ConvConfig{Out: l.Out, Kernel: l.Kernel, Stride: l.stride()})
		default:
			exceptions.Panicf("sr: unknown layer kind %q", l.Kind)
		}
		want := l.OutSize(h)
		out := x.Shape().Dim(-1)
		if l.Kind != ReLU && out != l.Out {
			exceptions.Panicf("sr: %s.%d %s: output has %d channels, want %d", name, i, l, out, l.Out)
		}
		x.AssertDims(b, want, want, out)
	}
	return x
}

// MNISTUpscaler is the lecture's super-resolution network with
// [UpscalerChannels] channels:
//
//	y: [B, 14, 14, 1] (the 2x2 average pooling of a digit, see [AvgPool2Batch])
//	-> encoder [B, 1, 1, 32] -> decoder -> X̂: [B, 28, 28, 1]
//
// Variables live in scope under "encoder/<i>" and "decoder/<i>" (i the
// layer's index in [UpscalerEncoder] / [UpscalerDecoder], as PyTorch's
// nn.Sequential numbers them), PyTorch's default initialisation. Panics
// (GoMLX style) if y is not [B, 14, 14, 1].
func MNISTUpscaler(scope *model.Scope, y *Node) *Node {
	return mnistUpscaler(scope, y, UpscalerChannels)
}

func mnistUpscaler(scope *model.Scope, y *Node, nc int) *Node {
	if y == nil || y.Rank() != 4 || y.Shape().Dim(1) != UpscalerInput || y.Shape().Dim(2) != UpscalerInput || y.Shape().Dim(3) != 1 {
		exceptions.Panicf("sr.MNISTUpscaler: input must be [B, 14, 14, 1], got %v", shapeOrNil(y))
	}
	b := y.Shape().Dim(0)
	z := sequential(scope, "encoder", y, UpscalerEncoder(nc))
	z.AssertDims(b, 1, 1, nc)
	x := sequential(scope, "decoder", z, UpscalerDecoder(nc))
	x.AssertDims(b, UpscalerOutput, UpscalerOutput, 1)
	return x
}

func shapeOrNil(x *Node) any {
	if x == nil {
		return "nil"
	}
	return x.Shape()
}

// UpscalerParams is the number of parameters of the MNISTUpscaler with nc
// channels, from its layer list (120641 for nc = 32).
func UpscalerParams(nc int) int {
	n := 0
	for _, l := range append(UpscalerEncoder(nc), UpscalerDecoder(nc)...) {
		n += l.Params()
	}
	return n
}

// UpscalerTable prints the MNISTUpscaler the way PyTorch's print(model)
// prints a module with two nn.Sequential children, each line followed by
// the layer's parameter count and its output shape (C x H x W, for a
// 1x14x14 input), and the total. PyTorch's own print shows neither.
func UpscalerTable() string {
	return upscalerTable(UpscalerChannels)
}

func upscalerTable(nc int) string {
	var sb strings.Builder
	sb.WriteString("MNISTUpscaler(\n")
	size, ch := UpscalerInput, 1
	total := 0
	for _, part := range []struct {
		name  string
		specs []LayerSpec
	}{{"encoder", UpscalerEncoder(nc)}, {"decoder", UpscalerDecoder(nc)}} {
		fmt.Fprintf(&sb, "  (%s): Sequential(\n", part.name)
		for i, l := range part.specs {
			size = l.OutSize(size)
			if l.Kind != ReLU {
				ch = l.Out
			}
			line := fmt.Sprintf("    (%d): %s", i, l)
			p := ""
			if n := l.Params(); n > 0 {
				p = fmt.Sprintf("%d params", n)
			}
			fmt.Fprintf(&sb, "%-70s # %12s -> %dx%dx%d\n", line, p, ch, size, size)
			total += l.Params()
		}
		sb.WriteString("  )\n")
	}
	sb.WriteString(")\n")
	fmt.Fprintf(&sb, "Total parameters: %d\n", total)
	return sb.String()
}
