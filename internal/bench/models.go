package bench

import (
	"fmt"

	"github.com/dlc-go/denoising/kit/layer"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// counter accumulates the multiply-accumulates (MACs) of the dense and
// convolution layers a model builder creates; a nil counter counts nothing.
type counter struct{ macs int64 }

func (c *counter) add(n int) {
	if c != nil {
		c.macs += int64(n)
	}
}

// conv is a Conv2DLayer that also counts its MACs: B·Ho·Wo·k²·Cin·Cout.
func (c *counter) conv(scope *model.Scope, x *Node, cfg layer.ConvConfig) *Node {
	y := layer.Conv2DLayer(scope, x, cfg)
	d := y.Shape().Dimensions
	c.add(d[0] * d[1] * d[2] * cfg.Kernel * cfg.Kernel * x.Shape().Dim(-1) * cfg.Out)
	return y
}

// convT is a ConvTranspose2DLayer that also counts its MACs:
// B·H·W·k²·Cin·Cout, with H, W the input size.
func (c *counter) convT(scope *model.Scope, x *Node, cfg layer.ConvConfig) *Node {
	y := layer.ConvTranspose2DLayer(scope, x, cfg)
	d := x.Shape().Dimensions
	c.add(d[0] * d[1] * d[2] * cfg.Kernel * cfg.Kernel * d[3] * cfg.Out)
	return y
}

// dense is a Dense layer that also counts its MACs: rows·in·out.
func (c *counter) dense(scope *model.Scope, x *Node, out int) *Node {
	y := layer.Dense(scope, x, out)
	c.add(x.Shape().Size() * out)
	return y
}

func relu(x *Node) *Node { return layer.LeakyReLU(x, 0) }

// MLP2D is the toy regression MLP: x [B, 2] -> Linear(2,100) -> ReLU ->
// Linear(100,2) -> [B, 2].
func MLP2D(scope *model.Scope, x *Node) *Node { return mlp2D(scope, x, nil) }

func mlp2D(scope *model.Scope, x *Node, c *counter) *Node {
	h := relu(c.dense(scope.In("fc1"), x, 100))
	return c.dense(scope.In("fc2"), h, 2)
}

// DAEMNIST is the lecture's convolutional denoising autoencoder for MNIST
// (no padding, PyTorch initialisation): x [B, 28, 28, 1] -> [B, 28, 28, 1].
//
//	encoder: Conv(1->32,k5) 24x24, Conv(32->32,k5) 20x20, Conv(32->32,k4,s2) 9x9,
//	         Conv(32->32,k3,s2) 4x4, Conv(32->16,k4) 1x1 (ReLU between)
//	decoder: ConvT(16->32,k4) 4x4, ConvT(32->32,k3,s2) 9x9, ConvT(32->32,k4,s2) 20x20,
//	         ConvT(32->32,k5) 24x24, ConvT(32->1,k5) 28x28 (ReLU between, linear output)
func DAEMNIST(scope *model.Scope, x *Node) *Node { return daeMNIST(scope, x, nil) }

func daeMNIST(scope *model.Scope, x *Node, c *counter) *Node {
	b := x.Shape().Dim(0)
	x.AssertDims(b, 28, 28, 1)
	enc := []layer.ConvConfig{
		{Out: 32, Kernel: 5}, {Out: 32, Kernel: 5}, {Out: 32, Kernel: 4, Stride: 2},
		{Out: 32, Kernel: 3, Stride: 2}, {Out: 16, Kernel: 4},
	}
	h := x
	for i, cfg := range enc {
		h = c.conv(scope.In("enc%d", i+1), h, cfg)
		if i < len(enc)-1 {
			h = relu(h)
		}
	}
	h.AssertDims(b, 1, 1, 16)
	dec := []layer.ConvConfig{
		{Out: 32, Kernel: 4}, {Out: 32, Kernel: 3, Stride: 2}, {Out: 32, Kernel: 4, Stride: 2},
		{Out: 32, Kernel: 5}, {Out: 1, Kernel: 5},
	}
	for i, cfg := range dec {
		if i > 0 {
			h = relu(h)
		}
		h = c.convT(scope.In("dec%d", i+1), h, cfg)
	}
	h.AssertDims(b, 28, 28, 1)
	return h
}

// MNISTUpscaler maps a 14x14 MNIST image to 28x28 (no padding, PyTorch
// initialisation): x [B, 14, 14, 1] -> [B, 28, 28, 1].
//
//	encoder: Conv(1,32,5) 10x10, Conv(32,32,5) 6x6, Conv(32,32,4) 3x3, Conv(32,32,3) 1x1
//	decoder: ConvT(32,32,4) 4x4, ConvT(32,32,3,s2) 9x9, ConvT(32,32,4,s2) 20x20,
//	         ConvT(32,32,5) 24x24, ConvT(32,1,5) 28x28
//
// with ReLU between layers (not on the code, not on the output).
func MNISTUpscaler(scope *model.Scope, x *Node) *Node { return mnistUpscaler(scope, x, nil) }

func mnistUpscaler(scope *model.Scope, x *Node, c *counter) *Node {
	b := x.Shape().Dim(0)
	x.AssertDims(b, 14, 14, 1)
	enc := []layer.ConvConfig{{Out: 32, Kernel: 5}, {Out: 32, Kernel: 5}, {Out: 32, Kernel: 4}, {Out: 32, Kernel: 3}}
	h := x
	for i, cfg := range enc {
		if i > 0 {
			h = relu(h)
		}
		h = c.conv(scope.In("enc%d", i+1), h, cfg)
	}
	h.AssertDims(b, 1, 1, 32)
	dec := []layer.ConvConfig{
		{Out: 32, Kernel: 4}, {Out: 32, Kernel: 3, Stride: 2}, {Out: 32, Kernel: 4, Stride: 2},
		{Out: 32, Kernel: 5}, {Out: 1, Kernel: 5},
	}
	for i, cfg := range dec {
		if i > 0 {
			h = relu(h)
		}
		h = c.convT(scope.In("dec%d", i+1), h, cfg)
	}
	h.AssertDims(b, 28, 28, 1)
	return h
}

// UNetN2N is the Noise2Noise U-Net (Lehtinen et al. 2018, Table 2) for one
// channel in and out: x [B, H, W, 1] -> [B, H, W, 1], H and W divisible by
// 32. Every conv is 3x3, "same" padding, He-normal initialisation and
// LeakyReLU(0.1), except the linear output DEC_CONV1C.
//
//	ENC_CONV0, ENC_CONV1 48, POOL1 (max 2)            H/2
//	ENC_CONV2..5 48, each followed by POOL2..5       H/4 .. H/32
//	ENC_CONV6 48
//	UPSAMPLE5, CONCAT5 (POOL4), DEC_CONV5A/B 96      H/16
//	UPSAMPLE4, CONCAT4 (POOL3), DEC_CONV4A/B 96      H/8
//	UPSAMPLE3, CONCAT3 (POOL2), DEC_CONV3A/B 96      H/4
//	UPSAMPLE2, CONCAT2 (POOL1), DEC_CONV2A/B 96      H/2
//	UPSAMPLE1, CONCAT1 (input), DEC_CONV1A 64, DEC_CONV1B 32, DEC_CONV1C 1 (linear)
func UNetN2N(scope *model.Scope, x *Node) *Node { return unetN2N(scope, x, nil) }

func unetN2N(scope *model.Scope, x *Node, c *counter) *Node {
	b, h, w := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	conv := func(name string, x *Node, out int) *Node {
		y := c.conv(scope.In("%s", name), x, layer.ConvConfig{Out: out, Kernel: 3, Padding: layer.Same(), Init: layer.InitHeNormal})
		return layer.LeakyReLU(y, 0.1)
	}
	cat := func(a, b *Node) *Node { return Concatenate([]*Node{a, b}, -1) }
	skips := []*Node{x}
	y := conv("enc_conv0", x, 48)
	y = conv("enc_conv1", y, 48)
	y = layer.MaxPool2D(y, 2)
	skips = append(skips, y) // pool1
	for i := 2; i <= 5; i++ {
		y = layer.MaxPool2D(conv("enc_conv"+string(rune('0'+i)), y, 48), 2)
		skips = append(skips, y) // pool2 .. pool5
	}
	y = conv("enc_conv6", y, 48)
	y.AssertDims(b, h/32, w/32, 48)
	for i := 5; i >= 2; i-- {
		y = cat(layer.UpsampleNearest2x(y), skips[i-1])
		y = conv(fmt.Sprintf("dec_conv%da", i), y, 96)
		y = conv(fmt.Sprintf("dec_conv%db", i), y, 96)
	}
	y = cat(layer.UpsampleNearest2x(y), skips[0])
	y = conv("dec_conv1a", y, 64)
	y = conv("dec_conv1b", y, 32)
	y = c.conv(scope.In("dec_conv1c"), y, layer.ConvConfig{Out: 1, Kernel: 3, Padding: layer.Same(), Init: layer.InitHeNormal})
	y.AssertDims(b, h, w, 1)
	return y
}

// SDAELayer is one stacked-denoising-autoencoder layer for MNIST with 25%
// masking noise: x [B, 784] in [0, 1] -> logits [B, 784]. During the step
// each input pixel is zeroed with probability 0.25 (drawn from the store's
// random generator), then Linear(784,1000) -> sigmoid -> Linear(1000,784);
// the output sigmoid is folded into the cross-entropy loss (logits out).
func SDAELayer(scope *model.Scope, x *Node) *Node { return sdaeLayer(scope, x, nil) }

func sdaeLayer(scope *model.Scope, x *Node, c *counter) *Node {
	u := scope.RandomUniform(x.Graph(), x.Shape())
	keep := ConvertDType(GreaterOrEqual(u, Scalar(x.Graph(), x.DType(), 0.25)), x.DType())
	xt := Mul(x, StopGradient(keep))
	h := Sigmoid(c.dense(scope.In("enc"), xt, 1000))
	return c.dense(scope.In("dec"), h, 784)
}
