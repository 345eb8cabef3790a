// The lecture's convolutional autoencoder for MNIST (lectures 7.2 and 7.3):
// five unpadded convolutions take a 28x28 digit to a 1x1 code of B
// channels, five transposed convolutions bring it back,
//
//	28 -k5-> 24 -k5-> 20 -k4,s2-> 9 -k3,s2-> 4 -k4-> 1   (32 channels, then B)
//	 1 -k4->  4 -k3,s2-> 9 -k4,s2-> 20 -k5-> 24 -k5-> 28  (32 channels, then 1)
//
// with a ReLU after every layer except the last of the encoder (the code)
// and the last of the decoder (the reconstruction). The lecture feeds it
// normalised pixels, (x - MNISTMean) / MNISTStd, and regresses normalised
// targets with the loss 0.5 * sum of squares / batch; [MNISTDenoiser] does
// exactly that from [0, 1] images, and [MNISTLoss] is that loss.

package dae

import (
	"fmt"
	"strings"

	"github.com/dlc-go/denoising/kit/layer"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// MNIST image geometry and the autoencoder's width.
const (
	MNISTSide     = 28 // MNIST images are MNISTSide x MNISTSide, one channel
	MNISTChannels = 32 // channels of every hidden layer of the autoencoder

	// DefaultMNISTBottleneck is the default number of channels B of the 1x1
	// code. The lecture treats it as a parameter; 16 gives the ~120k
	// parameters (120657) of the project's conv-autoencoder benchmark.
	DefaultMNISTBottleneck = 16
)

// MNISTLayer describes one layer of the autoencoder.
type MNISTLayer struct {
	Name      string // variable scope, e.g. "enc1" (variables enc1/weights, enc1/biases)
	Transpose bool   // ConvTranspose2D (decoder) rather than Conv2D (encoder)
	In, Out   int    // input and output channels
	Kernel    int    // square kernel side k
	Stride    int    // stride (1 or 2); no padding anywhere
	ReLU      bool   // followed by a ReLU
	Side      int    // output spatial side: the output is [N, Side, Side, Out]
	Params    int    // weights k*k*In*Out plus Out biases
}

// Op is "Conv2D" or "ConvTranspose2D".
func (l MNISTLayer) Op() string {
	if l.Transpose {
		return "ConvTranspose2D"
	}
	return "Conv2D"
}

// MNISTLayers returns the ten layers of the autoencoder with a code of
// bottleneck channels (>= 1), with each output side computed from the
// convolution arithmetic (kit/layer's ConvOutputSize and
// ConvTransposeOutputSize, no padding) and each parameter count from
// k*k*In*Out + Out.
func MNISTLayers(bottleneck int) ([]MNISTLayer, error) {
	if bottleneck < 1 {
		return nil, fmt.Errorf("dae: MNIST autoencoder bottleneck must be >= 1, got %d", bottleneck)
	}
	const c = MNISTChannels
	spec := []MNISTLayer{
		{Name: "enc1", In: 1, Out: c, Kernel: 5, Stride: 1, ReLU: true},
		{Name: "enc2", In: c, Out: c, Kernel: 5, Stride: 1, ReLU: true},
		{Name: "enc3", In: c, Out: c, Kernel: 4, Stride: 2, ReLU: true},
		{Name: "enc4", In: c, Out: c, Kernel: 3, Stride: 2, ReLU: true},
		{Name: "enc5", In: c, Out: bottleneck, Kernel: 4, Stride: 1},
		{Name: "dec1", Transpose: true, In: bottleneck, Out: c, Kernel: 4, Stride: 1, ReLU: true},
		{Name: "dec2", Transpose: true, In: c, Out: c, Kernel: 3, Stride: 2, ReLU: true},
		{Name: "dec3", Transpose: true, In: c, Out: c, Kernel: 4, Stride: 2, ReLU: true},
		{Name: "dec4", Transpose: true, In: c, Out: c, Kernel: 5, Stride: 1, ReLU: true},
		{Name: "dec5", Transpose: true, In: c, Out: 1, Kernel: 5, Stride: 1},
	}
	side := MNISTSide
	for i := range spec {
		l := &spec[i]
		if l.Transpose {
			side = layer.ConvTransposeOutputSize(side, l.Kernel, l.Stride, 0, 0, 0)
		} else {
			side = layer.ConvOutputSize(side, l.Kernel, l.Stride, 0, 0)
		}
		l.Side = side
		l.Params = l.Kernel*l.Kernel*l.In*l.Out + l.Out
	}
	return spec, nil
}

// MNISTParams is the number of trainable parameters of the autoencoder
// with a code of bottleneck channels: 104257 + 1025 * bottleneck (0 for an
// invalid bottleneck).
func MNISTParams(bottleneck int) int {
	layers, err := MNISTLayers(bottleneck)
	if err != nil {
		return 0
	}
	total := 0
	for _, l := range layers {
		total += l.Params
	}
	return total
}

// MNISTLayerTable formats [MNISTLayers] as a text table: each layer's
// operation, kernel, stride, output shape [N, Side, Side, Out] and
// parameter count, then the total. It returns the error message for an
// invalid bottleneck.
func MNISTLayerTable(bottleneck int) string {
	layers, err := MNISTLayers(bottleneck)
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	row := func(name, op, k, s, out, params string) {
		line := fmt.Sprintf("%-6s %-29s %-6s %-6s %-16s %8s", name, op, k, s, out, params)
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	row("layer", "op", "kernel", "stride", "output", "params")
	row("input", "", "", "", fmt.Sprintf("[N, %d, %d, 1]", MNISTSide, MNISTSide), "")
	total := 0
	for _, l := range layers {
		op := fmt.Sprintf("%s(%d->%d)", l.Op(), l.In, l.Out)
		if l.ReLU {
			op += " ReLU"
		}
		row(l.Name, op, fmt.Sprint(l.Kernel), fmt.Sprint(l.Stride),
			fmt.Sprintf("[N, %d, %d, %d]", l.Side, l.Side, l.Out), fmt.Sprint(l.Params))
		total += l.Params
	}
	row("total", "", "", "", "", fmt.Sprint(total))
	return b.String()
}

// MNISTAutoencoder is the lecture's convolutional autoencoder (the layers
// of [MNISTLayers]) with a code of bottleneck channels:
//
//	x [N, 28, 28, 1] -> encoder -> code [N, 1, 1, bottleneck] -> decoder -> [N, 28, 28, 1]
//
// It maps values to values in whatever units it is trained in (the lecture,
// and [MNISTDenoiser], use normalised pixels). Variables live in
// scope.In(layer.Name) for each layer (PyTorch initialisation, kit/layer).
// Panics (GoMLX style) if x is not [N, 28, 28, 1] or bottleneck < 1; each
// layer's output shape is asserted.
func MNISTAutoencoder(scope *model.Scope, x *Node, bottleneck int) *Node {
	layers, err := MNISTLayers(bottleneck)
	if err != nil {
		exceptions.Panicf("dae.MNISTAutoencoder: %v", err)
	}
	if x.Rank() != 4 || x.Shape().Dim(1) != MNISTSide || x.Shape().Dim(2) != MNISTSide || x.Shape().Dim(3) != 1 {
		exceptions.Panicf("dae.MNISTAutoencoder: x must be [N, %d, %d, 1], got %s", MNISTSide, MNISTSide, x.Shape())
	}
	n := x.Shape().Dim(0)
	h := x
	for _, l := range layers {
		cfg := layer.ConvConfig{Out: l.Out, Kernel: l.Kernel, Stride: l.Stride}
		if l.Transpose {
			h = layer.ConvTranspose2DLayer(scope.In("%s", l.Name), h, cfg)
		} else {
			h = layer.Conv2DLayer(scope.In("%s", l.Name), h, cfg)
		}
		if l.ReLU {
			h = activation.Relu(h)
		}
		if d := h.Shape().Dimensions; len(d) != 4 || d[0] != n || d[1] != l.Side || d[2] != l.Side || d[3] != l.Out {
			exceptions.Panicf("dae.MNISTAutoencoder: layer %s output is %s, want [%d, %d, %d, %d]",
				l.Name, h.Shape(), n, l.Side, l.Side, l.Out)
		}
	}
	return h // [N, 28, 28, 1]
}

// MNISTDenoiser is the lecture's pipeline around [MNISTAutoencoder] on
// images in [0, 1] units: it normalises the corrupted input x~ [N, 28, 28, 1]
// to (x~ - MNISTMean) / MNISTStd, runs the autoencoder (which thus sees and
// predicts normalised pixels, as in the lecture), and maps its output back
// to [0, 1] units, y * MNISTStd + MNISTMean: [N, 28, 28, 1], not clipped.
func MNISTDenoiser(scope *model.Scope, x *Node, bottleneck int) *Node {
	xn := DivScalar(AddScalar(x, -MNISTMean), MNISTStd)
	y := MNISTAutoencoder(scope, xn, bottleneck)
	return AddScalar(MulScalar(y, MNISTStd), MNISTMean)
}

// MNISTLoss is the lecture's loss, 0.5 * sum of squared errors / batch
// size, measured in normalised units:
//
//	L = 0.5 / N * sum_{n,y,x} ((pred - X) / MNISTStd)^2
//
// from labels[0] = X and predictions[0] = pred, both [N, 28, 28, 1] (or any
// [N, ...]) in [0, 1] units. Since normalisation is affine, this equals the
// lecture's 0.5 * ||phi(x~_norm) - x_norm||^2 / N exactly. It is a
// kit/train LossFn (a scalar); it panics if the shapes differ.
func MNISTLoss(labels, predictions []*Node) *Node {
	x, pred := labels[0], predictions[0]
	if !x.Shape().Equal(pred.Shape()) || x.Rank() < 1 {
		exceptions.Panicf("dae.MNISTLoss: labels %s and predictions %s must have the same [N, ...] shape",
			x.Shape(), pred.Shape())
	}
	d := DivScalar(Sub(pred, x), MNISTStd)
	return MulScalar(ReduceAllSum(Mul(d, d)), 0.5/float64(x.Shape().Dim(0)))
}
