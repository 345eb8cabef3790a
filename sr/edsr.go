// EDSR and MDSR (Lim, Son, Kim, Nah, Lee, "Enhanced Deep Residual Networks
// for Single Image Super-Resolution", CVPR workshops 2017), as in the
// authors' code (EDSR-PyTorch, model/edsr.py, model/mdsr.py,
// model/common.py), channels-last.

package sr

import (
	"fmt"
	"math/bits"

	"github.com/dlc-go/denoising/kit/layer"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// RGBMean is the per-channel mean of DIV2K that the authors' MeanShift
// subtracts (times rgb_range) before the head and adds back after the tail.
var RGBMean = [3]float64{0.4488, 0.4371, 0.4040}

// MeanShift adds sign·rgbRange·RGBMean to the channels of x: [B, H, W, 3]
// (sign -1: the authors' sub_mean, +1: add_mean). It has no trainable
// parameters (the authors implement it as a frozen 1x1 convolution with
// identity weights, whose 3x3 + 3 = 12 values PyTorch still lists among
// the module's parameters). Panics if x does not have 3 channels.
func MeanShift(x *Node, rgbRange float64, sign int) *Node {
	if x == nil || x.Rank() != 4 || x.Shape().Dim(3) != 3 {
		exceptions.Panicf("sr.MeanShift: x must be [B, H, W, 3], got %v", shapeOrNil(x))
	}
	if sign != 1 && sign != -1 {
		exceptions.Panicf("sr.MeanShift: sign must be +1 or -1, got %d", sign)
	}
	s := float64(sign) * rgbRange
	shift := Const(x.Graph(), []float64{s * RGBMean[0], s * RGBMean[1], s * RGBMean[2]})
	return Add(x, Reshape(ConvertDType(shift, x.DType()), 1, 1, 1, 3))
}

// conv is the authors' default_conv: nn.Conv2d(in, out, k, padding=k/2,
// bias=True) with PyTorch's default initialisation; x: [B, H, W, in] ->
// [B, H, W, out] for odd k.
func conv(scope *model.Scope, x *Node, out, k int) *Node {
	return layer.Conv2DLayer(scope, x, layer.ConvConfig{Out: out, Kernel: k, Padding: layer.PadAll(k / 2)})
}

// ResBlock is EDSR's residual block, without batch normalisation:
//
//	x + resScale · conv_k(ReLU(conv_k(x)))     x: [B, H, W, F] -> [B, H, W, F]
//
// Its two convolutions are scope "body/0" and "body/2" (the authors'
// state_dict keys "body.0" and "body.2").
func ResBlock(scope *model.Scope, x *Node, k int, resScale float64) *Node {
	f := x.Shape().Dim(-1)
	body := scope.In("body")
	r := conv(body.In("0"), x, f, k)
	r = activation.Relu(r)
	r = conv(body.In("2"), r, f, k)
	if resScale != 1 {
		r = MulScalar(r, resScale)
	}
	return Add(r, x)
}

// Upsampler is the authors' sub-pixel upsampler for scale r, x: [B, H, W, F]
// -> [B, r·H, r·W, F]:
//
//	r = 2^n: n times (conv F -> 4F, k3; PixelShuffle(2)), convs in scope "0", "2", ...
//	r = 3:   conv F -> 9F, k3; PixelShuffle(3), conv in scope "0"
//
// Panics for other scales.
func Upsampler(scope *model.Scope, x *Node, r int) *Node {
	f := x.Shape().Dim(-1)
	switch {
	case r >= 1 && r&(r-1) == 0:
		for i := range bits.TrailingZeros(uint(r)) {
			x = conv(scope.In("%d", 2*i), x, 4*f, 3)
			x = PixelShuffle(x, 2)
		}
	case r == 3:
		x = conv(scope.In("0"), x, 9*f, 3)
		x = PixelShuffle(x, 3)
	default:
		exceptions.Panicf("sr.Upsampler: scale %d is not supported (powers of 2 and 3)", r)
	}
	return x
}

// EDSRConfig is EDSR's architecture.
type EDSRConfig struct {
	Blocks   int     // B, residual blocks (paper: 32, baseline: 16)
	Feats    int     // F, feature channels (paper: 256, baseline: 64)
	ResScale float64 // residual scaling (paper: 0.1, baseline: 1)
	Scale    int     // upscaling factor r: 2, 3 or 4
	RGBRange float64 // value of white: 1 for images in [0, 1] (the authors use 255)
}

// EDSRPaper is the paper's EDSR: 32 blocks, 256 channels, residual
// scaling 0.1, images in [0, 1].
func EDSRPaper(scale int) EDSRConfig {
	return EDSRConfig{Blocks: 32, Feats: 256, ResScale: 0.1, Scale: scale, RGBRange: 1}
}

// EDSRBaseline is the paper's baseline ("EDSR baseline", the authors'
// default): 16 blocks, 64 channels, no residual scaling.
func EDSRBaseline(scale int) EDSRConfig {
	return EDSRConfig{Blocks: 16, Feats: 64, ResScale: 1, Scale: scale, RGBRange: 1}
}

// Validate reports whether the configuration can be built.
func (c EDSRConfig) Validate() error {
	switch {
	case c.Blocks < 0:
		return fmt.Errorf("sr: EDSRConfig.Blocks must be >= 0, got %d", c.Blocks)
	case c.Feats < 1:
		return fmt.Errorf("sr: EDSRConfig.Feats must be >= 1, got %d", c.Feats)
	case !(c.ResScale > 0):
		return fmt.Errorf("sr: EDSRConfig.ResScale must be > 0, got %g", c.ResScale)
	case !(c.RGBRange > 0):
		return fmt.Errorf("sr: EDSRConfig.RGBRange must be > 0, got %g", c.RGBRange)
	}
	return checkScale(c.Scale)
}

func checkScale(s int) error {
	if s != 2 && s != 3 && s != 4 {
		return fmt.Errorf("sr: scale must be 2, 3 or 4, got %d", s)
	}
	return nil
}

// EDSR is the network of Lim et al. (the authors' model/edsr.py):
//
//	x: [B, H, W, 3] (RGB in [0, RGBRange])
//	x0 = MeanShift(x, -1)
//	h  = conv_3→F(x0)                                     "head/0"
//	r  = conv_F→F(ResBlock_B(... ResBlock_1(h))) + h       "body/<i>", "body/<B>"
//	u  = Upsampler_r(r)                                   "tail/0/<j>"
//	X̂  = MeanShift(conv_F→3(u), +1)                       "tail/1"
//	X̂: [B, r·H, r·W, 3]
//
// All convolutions are 3x3 with padding 1 ("same") and PyTorch's default
// initialisation; scope names follow the authors' state_dict keys.
// Panics (GoMLX style) on an invalid cfg or an input that is not
// [B, H, W, 3].
func EDSR(scope *model.Scope, x *Node, cfg EDSRConfig) *Node {
	if err := cfg.Validate(); err != nil {
		exceptions.Panicf("sr.EDSR: %v", err)
	}
	b, h, w := checkRGB("EDSR", x)
	x = MeanShift(x, cfg.RGBRange, -1)
	head := conv(scope.In("head").In("0"), x, cfg.Feats, 3)
	body := scope.In("body")
	r := head
	for i := range cfg.Blocks {
		r = ResBlock(body.In("%d", i), r, 3, cfg.ResScale)
	}
	r = conv(body.In("%d", cfg.Blocks), r, cfg.Feats, 3)
	r = Add(r, head) // global skip
	r.AssertDims(b, h, w, cfg.Feats)
	tail := scope.In("tail")
	u := Upsampler(tail.In("0"), r, cfg.Scale)
	u.AssertDims(b, cfg.Scale*h, cfg.Scale*w, cfg.Feats)
	out := conv(tail.In("1"), u, 3, 3)
	out = MeanShift(out, cfg.RGBRange, +1)
	out.AssertDims(b, cfg.Scale*h, cfg.Scale*w, 3)
	return out
}

func checkRGB(op string, x *Node) (b, h, w int) {
	if x == nil || x.Rank() != 4 || x.Shape().Dim(3) != 3 {
		exceptions.Panicf("sr.%s: input must be [B, H, W, 3], got %v", op, shapeOrNil(x))
	}
	d := x.Shape().Dimensions
	return d[0], d[1], d[2]
}

// MDSRConfig is MDSR's architecture: one body shared by all scales, with
// scale-specific pre-processing and upsamplers.
type MDSRConfig struct {
	Blocks   int     // B, residual blocks of the shared body (paper: 80)
	Feats    int     // F, channels (paper: 64)
	Scales   []int   // scales with their own branches (paper: 2, 3, 4)
	RGBRange float64 // value of white (1 for [0, 1])
}

// MDSRPaper is the paper's MDSR: 80 blocks, 64 channels, scales 2, 3, 4.
func MDSRPaper() MDSRConfig {
	return MDSRConfig{Blocks: 80, Feats: 64, Scales: []int{2, 3, 4}, RGBRange: 1}
}

// Validate reports whether the configuration can be built.
func (c MDSRConfig) Validate() error {
	switch {
	case c.Blocks < 0:
		return fmt.Errorf("sr: MDSRConfig.Blocks must be >= 0, got %d", c.Blocks)
	case c.Feats < 1:
		return fmt.Errorf("sr: MDSRConfig.Feats must be >= 1, got %d", c.Feats)
	case len(c.Scales) == 0:
		return fmt.Errorf("sr: MDSRConfig.Scales is empty")
	case !(c.RGBRange > 0):
		return fmt.Errorf("sr: MDSRConfig.RGBRange must be > 0, got %g", c.RGBRange)
	}
	seen := map[int]bool{}
	for _, s := range c.Scales {
		if err := checkScale(s); err != nil {
			return err
		}
		if seen[s] {
			return fmt.Errorf("sr: MDSRConfig.Scales lists %d twice", s)
		}
		seen[s] = true
	}
	return nil
}

// MDSR is the multi-scale network of Lim et al. (the authors'
// model/mdsr.py), evaluated for one of cfg.Scales:
//
//	x: [B, H, W, 3]
//	h = conv_3→F(MeanShift(x, -1))                             "head/0"
//	p = ResBlock5(ResBlock5(h))        per scale, 5x5 kernels   "pre_process/<idx>/<0,1>"
//	r = conv_F→F(ResBlock_B(... ResBlock_1(p))) + p             "body/<i>", shared
//	X̂ = MeanShift(conv_F→3(Upsampler_scale(r)), +1)            "upsample/<idx>", "tail/0"
//	X̂: [B, scale·H, scale·W, 3]
//
// idx is the position of scale in cfg.Scales. Calling MDSR for several
// scales with the same scope (in one graph or several) shares the head,
// body and tail variables, as the multi-scale training does. No residual
// scaling. Panics on an invalid cfg, a scale not in cfg.Scales or an input
// that is not [B, H, W, 3].
func MDSR(scope *model.Scope, x *Node, cfg MDSRConfig, scale int) *Node {
	if err := cfg.Validate(); err != nil {
		exceptions.Panicf("sr.MDSR: %v", err)
	}
	idx := -1
	for i, s := range cfg.Scales {
		if s == scale {
			idx = i
		}
	}
	if idx < 0 {
		exceptions.Panicf("sr.MDSR: scale %d is not one of %v", scale, cfg.Scales)
	}
	b, h, w := checkRGB("MDSR", x)
	x = MeanShift(x, cfg.RGBRange, -1)
	// At (not In): the shared parts are entered once per scale.
	hd := conv(scope.At("head").At("0"), x, cfg.Feats, 3)
	pre := scope.At("pre_process").At("%d", idx)
	p := ResBlock(pre.At("0"), hd, 5, 1)
	p = ResBlock(pre.At("1"), p, 5, 1)
	body := scope.At("body")
	r := p
	for i := range cfg.Blocks {
		r = ResBlock(body.At("%d", i), r, 3, 1)
	}
	r = conv(body.At("%d", cfg.Blocks), r, cfg.Feats, 3)
	r = Add(r, p)
	r.AssertDims(b, h, w, cfg.Feats)
	u := Upsampler(scope.At("upsample").At("%d", idx), r, scale)
	out := conv(scope.At("tail").At("0"), u, 3, 3)
	out = MeanShift(out, cfg.RGBRange, +1)
	out.AssertDims(b, scale*h, scale*w, 3)
	return out
}

// CountParams builds build's graph on a float32 input of shape dims in a
// fresh model.Store, without compiling or executing it (variables are
// created, never initialised), and returns the number of scalar parameters
// (the sum of the variables' sizes) and of variables. A panic while
// building is returned as an error.
func CountParams(build func(scope *model.Scope, x *Node) *Node, dims ...int) (params, variables int, err error) {
	store, err := layer.BuildVariables(build, dims...)
	if err != nil {
		return 0, 0, fmt.Errorf("sr: CountParams: %w", err)
	}
	return store.NumParameters(), store.NumVariables(), nil
}
