package bench

import (
	"github.com/dlc-go/denoising/dae"
	"github.com/dlc-go/denoising/kit/layer"
	"github.com/dlc-go/denoising/n2n"
	"github.com/dlc-go/denoising/sr"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// The benchmarked models are the sections' own builders, so the table
// measures exactly what the notebooks train; their FLOPs are counted
// analytically by kit/layer as they are built (layer.MACs).

// MLP2D is the toy regression MLP of notebook 01 (dae.ToyDenoiser): x [B, 2]
// -> Linear(2,100) -> ReLU -> Linear(100,2) -> [B, 2].
func MLP2D(scope *model.Scope, x *Node) *Node { return dae.ToyDenoiser(scope, x) }

// DAEMNISTBottleneck is the code size of the benchmarked autoencoder (the
// lecture's 16 channels at 1x1).
const DAEMNISTBottleneck = 16

// DAEMNIST is the lecture's convolutional autoencoder for MNIST
// (dae.MNISTAutoencoder with a 16-channel code): x [B, 28, 28, 1] ->
// [B, 28, 28, 1]; no padding, PyTorch initialisation.
//
//	encoder: Conv(1->32,k5) 24x24, Conv(32->32,k5) 20x20, Conv(32->32,k4,s2) 9x9,
//	         Conv(32->32,k3,s2) 4x4, Conv(32->16,k4) 1x1 (ReLU between)
//	decoder: ConvT(16->32,k4) 4x4, ConvT(32->32,k3,s2) 9x9, ConvT(32->32,k4,s2) 20x20,
//	         ConvT(32->32,k5) 24x24, ConvT(32->1,k5) 28x28 (ReLU between, linear output)
func DAEMNIST(scope *model.Scope, x *Node) *Node {
	return dae.MNISTAutoencoder(scope, x, DAEMNISTBottleneck)
}

// MNISTUpscaler is the lecture's 14x14 -> 28x28 upscaler (sr.MNISTUpscaler):
// y [B, 14, 14, 1] -> [B, 28, 28, 1].
func MNISTUpscaler(scope *model.Scope, y *Node) *Node { return sr.MNISTUpscaler(scope, y) }

// UNetN2N is the Noise2Noise U-Net of the lecture's table (n2n.UNet, full
// width: 48/96/64/32 channels, LeakyReLU 0.1, 5 max-pools, nearest
// upsampling, skips) with 1 input and 1 output channel: x [B, H, W, 1] ->
// [B, H, W, 1], H and W multiples of 32.
func UNetN2N(scope *model.Scope, x *Node) *Node {
	return n2n.UNet(scope, x, n2n.DefaultUNetConfig(1, 1))
}

// SDAELayer is one stacked-denoising-autoencoder layer for MNIST with 25%
// masking noise: x [B, 784] in [0, 1] -> logits [B, 784]. During the step
// each input pixel is zeroed with probability 0.25 (drawn from the store's
// random generator), then Linear(784,1000) -> sigmoid -> Linear(1000,784);
// the output sigmoid is folded into the cross-entropy loss (logits out).
func SDAELayer(scope *model.Scope, x *Node) *Node {
	u := scope.RandomUniform(x.Graph(), x.Shape())
	keep := ConvertDType(GreaterOrEqual(u, Scalar(x.Graph(), x.DType(), 0.25)), x.DType())
	xt := Mul(x, StopGradient(keep))
	h := Sigmoid(layer.Dense(scope.In("enc"), xt, 1000))
	return layer.Dense(scope.In("dec"), h, 784)
}
