// The U-Net of Noise2Noise (Lehtinen et al. 2018, appendix A.1, Table 2),
// layer by layer as the paper lists it:
//
//	NAME         N_out   FUNCTION
//	INPUT        n
//	ENC_CONV0    48      Convolution 3x3
//	ENC_CONV1    48      Convolution 3x3
//	POOL1        48      Maxpool 2x2
//	ENC_CONV2    48      Convolution 3x3
//	POOL2        48      Maxpool 2x2
//	ENC_CONV3    48      Convolution 3x3
//	POOL3        48      Maxpool 2x2
//	ENC_CONV4    48      Convolution 3x3
//	POOL4        48      Maxpool 2x2
//	ENC_CONV5    48      Convolution 3x3
//	POOL5        48      Maxpool 2x2
//	ENC_CONV6    48      Convolution 3x3
//	UPSAMPLE5    48      Upsample 2x2
//	CONCAT5      96      Concatenate output of POOL4
//	DEC_CONV5A   96      Convolution 3x3
//	DEC_CONV5B   96      Convolution 3x3
//	UPSAMPLE4    96      Upsample 2x2
//	CONCAT4      144     Concatenate output of POOL3
//	DEC_CONV4A   96      Convolution 3x3
//	DEC_CONV4B   96      Convolution 3x3
//	UPSAMPLE3    96      Upsample 2x2
//	CONCAT3      144     Concatenate output of POOL2
//	DEC_CONV3A   96      Convolution 3x3
//	DEC_CONV3B   96      Convolution 3x3
//	UPSAMPLE2    96      Upsample 2x2
//	CONCAT2      144     Concatenate output of POOL1
//	DEC_CONV2A   96      Convolution 3x3
//	DEC_CONV2B   96      Convolution 3x3
//	UPSAMPLE1    96      Upsample 2x2
//	CONCAT1      96+n    Concatenate INPUT
//	DEC_CONV1A   64      Convolution 3x3
//	DEC_CONV1B   32      Convolution 3x3
//	DEC_CONV1C   m       Convolution 3x3, linear act.
//
// All convolutions use "same" padding and, except the last, are followed by
// a leaky ReLU with slope 0.1; weights are He-normal initialised, biases
// zero. Five 2x2 poolings make the input side a multiple of 32.
//
// The graph is built from kit/layer's ops, whose gradients were checked
// against finite differences (GoMLX's own MaxPool and nearest-neighbour
// upsampling have missing or wrong gradients on the Go backend).

package n2n

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/dlc-go/denoising/kit/layer"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// UNetDepth is the number of 2x2 poolings of the U-Net; input sides must be
// multiples of 2^UNetDepth = [UNetMultiple].
const (
	UNetDepth    = 5
	UNetMultiple = 1 << UNetDepth // 32
)

// UNetConfig configures [UNet].
type UNetConfig struct {
	// In is n, the number of input channels (>= 1): 1 for gray, 3 for RGB.
	In int
	// Out is m, the number of output channels (>= 1).
	Out int
	// Width multiplies the paper's channel counts 48, 96, 64 and 32 (each
	// rounded to the nearest integer, at least 1); 0 means 1, the paper's
	// network. Width 0.5 (24, 48, 32, 16 channels, about a quarter of the
	// parameters and of the arithmetic) is a deviation from the paper, used
	// only where a budget run says so: the pure-Go backend on a 2-core CPU
	// cannot afford the full width for long.
	Width float64
}

// DefaultUNetConfig is the paper's network for n input and m output
// channels (Width 1).
func DefaultUNetConfig(n, m int) UNetConfig { return UNetConfig{In: n, Out: m} }

// Validate reports whether the configuration is usable.
func (c UNetConfig) Validate() error {
	switch {
	case c.In < 1:
		return fmt.Errorf("n2n: UNetConfig.In (n, input channels) must be >= 1, got %d", c.In)
	case c.Out < 1:
		return fmt.Errorf("n2n: UNetConfig.Out (m, output channels) must be >= 1, got %d", c.Out)
	case !(c.Width >= 0) || math.IsInf(c.Width, 0):
		return fmt.Errorf("n2n: UNetConfig.Width must be finite and >= 0 (0 means 1), got %g", c.Width)
	}
	return nil
}

// Channels returns the channel counts of the network: enc (48 in the
// paper) for every encoder convolution, dec (96) for DEC_CONV2A..5B, and
// c1a (64), c1b (32) for DEC_CONV1A and DEC_CONV1B, scaled by Width.
func (c UNetConfig) Channels() (enc, dec, c1a, c1b int) {
	w := c.Width
	if w == 0 {
		w = 1
	}
	scale := func(base int) int { return max(1, int(math.Round(w*float64(base)))) }
	return scale(48), scale(96), scale(64), scale(32)
}

// CheckUNetSide returns an error unless h and w are positive multiples of
// [UNetMultiple] (32), the sizes the U-Net's five 2x2 poolings and
// upsamplings map back to themselves.
func CheckUNetSide(h, w int) error {
	if h <= 0 || w <= 0 || h%UNetMultiple != 0 || w%UNetMultiple != 0 {
		return fmt.Errorf("n2n: U-Net input is %dx%d; height and width must be positive multiples of %d "+
			"(five 2x2 poolings)", h, w, UNetMultiple)
	}
	return nil
}

// convParams is the number of parameters of a 3x3 convolution in -> out
// with bias: 9·in·out + out.
func convParams(in, out int) int { return 9*in*out + out }

// Params is the closed form of the network's parameter count (weights and
// biases of its 18 convolutions), with e, d, a, b = [UNetConfig.Channels]:
//
//	ENC_CONV0        9·n·e + e
//	ENC_CONV1..6     6 (9e² + e)
//	DEC_CONV5A       9·2e·d + d
//	DEC_CONV4A..2A   3 (9(d+e)d + d)
//	DEC_CONV5B..2B   4 (9d² + d)
//	DEC_CONV1A       9(d+n)a + a
//	DEC_CONV1B       9ab + b
//	DEC_CONV1C       9bm + m
//
// For the paper's widths and n = m = 3 (RGB) it is 991 203; for n = m = 1,
// 988 609 (Width 0.5, n = m = 1: 247 777).
func (c UNetConfig) Params() int {
	e, d, a, b := c.Channels()
	n, m := c.In, c.Out
	return convParams(n, e) + 6*convParams(e, e) +
		convParams(2*e, d) + 3*convParams(d+e, d) + 4*convParams(d, d) +
		convParams(d+n, a) + convParams(a, b) + convParams(b, m)
}

// UNetParams is the parameter count of the paper's U-Net (Width 1) with n
// input and m output channels: DefaultUNetConfig(n, m).Params().
func UNetParams(n, m int) int { return DefaultUNetConfig(n, m).Params() }

// UNetRow is one row of the paper's table of the network ([UNetConfig.Rows]).
type UNetRow struct {
	Name     string // as in the paper, e.g. "ENC_CONV0", "POOL1", "CONCAT5"
	NOut     int    // output channels (the paper's N_out)
	Function string // the paper's FUNCTION column, e.g. "Convolution 3x3"
	H, W     int    // spatial size of the row's output, for the input size given to Rows
	Params   int    // trainable parameters of the row (0 for pooling, upsampling, concatenation)
	Scope    string // the model.Scope name of a convolution's variables ("enc_conv0"), "" for other rows
}

// Rows lists the network layer by layer as the paper's Table 2 (INPUT
// first), with output sizes for an h x w input and per-layer parameter
// counts. h and w must be multiples of 32 ([CheckUNetSide]).
func (c UNetConfig) Rows(h, w int) ([]UNetRow, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := CheckUNetSide(h, w); err != nil {
		return nil, err
	}
	e, d, a, b := c.Channels()
	var rows []UNetRow
	ch, hh, ww := c.In, h, w // current channels and size
	add := func(name, fn string, out, params int, scope string) {
		ch = out
		rows = append(rows, UNetRow{Name: name, NOut: out, Function: fn, H: hh, W: ww, Params: params, Scope: scope})
	}
	conv := func(name string, out int) {
		add(name, "Convolution 3x3", out, convParams(ch, out), strings.ToLower(name))
	}
	skip := map[string]int{"INPUT": c.In} // channels of the outputs concatenated later
	add("INPUT", "", c.In, 0, "")
	conv("ENC_CONV0", e)
	conv("ENC_CONV1", e)
	for i := 1; i <= UNetDepth; i++ {
		if i > 1 {
			conv(fmt.Sprintf("ENC_CONV%d", i), e)
		}
		hh, ww = hh/2, ww/2
		add(fmt.Sprintf("POOL%d", i), "Maxpool 2x2", ch, 0, "")
		skip[fmt.Sprintf("POOL%d", i)] = ch
	}
	conv("ENC_CONV6", e)
	for i := UNetDepth; i >= 1; i-- {
		hh, ww = 2*hh, 2*ww
		add(fmt.Sprintf("UPSAMPLE%d", i), "Upsample 2x2", ch, 0, "")
		from := fmt.Sprintf("POOL%d", i-1)
		if i == 1 {
			from = "INPUT"
		}
		fn := "Concatenate output of " + from
		if i == 1 {
			fn = "Concatenate INPUT"
		}
		add(fmt.Sprintf("CONCAT%d", i), fn, ch+skip[from], 0, "")
		if i > 1 {
			conv(fmt.Sprintf("DEC_CONV%dA", i), d)
			conv(fmt.Sprintf("DEC_CONV%dB", i), d)
		}
	}
	conv("DEC_CONV1A", a)
	conv("DEC_CONV1B", b)
	conv("DEC_CONV1C", c.Out)
	rows[len(rows)-1].Function = "Convolution 3x3, linear act."
	return rows, nil
}

// Table renders [UNetConfig.Rows] for an h x w input as a Markdown table
// (NAME, N_out, FUNCTION, output shape H×W×C, parameters) closed by the
// total.
func (c UNetConfig) Table(h, w int) (string, error) {
	rows, err := c.Rows(h, w)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString("| NAME | N_out | FUNCTION | output | parameters |\n|---|---:|---|---|---:|\n")
	total := 0
	for _, r := range rows {
		params := ""
		if r.Params > 0 {
			params = fmt.Sprint(r.Params)
		}
		total += r.Params
		fmt.Fprintf(&sb, "| %s | %d | %s | %d×%d×%d | %s |\n", r.Name, r.NOut, r.Function, r.H, r.W, r.NOut, params)
	}
	fmt.Fprintf(&sb, "| **total** | | | | **%d** |\n", total)
	return sb.String(), nil
}

// UNetTable is the paper's table of the U-Net (Width 1) with n input and m
// output channels for a side x side input, as Markdown (see
// [UNetConfig.Table]); side must be a multiple of 32.
func UNetTable(n, m, side int) (string, error) {
	return DefaultUNetConfig(n, m).Table(side, side)
}

// UNet builds the Noise2Noise U-Net (see the table at the top of this
// file):
//
//	x:   [B, H, W, n] float32 (or float64), H and W multiples of 32
//	out: [B, H, W, m], linear (no activation on the last layer)
//
// Its variables are "weights" [3, 3, Cin, Cout] and "biases" [Cout] in one
// sub-scope of scope per convolution, named after the paper's rows in lower
// case ("enc_conv0", ..., "dec_conv1c"). Like every GoMLX graph builder it
// panics, with a clear message, on a bad configuration or input shape.
func UNet(scope *model.Scope, x *Node, cfg UNetConfig) *Node {
	return unet(scope, x, cfg, nil)
}

// unet is UNet; record, if not nil, is called with every row's name and
// output node (the paper's rows, INPUT first), for tests that hold the
// graph against [UNetConfig.Rows].
func unet(scope *model.Scope, x *Node, cfg UNetConfig, record func(name string, y *Node)) *Node {
	if err := cfg.Validate(); err != nil {
		exceptions.Panicf("n2n.UNet: %v", err)
	}
	if x == nil || x.Rank() != 4 {
		exceptions.Panicf("n2n.UNet: x must be [B, H, W, C], got %v", shapeOrNil(x))
	}
	b, h, w, c := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	if c != cfg.In {
		exceptions.Panicf("n2n.UNet: x %s has %d channels, the config says In=%d", x.Shape(), c, cfg.In)
	}
	if err := CheckUNetSide(h, w); err != nil {
		exceptions.Panicf("n2n.UNet: %v", err)
	}
	if record == nil {
		record = func(string, *Node) {}
	}
	e, d, c1a, c1b := cfg.Channels()
	conv := func(name string, y *Node, out int, act bool) *Node {
		y = layer.Conv2DLayer(scope.In("%s", strings.ToLower(name)), y,
			layer.ConvConfig{Out: out, Kernel: 3, Padding: layer.Same(), Init: layer.InitHeNormal})
		if act {
			y = layer.LeakyReLU(y, 0.1)
		}
		record(name, y)
		return y
	}
	record("INPUT", x)

	// Encoder: pools[i] is the output of POOLi, pools[0] the input.
	pools := []*Node{x}
	y := conv("ENC_CONV0", x, e, true)
	y = conv("ENC_CONV1", y, e, true)
	for i := 1; i <= UNetDepth; i++ {
		if i > 1 {
			y = conv(fmt.Sprintf("ENC_CONV%d", i), y, e, true)
		}
		y = layer.MaxPool2D(y, 2)
		record(fmt.Sprintf("POOL%d", i), y)
		pools = append(pools, y)
	}
	y = conv("ENC_CONV6", y, e, true)
	y.AssertDims(b, h/UNetMultiple, w/UNetMultiple, e)

	// Decoder: upsample, concatenate the encoder output of the same size.
	for i := UNetDepth; i >= 1; i-- {
		y = layer.UpsampleNearest2x(y)
		record(fmt.Sprintf("UPSAMPLE%d", i), y)
		y = Concatenate([]*Node{y, pools[i-1]}, -1)
		record(fmt.Sprintf("CONCAT%d", i), y)
		if i > 1 {
			y = conv(fmt.Sprintf("DEC_CONV%dA", i), y, d, true)
			y = conv(fmt.Sprintf("DEC_CONV%dB", i), y, d, true)
			y.AssertDims(b, h>>(i-1), w>>(i-1), d)
		}
	}
	y = conv("DEC_CONV1A", y, c1a, true)
	y = conv("DEC_CONV1B", y, c1b, true)
	y = conv("DEC_CONV1C", y, cfg.Out, false)
	y.AssertDims(b, h, w, cfg.Out)
	return y
}

func shapeOrNil(x *Node) any {
	if x == nil {
		return "nil"
	}
	return x.Shape()
}

// CountUNetParams builds the U-Net's graph for a [1, side, side, cfg.In]
// float32 input without executing it and counts the variables it creates:
// the total number of parameters and the count per convolution scope
// ("enc_conv0" -> 9·n·48 + 48, ...). Building takes milliseconds.
func CountUNetParams(cfg UNetConfig, side int) (total int, perScope map[string]int, err error) {
	if err := cfg.Validate(); err != nil {
		return 0, nil, err
	}
	if err := CheckUNetSide(side, side); err != nil {
		return 0, nil, err
	}
	store, err := layer.BuildVariables(func(scope *model.Scope, x *Node) *Node {
		return UNet(scope, x, cfg)
	}, 1, side, side, cfg.In)
	if err != nil {
		return 0, nil, fmt.Errorf("n2n: CountUNetParams: %w", err)
	}
	perScope = map[string]int{}
	for v := range store.IterVariables() {
		perScope[strings.TrimPrefix(v.Scope(), "/")] += v.Shape().Size()
	}
	if len(perScope) == 0 {
		return 0, nil, errors.New("n2n: CountUNetParams: building the U-Net created no variables")
	}
	return store.NumParameters(), perScope, nil
}
