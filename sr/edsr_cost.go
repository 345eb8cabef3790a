// What EDSR costs to train: multiply-accumulates read off the built graph,
// the activations backpropagation keeps, and the memory of parameters and
// Adam's state.

package sr

import (
	"fmt"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/dlc-go/denoising/kit/layer"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// EDSRCost is the size of one EDSR forward pass on a batch of LR patches.
type EDSRCost struct {
	Config EDSRConfig
	Batch  int // B, patches
	Patch  int // LR patch side h = w; the output is Scale·h on a side

	Params int   // trainable scalars of the built graph
	MACs   int64 // multiply-accumulates of the forward pass (kit/layer.MACs of the built graph)
	// Activations is the number of scalars backpropagation must keep: the
	// input of every convolution (its weight gradient needs it), see
	// [EDSRActivations].
	Activations int64
}

// TrainFLOPs is the floating-point operations of one training step:
// 2 FLOPs per MAC, and the backward pass costs twice the forward (one
// product for the input gradient, one for the weight gradient): 6·MACs.
func (c EDSRCost) TrainFLOPs() float64 { return 6 * float64(c.MACs) }

// TrainBytes is a lower bound on the float32 memory of one training step:
// weights, their gradients and Adam's two moments (4·Params) plus the
// kept activations and, as large again, their gradients (2·Activations),
// 4 bytes each. Workspace of the convolution kernels is not counted.
func (c EDSRCost) TrainBytes() float64 {
	return 4 * (4*float64(c.Params) + 2*float64(c.Activations))
}

// MeasureEDSRCost builds EDSR (cfg) on an LR input [batch, patch, patch, 3]
// without compiling or running it, and returns its parameter count, the
// forward MACs its convolutions recorded (kit/layer.MACs) and
// [EDSRActivations]. A build error (invalid cfg) is returned as an error.
func MeasureEDSRCost(cfg EDSRConfig, batch, patch int) (cost EDSRCost, err error) {
	if err := cfg.Validate(); err != nil {
		return EDSRCost{}, err
	}
	if batch < 1 || patch < 1 {
		return EDSRCost{}, fmt.Errorf("sr: MeasureEDSRCost: batch %d and patch %d must be >= 1", batch, patch)
	}
	store := model.NewStore()
	var macs int64
	if e := exceptions.Try(func() {
		g := NewGraph(backend.Shared(), "sr.MeasureEDSRCost")
		defer func() { layer.ForgetMACs(g); g.Finalize() }()
		model.SetStore(g, store)
		EDSR(store.RootScope(), Parameter(g, "lr", shapes.Make(dtypes.Float32, batch, patch, patch, 3)), cfg)
		macs = layer.MACs(g)
	}); e != nil {
		return EDSRCost{}, fmt.Errorf("sr: MeasureEDSRCost: building the graph: %v", e)
	}
	return EDSRCost{Config: cfg, Batch: batch, Patch: patch, Params: store.NumParameters(), MACs: macs,
		Activations: EDSRActivations(cfg, batch, patch, patch)}, nil
}

// EDSRMACs is the closed form of EDSR's forward multiply-accumulates on
// [b, h, w, 3] (3x3 convolutions, k·k·Cin·Cout per output pixel):
//
//	LR pixels (b·h·w):  head 9·3·F + body (2B + 1)·9·F²
//	upsampler:          x2, x4: 9·F·4F at each of the log2(r) stages'
//	                    input resolutions (1, then 4 LR pixels); x3: 9·F·9F
//	HR pixels (r²·b·h·w): tail 9·F·3
func EDSRMACs(c EDSRConfig, b, h, w int) int64 {
	f, p := int64(c.Feats), int64(b)*int64(h)*int64(w)
	n := p * (27*f + int64(2*c.Blocks+1)*9*f*f)
	switch c.Scale {
	case 3:
		n += p * 9 * f * 9 * f
	default:
		for s := int64(1); s < int64(c.Scale); s *= 2 {
			n += s * s * p * 9 * f * 4 * f
		}
	}
	r := int64(c.Scale)
	return n + r*r*p*27*f
}

// EDSRActivations counts the scalars of the convolution inputs of EDSR on
// [b, h, w, 3], which backpropagation keeps for the weight gradients:
//
//	LR pixels:  3 (head input) + 2B·F (both convs of every block) + F (body's last conv)
//	upsampler:  F at each stage's input resolution (x2: 1, x4: 1 + 4, x3: 1, in LR pixels)
//	HR pixels:  F (tail input)
//
// It is a lower bound on the activation memory (in float32 scalars):
// frameworks also keep ReLU masks, sums and workspace.
func EDSRActivations(c EDSRConfig, b, h, w int) int64 {
	f, p := int64(c.Feats), int64(b)*int64(h)*int64(w)
	n := p * (3 + int64(2*c.Blocks+1)*f)
	switch c.Scale {
	case 3:
		n += p * f
	default:
		for s := int64(1); s < int64(c.Scale); s *= 2 {
			n += s * s * p * f
		}
	}
	r := int64(c.Scale)
	return n + r*r*p*f
}
