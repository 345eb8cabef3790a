package layer

import (
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Variable names used by every layer of this package, inside the scope the
// caller passes (e.g. scope.In("enc1") gives "/enc1/weights" and
// "/enc1/biases").
const (
	WeightsName = "weights"
	BiasesName  = "biases"
)

// Init selects how a layer initialises its variables. All draws come from
// the model.Store's random number generator, so they are deterministic
// once the store has a seed (see [SetSeed]).
type Init int

const (
	// InitPyTorch is PyTorch's default for nn.Linear, nn.Conv2d and
	// nn.ConvTranspose2d: kaiming_uniform_(a=sqrt(5)) for the weights,
	// which is U(-1/sqrt(fanIn), 1/sqrt(fanIn)), and the same uniform
	// distribution for the biases. fanIn is in for Dense, Cin*kh*kw for
	// Conv2D and Cout*kh*kw for ConvTranspose2D (PyTorch computes it from
	// weight dimension 1, which is out_channels for a transposed conv).
	InitPyTorch Init = iota
	// InitHeNormal is He (Kaiming) normal initialisation as used by
	// Noise2Noise: weights N(0, 2/fanIn) (fanIn as for InitPyTorch, i.e.
	// what torch.nn.init.kaiming_normal_ computes), biases zero.
	InitHeNormal
)

// String returns "pytorch" or "he-normal".
func (i Init) String() string {
	switch i {
	case InitPyTorch:
		return "pytorch"
	case InitHeNormal:
		return "he-normal"
	}
	return fmt.Sprintf("Init(%d)", int(i))
}

// SetSeed makes the initial values of all variables of store
// deterministic. GoMLX draws initial values from the store's random number
// generator, a variable "#rngState" seeded, on first use, from the root
// hyper-parameter model.ParamInitialSeed ("initializer_seed", int64) or, if
// that is unset, from a cryptographically random seed. SetSeed sets that
// parameter and resets the generator, so the same seed and the same model
// (same layers created in the same order) give identical weights. Call it
// before the first model.Exec that creates variables.
func SetSeed(store *model.Store, seed int64) error {
	store.SetParam(model.ParamInitialSeed, seed)
	return store.SetRNGStateFromSeed(seed)
}

// initializers returns the weight and bias initialisers for a layer with
// the given fanIn.
func (i Init) initializers(scope *model.Scope, fanIn int) (weights, biases model.VariableInitializer) {
	uniform := func(bound float64) model.VariableInitializer {
		return func(g *Graph, shape shapes.Shape) *Node {
			u := scope.RandomUniform(g, shape) // [0, 1)
			return AddScalar(MulScalar(u, 2*bound), -bound)
		}
	}
	switch i {
	case InitPyTorch:
		b := 1 / math.Sqrt(float64(fanIn))
		return uniform(b), uniform(b)
	case InitHeNormal:
		std := math.Sqrt(2 / float64(fanIn))
		return func(g *Graph, shape shapes.Shape) *Node {
			// Draw in float32 and convert: RandomNormal uses Cos, which
			// ONNX Runtime's CPU provider lacks for float64.
			draw := shape.Clone()
			draw.DType = dtypes.Float32
			return ConvertDType(MulScalar(scope.RandomNormal(g, draw), std), shape.DType)
		}, Zeros
	}
	exceptions.Panicf("layer: unknown Init %d", int(i))
	return nil, nil
}

// DenseConfig configures [DenseWith].
type DenseConfig struct {
	Out    int  // output features (> 0)
	NoBias bool // if true, no "biases" variable
	Init   Init // initialisation, default InitPyTorch
}

// Dense is a fully connected layer with PyTorch's default initialisation
// (see [DenseWith]): x [..., in] -> [..., out].
func Dense(scope *model.Scope, x *Node, out int) *Node {
	return DenseWith(scope, x, DenseConfig{Out: out})
}

// DenseWith is a fully connected layer, y = x · weights + biases:
//
//	x:       [..., in] (rank >= 1)
//	weights: [in, out]  (PyTorch nn.Linear weight [out, in], transposed)
//	biases:  [out]
//	y:       [..., out]
//
// Variables are "weights" and "biases" in scope.
func DenseWith(scope *model.Scope, x *Node, cfg DenseConfig) *Node {
	const op = "Dense"
	if x == nil || x.Rank() < 1 {
		exceptions.Panicf("%s: x must have rank >= 1, got %v", op, shapeOf(x))
	}
	if cfg.Out < 1 {
		exceptions.Panicf("%s: Out must be >= 1, got %d", op, cfg.Out)
	}
	in := x.Shape().Dim(-1)
	wInit, bInit := cfg.Init.initializers(scope, in)
	g := x.Graph()
	w := scope.WithInitializer(wInit).VariableWithShape(WeightsName, shapes.Make(x.DType(), in, cfg.Out)).NodeValue(g)
	var b *Node
	if !cfg.NoBias {
		b = scope.WithInitializer(bInit).VariableWithShape(BiasesName, shapes.Make(x.DType(), cfg.Out)).NodeValue(g)
	}
	recordMACs(g, x.Shape().Size()/in*in*cfg.Out)
	return denseFn(x, w, b)
}

// denseFn is x [..., in] · w [in, out] + b [out] (b may be nil).
func denseFn(x, w, b *Node) *Node {
	y := DotGeneral(x, []int{x.Rank() - 1}, nil, w, []int{0}, nil)
	if b != nil {
		y = addBias(y, b)
	}
	return y
}

// addBias adds b [C] to the last axis of y [..., C].
func addBias(y, b *Node) *Node {
	c := y.Shape().Dim(-1)
	if b.Rank() != 1 || b.Shape().Dimensions[0] != c {
		exceptions.Panicf("addBias: bias %s does not match last axis of %s", b.Shape(), y.Shape())
	}
	dims := make([]int, y.Rank())
	for i := range dims {
		dims[i] = 1
	}
	dims[len(dims)-1] = c
	return Add(y, Reshape(b, dims...))
}

// ConvConfig configures [Conv2DLayer] and [ConvTranspose2DLayer].
type ConvConfig struct {
	Out           int     // output channels (> 0)
	Kernel        int     // square kernel size k (> 0), odd or even
	Stride        int     // stride; 0 means 1
	Padding       Padding // see Padding; for ConvTranspose2DLayer PyTorch's `padding`
	OutputPadding int     // ConvTranspose2DLayer only: PyTorch's output_padding
	NoBias        bool    // if true, no "biases" variable
	Init          Init    // initialisation, default InitPyTorch
}

func (c ConvConfig) stride() int {
	if c.Stride == 0 {
		return 1
	}
	return c.Stride
}

func (c ConvConfig) check(op string, x *Node) (cin int) {
	_, _, _, cin = checkImage(op, x)
	if c.Out < 1 {
		exceptions.Panicf("%s: Out must be >= 1, got %d", op, c.Out)
	}
	if c.Kernel < 1 {
		exceptions.Panicf("%s: Kernel must be >= 1, got %d", op, c.Kernel)
	}
	if c.Stride < 0 {
		exceptions.Panicf("%s: Stride must be >= 0 (0 means 1), got %d", op, c.Stride)
	}
	return cin
}

// Conv2DLayer is [Conv2D] with learnt weights and biases:
//
//	x:       [B, H, W, Cin]
//	weights: [k, k, Cin, Out]  (PyTorch Conv2d weight [Out, Cin, k, k] transposed by (2, 3, 1, 0))
//	biases:  [Out]
//	out:     [B, Ho, Wo, Out]
//
// Variables are "weights" and "biases" in scope (pass a sub-scope per
// layer, e.g. scope.In("enc1")).
func Conv2DLayer(scope *model.Scope, x *Node, cfg ConvConfig) *Node {
	const op = "Conv2DLayer"
	if cfg.OutputPadding != 0 {
		exceptions.Panicf("%s: OutputPadding is only for ConvTranspose2DLayer, got %d", op, cfg.OutputPadding)
	}
	cin := cfg.check(op, x)
	k := cfg.Kernel
	w, b := convVariables(scope, x, cfg, []int{k, k, cin, cfg.Out}, cin*k*k)
	y := Conv2D(x, w, cfg.stride(), cfg.Padding)
	if b != nil {
		y = addBias(y, b)
	}
	return y
}

// ConvTranspose2DLayer is [ConvTranspose2D] with learnt weights and biases
// (PyTorch ConvTranspose2d semantics):
//
//	x:       [B, H, W, Cin]
//	weights: [k, k, Cin, Out]  (PyTorch ConvTranspose2d weight [Cin, Out, k, k] transposed by (2, 3, 0, 1))
//	biases:  [Out]
//	out:     [B, (H-1)*stride - top - bottom + k + OutputPadding, ..., Out]
//
// Variables are "weights" and "biases" in scope.
func ConvTranspose2DLayer(scope *model.Scope, x *Node, cfg ConvConfig) *Node {
	const op = "ConvTranspose2DLayer"
	cin := cfg.check(op, x)
	k := cfg.Kernel
	w, b := convVariables(scope, x, cfg, []int{k, k, cin, cfg.Out}, cfg.Out*k*k)
	y := ConvTranspose2D(x, w, cfg.stride(), cfg.Padding, cfg.OutputPadding)
	if b != nil {
		y = addBias(y, b)
	}
	return y
}

func convVariables(scope *model.Scope, x *Node, cfg ConvConfig, wDims []int, fanIn int) (w, b *Node) {
	wInit, bInit := cfg.Init.initializers(scope, fanIn)
	g := x.Graph()
	w = scope.WithInitializer(wInit).VariableWithShape(WeightsName, shapes.Make(x.DType(), wDims...)).NodeValue(g)
	if !cfg.NoBias {
		b = scope.WithInitializer(bInit).VariableWithShape(BiasesName, shapes.Make(x.DType(), cfg.Out)).NodeValue(g)
	}
	return w, b
}

func shapeOf(x *Node) any {
	if x == nil {
		return "nil"
	}
	return x.Shape()
}
