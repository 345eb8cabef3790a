// The denoising autoencoder of Vincent et al. (2010, section 3): a clean
// input x is corrupted to x~ ~ q(x~ | x), encoded to h = s(W x~ + b) and
// decoded to z = s(W' h + b'), and the reconstruction z is scored against the
// CLEAN x. The three corruptions of the paper's section 4.1 are [Corruption]
// values applied in Go with a seeded PCG.

package sdae

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/train"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// NoiseKind names one of the paper's three corruption processes.
type NoiseKind int

const (
	// NoiseMasking forces a fraction nu of the components to 0 ("MN").
	NoiseMasking NoiseKind = iota
	// NoiseSaltPepper sets a fraction nu of the components to 0 or 1, each
	// with probability 1/2 ("SP").
	NoiseSaltPepper
	// NoiseGaussian adds isotropic Gaussian noise N(0, sigma^2 I) ("GS").
	NoiseGaussian
)

// String returns the paper's abbreviation: "MN", "SP" or "GS".
func (k NoiseKind) String() string {
	switch k {
	case NoiseMasking:
		return "MN"
	case NoiseSaltPepper:
		return "SP"
	case NoiseGaussian:
		return "GS"
	}
	return fmt.Sprintf("NoiseKind(%d)", int(k))
}

// Corruption is one corruption process q(x~ | x) of the paper: Kind and its
// Level, which is the fraction nu for masking and salt-and-pepper (in
// [0, 1]) and the standard deviation sigma for Gaussian noise (>= 0).
//
// For masking and salt-and-pepper exactly round(nu d) of the d components of
// each example are chosen uniformly at random without replacement (the
// paper's "a fixed number nu d of components"); the others are left as they
// are.
type Corruption struct {
	Kind  NoiseKind
	Level float64
	// Lo and Hi are the "pepper" and "salt" values of salt-and-pepper
	// noise, the minimum and maximum of the data (the paper's "minimum or
	// maximum possible value"); both 0 means 0 and 1, for data in [0, 1].
	// Unused by the other kinds. Omitted from JSON (and so from cache
	// keys) when 0.
	Lo float64 `json:",omitempty"`
	Hi float64 `json:",omitempty"`
}

// Masking returns masking noise with fraction nu.
func Masking(nu float64) Corruption { return Corruption{Kind: NoiseMasking, Level: nu} }

// SaltPepper returns salt-and-pepper noise with fraction nu and values 0
// and 1 (for data in [0, 1]).
func SaltPepper(nu float64) Corruption { return Corruption{Kind: NoiseSaltPepper, Level: nu} }

// SaltPepperRange returns salt-and-pepper noise with fraction nu that sets
// the chosen components to lo or hi (each with probability 1/2), for data
// in [lo, hi] such as whitened patches.
func SaltPepperRange(nu, lo, hi float64) Corruption {
	return Corruption{Kind: NoiseSaltPepper, Level: nu, Lo: lo, Hi: hi}
}

// Gaussian returns additive Gaussian noise with standard deviation sigma.
func Gaussian(sigma float64) Corruption { return Corruption{Kind: NoiseGaussian, Level: sigma} }

// String gives e.g. "MN(0.25)", or "SP(0.1,-3:3)" with a value range.
func (c Corruption) String() string {
	if c.Kind == NoiseSaltPepper && (c.Lo != 0 || c.Hi != 0) {
		return fmt.Sprintf("%s(%g,%g:%g)", c.Kind, c.Level, c.Lo, c.Hi)
	}
	return fmt.Sprintf("%s(%g)", c.Kind, c.Level)
}

// saltPepperValues returns the pepper and salt values (0 and 1 by default).
func (c Corruption) saltPepperValues() (lo, hi float32) {
	if c.Lo == 0 && c.Hi == 0 {
		return 0, 1
	}
	return float32(c.Lo), float32(c.Hi)
}

// Validate reports whether the corruption is usable.
func (c Corruption) Validate() error {
	switch c.Kind {
	case NoiseMasking, NoiseSaltPepper:
		if !(c.Level >= 0 && c.Level <= 1) {
			return fmt.Errorf("sdae: %s fraction nu must be in [0, 1], got %g", c.Kind, c.Level)
		}
		if c.Kind == NoiseSaltPepper && (c.Lo != 0 || c.Hi != 0) &&
			(!(c.Lo < c.Hi) || math.IsInf(c.Lo, 0) || math.IsInf(c.Hi, 0)) {
			return fmt.Errorf("sdae: salt-and-pepper values must be finite with Lo < Hi, got %g, %g", c.Lo, c.Hi)
		}
	case NoiseGaussian:
		if !(c.Level >= 0) || math.IsInf(c.Level, 0) {
			return fmt.Errorf("sdae: Gaussian sigma must be >= 0 and finite, got %g", c.Level)
		}
	default:
		return fmt.Errorf("sdae: unknown noise kind %d", int(c.Kind))
	}
	return nil
}

// Apply returns a corrupted copy x~ of x, n rows of d components ([n, d]
// float32, row-major), drawing from rng; x is not modified. The result is a
// deterministic function of (x, c, the rng's state).
func (c Corruption) Apply(x []float32, d int, rng *rand.Rand) ([]float32, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if d < 1 || len(x)%d != 0 {
		return nil, fmt.Errorf("sdae: Corruption.Apply: len(x)=%d is not a multiple of d=%d", len(x), d)
	}
	if rng == nil {
		return nil, errors.New("sdae: Corruption.Apply: nil rng")
	}
	out := make([]float32, len(x))
	copy(out, x)
	if c.Kind == NoiseGaussian {
		for i := range out {
			out[i] += float32(c.Level * rng.NormFloat64())
		}
		return out, nil
	}
	k := int(math.Round(c.Level * float64(d)))
	lo, hi := c.saltPepperValues()
	idx := make([]int, d)
	for row := 0; row < len(x)/d; row++ {
		for i := range idx {
			idx[i] = i
		}
		// Partial Fisher-Yates: idx[:k] is a uniform k-subset.
		for i := 0; i < k; i++ {
			j := i + rng.IntN(d-i)
			idx[i], idx[j] = idx[j], idx[i]
		}
		r := out[row*d : (row+1)*d]
		for _, i := range idx[:k] {
			switch {
			case c.Kind == NoiseMasking:
				r[i] = 0
			case rng.IntN(2) == 1:
				r[i] = hi
			default:
				r[i] = lo
			}
		}
	}
	return out, nil
}

// LossKind is the reconstruction loss L(x, z) of the paper (section 3.1),
// summed over the d components and averaged over the batch.
type LossKind int

const (
	// LossCrossEntropy is -sum_k [x_k log z_k + (1-x_k) log(1-z_k)], for x
	// in [0, 1] and a sigmoid decoder; computed from the decoder's
	// pre-activation a as sum_k softplus(a_k) - x_k a_k (stable).
	LossCrossEntropy LossKind = iota
	// LossSquared is ||x - z||^2, for real-valued x (and any decoder).
	LossSquared
)

// String is "cross-entropy" or "squared".
func (k LossKind) String() string {
	switch k {
	case LossCrossEntropy:
		return "cross-entropy"
	case LossSquared:
		return "squared"
	}
	return fmt.Sprintf("LossKind(%d)", int(k))
}

// DAEConfig holds every setting of one denoising autoencoder and its
// training (it is also the cache key, except the fields tagged json:"-").
type DAEConfig struct {
	// Name labels the run and is part of the cache key: name the data the
	// autoencoder is trained on, e.g. "mnist" or "mnist-sda3-layer2".
	Name string

	Hidden int        // d', the number of hidden units (> 0)
	Noise  Corruption // q(x~ | x)

	// Untied gives the decoder its own W' [d, d']; by default W' = W^T
	// (the paper's tied weights).
	Untied bool
	// LinearDecoder makes z = W' h + b' (for real-valued inputs, e.g.
	// whitened patches, with LossSquared); by default z = sigmoid(W' h + b').
	LinearDecoder bool
	// Loss is the reconstruction loss; LossCrossEntropy needs the sigmoid decoder.
	Loss LossKind

	// InitScale multiplies the bound of the initial weights (0 means 1:
	// +-4 sqrt(6/(d+d')), the sigmoid Glorot rule). Inputs of unit variance
	// over many components (whitened patches) saturate the sigmoids at
	// scale 1; a smaller scale starts them in the linear range. Omitted
	// from JSON (and cache keys) when 0.
	InitScale float64 `json:",omitempty"`

	// BiasInit is the initial value of every encoder bias b (0: zero). A
	// negative value starts the hidden units mostly off (sparse codes), in
	// the sigmoid's nonlinear range. Omitted from JSON (and cache keys)
	// when 0.
	BiasInit float64 `json:",omitempty"`

	Batch        int     // mini-batch size (> 0, <= number of examples)
	Steps        int     // training steps (> 0)
	LearningRate float64 // Adam's learning rate (0: kit/train's 1e-3); SGD's (> 0) with SGD
	WeightDecay  float64 // AdamW's decoupled weight decay (0: none; Adam only)
	// SGD trains with plain stochastic gradient descent at the constant
	// LearningRate (the paper's optimiser) instead of Adam. Adam scales
	// every weight's step to about LearningRate, so weights that get
	// almost no gradient (e.g. along the directions whitening shrinks)
	// random-walk; SGD leaves them where they started. Omitted from JSON
	// (and cache keys) when false.
	SGD bool `json:",omitempty"`
	// CosineDecay anneals Adam's learning rate from LearningRate (0: 1e-3)
	// to 0 along a half cosine over the Steps (kit/train.WithCosineDecay;
	// Adam only). Omitted from JSON (and cache keys) when false.
	CosineDecay bool `json:",omitempty"`
	// L2 > 0 adds the paper's weight decay penalty L2 * sum W^2 (encoder
	// weights; with tied weights also the decoder's) to the loss, with any
	// optimiser. Omitted from JSON (and cache keys) when 0.
	L2   float64 `json:",omitempty"`
	Seed uint64  // seeds initial weights, shuffling and corruption

	// EvalEvery > 0 records the clean-input reconstruction loss of the first
	// min(N, 1000) training examples every EvalEvery steps in Result.Evals.
	EvalEvery int

	// Cache loads the trained model from kit/train's checkpoint cache when
	// present (and stores it there after training).
	Cache bool `json:"-"`
	// Progress, if set, receives kit/train's progress reports.
	Progress func(train.Progress) `json:"-"`
}

// Validate reports whether the settings are usable.
func (cfg DAEConfig) Validate() error {
	if err := cfg.Noise.Validate(); err != nil {
		return err
	}
	switch {
	case cfg.Hidden < 1:
		return fmt.Errorf("sdae: DAEConfig.Hidden must be >= 1, got %d", cfg.Hidden)
	case cfg.Loss != LossCrossEntropy && cfg.Loss != LossSquared:
		return fmt.Errorf("sdae: unknown loss %d", int(cfg.Loss))
	case cfg.Loss == LossCrossEntropy && cfg.LinearDecoder:
		return errors.New("sdae: the cross-entropy loss needs the sigmoid decoder (LinearDecoder is set)")
	case cfg.Batch < 1:
		return fmt.Errorf("sdae: DAEConfig.Batch must be >= 1, got %d", cfg.Batch)
	case cfg.Steps < 1:
		return fmt.Errorf("sdae: DAEConfig.Steps must be >= 1, got %d", cfg.Steps)
	case !(cfg.LearningRate >= 0):
		return fmt.Errorf("sdae: DAEConfig.LearningRate must be >= 0, got %g", cfg.LearningRate)
	case !(cfg.InitScale >= 0) || math.IsInf(cfg.InitScale, 0):
		return fmt.Errorf("sdae: DAEConfig.InitScale must be >= 0 and finite, got %g", cfg.InitScale)
	case math.IsNaN(cfg.BiasInit) || math.IsInf(cfg.BiasInit, 0):
		return fmt.Errorf("sdae: DAEConfig.BiasInit must be finite, got %g", cfg.BiasInit)
	case !(cfg.WeightDecay >= 0):
		return fmt.Errorf("sdae: DAEConfig.WeightDecay must be >= 0, got %g", cfg.WeightDecay)
	case !(cfg.L2 >= 0) || math.IsInf(cfg.L2, 0):
		return fmt.Errorf("sdae: DAEConfig.L2 must be >= 0 and finite, got %g", cfg.L2)
	case cfg.SGD && !(cfg.LearningRate > 0):
		return fmt.Errorf("sdae: SGD needs LearningRate > 0, got %g", cfg.LearningRate)
	case cfg.SGD && cfg.CosineDecay:
		return errors.New("sdae: CosineDecay anneals Adam's rate; not with SGD")
	case cfg.SGD && cfg.WeightDecay > 0:
		return errors.New("sdae: WeightDecay is AdamW's; with SGD use L2")
	case cfg.EvalEvery < 0:
		return fmt.Errorf("sdae: DAEConfig.EvalEvery must be >= 0, got %d", cfg.EvalEvery)
	}
	return nil
}

// Variable names of a DAE layer in its scope.
const (
	// VarW is the encoder weight W [d', d]: row j is hidden unit j's filter.
	VarW = "W"
	// VarB is the encoder bias b [d'].
	VarB = "b"
	// VarWPrime is the untied decoder weight W' [d, d'].
	VarWPrime = "W_prime"
	// VarBPrime is the decoder bias b' [d].
	VarBPrime = "b_prime"
)

// sigmoidUniform initialises a [fanOut, fanIn] (or [fanIn, fanOut]) weight
// uniformly in +-scale 4 sqrt(6 / (fanIn + fanOut)) (scale 0 means 1), the sigmoid variant of
// Glorot and Bengio's rule used by the SdA tutorial of the paper's group;
// it draws from the store's RNG.
func sigmoidUniform(scope *model.Scope, fanIn, fanOut int, scale float64) model.VariableInitializer {
	if scale == 0 {
		scale = 1
	}
	bound := scale * 4 * math.Sqrt(6/float64(fanIn+fanOut))
	return func(g *Graph, shape shapes.Shape) *Node {
		u := scope.RandomUniform(g, shape) // [0, 1)
		return AddScalar(MulScalar(u, 2*bound), -bound)
	}
}

func zerosInit(g *Graph, shape shapes.Shape) *Node { return Zeros(g, shape) }

// encoderVars returns W [hidden, d] and b [hidden] of scope (created on
// first use, W scaled by initScale as in sigmoidUniform, b at biasInit).
func encoderVars(scope *model.Scope, x *Node, hidden int, initScale, biasInit float64) (w, b *Node) {
	g, dt, d := x.Graph(), x.DType(), x.Shape().Dim(1)
	w = scope.WithInitializer(sigmoidUniform(scope, d, hidden, initScale)).
		VariableWithShape(VarW, shapes.Make(dt, hidden, d)).NodeValue(g)
	bInit := model.VariableInitializer(zerosInit)
	if biasInit != 0 {
		bInit = func(g *Graph, shape shapes.Shape) *Node { return AddScalar(Zeros(g, shape), biasInit) }
	}
	b = scope.WithInitializer(bInit).VariableWithShape(VarB, shapes.Make(dt, hidden)).NodeValue(g)
	return w, b
}

// EncoderLayer is h = sigmoid(x W^T + b): x [B, d] -> h [B, d'], with W
// [d', d] and b [d'] the variables VarW, VarB of scope. It is the encoder of
// [DAELayer] and a layer of the stacked network.
func EncoderLayer(scope *model.Scope, x *Node, hidden int) *Node {
	if x.Rank() != 2 {
		panic(fmt.Sprintf("sdae.EncoderLayer: x must be [B, d], got %s", x.Shape()))
	}
	if hidden < 1 {
		panic(fmt.Sprintf("sdae.EncoderLayer: hidden must be >= 1, got %d", hidden))
	}
	w, b := encoderVars(scope, x, hidden, 1, 0)
	return encode(x, w, b)
}

// encode is sigmoid(x W^T + b): x [B, d], w [d', d], b [d'] -> [B, d'].
func encode(x, w, b *Node) *Node {
	return Sigmoid(Add(DotGeneral(x, []int{1}, nil, w, []int{1}, nil), ExpandAxes(b, 0)))
}

// decodePre is the decoder's pre-activation a = h W' ^T + b' with W' = W^T
// when wPrime is nil: h [B, d'], w [d', d], wPrime [d, d'], bPrime [d] ->
// [B, d]. With tied weights W enters the graph twice (encoder and
// decoder), and its gradient is the sum of both paths.
func decodePre(h, w, wPrime, bPrime *Node) *Node {
	var a *Node
	if wPrime == nil {
		a = DotGeneral(h, []int{1}, nil, w, []int{0}, nil)
	} else {
		a = DotGeneral(h, []int{1}, nil, wPrime, []int{1}, nil)
	}
	return Add(a, ExpandAxes(bPrime, 0))
}

// daeForward is the whole autoencoder on given weights: x~ [B, d] -> h [B,
// d'], the decoder pre-activation a [B, d] and the reconstruction z [B, d].
func daeForward(xt, w, b, wPrime, bPrime *Node, linear bool) (h, a, z *Node) {
	h = encode(xt, w, b)
	a = decodePre(h, w, wPrime, bPrime)
	z = a
	if !linear {
		z = Sigmoid(a)
	}
	return h, a, z
}

// DAELayer builds the denoising autoencoder on an (already corrupted) input
// x~ [B, d]: the code h = sigmoid(W x~ + b) [B, d'] and the reconstruction z
// = s(W' h + b') [B, d] (s = sigmoid, or the identity with
// cfg.LinearDecoder; W' = W^T unless cfg.Untied). Variables in scope: VarW
// [d', d], VarB [d'], VarBPrime [d] and, untied, VarWPrime [d, d']; W is
// initialised uniformly in +-4 sqrt(6/(d+d')) (times cfg.InitScale), the biases at 0, from the
// store's RNG. Panics (GoMLX style) on bad shapes.
func DAELayer(scope *model.Scope, x *Node, cfg DAEConfig) (h, z *Node) {
	h, _, z = daeLayer(scope, x, cfg)
	return h, z
}

func daeLayer(scope *model.Scope, x *Node, cfg DAEConfig) (h, a, z *Node) {
	if x.Rank() != 2 {
		panic(fmt.Sprintf("sdae.DAELayer: x must be [B, d], got %s", x.Shape()))
	}
	if cfg.Hidden < 1 {
		panic(fmt.Sprintf("sdae.DAELayer: Hidden must be >= 1, got %d", cfg.Hidden))
	}
	g, d := x.Graph(), x.Shape().Dim(1)
	w, b := encoderVars(scope, x, cfg.Hidden, cfg.InitScale, cfg.BiasInit)
	bPrime := scope.WithInitializer(zerosInit).VariableWithShape(VarBPrime, shapes.Make(x.DType(), d)).NodeValue(g)
	var wPrime *Node
	if cfg.Untied {
		wPrime = scope.WithInitializer(sigmoidUniform(scope, cfg.Hidden, d, cfg.InitScale)).
			VariableWithShape(VarWPrime, shapes.Make(x.DType(), d, cfg.Hidden)).NodeValue(g)
	}
	return daeForward(x, w, b, wPrime, bPrime, cfg.LinearDecoder)
}

// ReconstructionLoss is the paper's loss of a batch, summed over the d
// components and averaged over the B examples: x [B, d] the clean input, a
// [B, d] the decoder's pre-activation and z [B, d] the reconstruction
// (LossCrossEntropy uses a, LossSquared uses z). Returns a scalar.
func ReconstructionLoss(kind LossKind, x, a, z *Node) *Node {
	var perExample *Node
	switch kind {
	case LossCrossEntropy:
		// -x log s(a) - (1-x) log(1 - s(a)) = softplus(a) - x a.
		perExample = ReduceSum(Sub(Softplus(a), Mul(x, a)), 1)
	case LossSquared:
		perExample = ReduceSum(Square(Sub(x, z)), 1)
	default:
		panic(fmt.Sprintf("sdae.ReconstructionLoss: unknown loss %d", int(kind)))
	}
	return ReduceAllMean(perExample)
}

// daeScope is the scope of a single DAE's variables in its store.
const daeScope = "dae"

// model returns the training model: inputs [x~ [B, d]] -> [z, a] (the
// reconstruction and the decoder pre-activation, both [B, d]) and, with
// cfg.L2 > 0, the scalar penalty L2 * sum W^2.
func (cfg DAEConfig) model() train.ModelFn {
	return func(scope *model.Scope, in []*Node) []*Node {
		s := scope.In(daeScope)
		_, a, z := daeLayer(s, in[0], cfg)
		out := []*Node{z, a}
		if cfg.L2 > 0 {
			w := s.GetVariable(VarW).NodeValue(in[0].Graph())
			out = append(out, MulScalar(ReduceAllSum(Square(w)), cfg.L2))
		}
		return out
	}
}

// lossFn is the training loss: labels [x [B, d]], predictions [z, a] and
// the optional penalty.
func (cfg DAEConfig) lossFn() train.LossFn {
	return func(labels, predictions []*Node) *Node {
		l := ReconstructionLoss(cfg.Loss, labels[0], predictions[1], predictions[0])
		if len(predictions) > 2 {
			l = Add(l, predictions[2])
		}
		return l
	}
}

// streamCorrupt and streamShuffle separate the PCG streams of the run.
const (
	streamCorrupt = 0x636f7272 // "corr"
	streamShuffle = 0x73687566 // "shuf"
)

// daeBatches yields (x~, x) batches of cfg.Batch rows of x [n, d]: epoch e
// visits the rows in the order data.Permutation(n, Seed^streamShuffle, e)
// (a last partial batch is dropped), and the corruption of step s draws
// from PCG(Seed, streamCorrupt ^ s). So batches depend only on (cfg, x,
// step): the same config gives the same run.
func daeBatches(cfg DAEConfig, x []float32, d int) train.BatchFn {
	n := len(x) / d
	spe := n / cfg.Batch
	epoch := -1
	var perm []int
	return func(step int) ([]*tensors.Tensor, []*tensors.Tensor, error) {
		if e := step / spe; e != epoch {
			epoch, perm = e, data.Permutation(n, cfg.Seed^streamShuffle, e)
		}
		clean := make([]float32, cfg.Batch*d)
		for k, i := range perm[(step%spe)*cfg.Batch : (step%spe+1)*cfg.Batch] {
			copy(clean[k*d:(k+1)*d], x[i*d:(i+1)*d])
		}
		rng := rand.New(rand.NewPCG(cfg.Seed, streamCorrupt^uint64(step)))
		noisy, err := cfg.Noise.Apply(clean, d, rng)
		if err != nil {
			return nil, nil, err
		}
		return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(noisy, cfg.Batch, d)},
			[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(clean, cfg.Batch, d)}, nil
	}
}

// daeCodeVersion is part of the cache key: bump it when the model or the
// batches change.
const daeCodeVersion = "sdae-dae-v1"

// DAEResult is a trained denoising autoencoder.
type DAEResult struct {
	Config DAEConfig
	D      int // input dimension d
	// Train is kit/train's record: Store (the variables, under scope
	// "dae"), the per-step training loss (on corrupted inputs), the
	// clean-input reconstruction losses in Evals when EvalEvery > 0,
	// timings, and whether it was loaded from the cache.
	Train *train.Result
}

// Store returns the trained variables.
func (r *DAEResult) Store() *model.Store { return r.Train.Store }

// TrainDAE trains a denoising autoencoder on the rows of x ([n, d] float32,
// row-major; in [0, 1] for the cross-entropy loss) with kit/train (Adam):
// each step corrupts a fresh mini-batch with cfg.Noise and minimises the
// reconstruction loss against the clean rows. Deterministic for a given
// (cfg, x) on one backend. With cfg.Cache it is loaded from (or saved to)
// kit/train's checkpoint cache under a key of cfg and d (not of x: name
// the data in cfg.Name).
func TrainDAE(cfg DAEConfig, x []float32, d int) (*DAEResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d < 1 || len(x) == 0 || len(x)%d != 0 {
		return nil, fmt.Errorf("sdae: TrainDAE: len(x)=%d is not a positive multiple of d=%d", len(x), d)
	}
	n := len(x) / d
	if n < cfg.Batch {
		return nil, fmt.Errorf("sdae: TrainDAE: %d examples < Batch %d", n, cfg.Batch)
	}
	if cfg.Loss == LossCrossEntropy {
		for i, v := range x {
			if !(v >= 0 && v <= 1) {
				return nil, fmt.Errorf("sdae: TrainDAE: the cross-entropy loss needs x in [0, 1], x[%d] = %g", i, v)
			}
		}
	}
	res := &DAEResult{Config: cfg, D: d}
	tc := train.Config{
		Name:  fmt.Sprintf("sdae/dae-%s-%d-%s", cfg.Name, cfg.Hidden, cfg.Noise),
		Model: cfg.model(), Loss: cfg.lossFn(), Batches: daeBatches(cfg, x, d),
		Steps: cfg.Steps, Seed: int64(cfg.Seed), LearningRate: cfg.LearningRate, WeightDecay: cfg.WeightDecay,
		Progress: cfg.Progress,
	}
	if cfg.CosineDecay {
		tc.Model = train.WithCosineDecay(tc.Model, cfg.LearningRate, cfg.Steps)
	}
	if cfg.SGD {
		tc.Optimizer = optimizer.StochasticGradientDescent().WithDecay(false).WithLearningRate(cfg.LearningRate).Done()
	}
	if cfg.EvalEvery > 0 {
		sub := x[:min(n, 1000)*d]
		tc.EvalEvery = cfg.EvalEvery
		tc.Eval = func(_ int, store *model.Store) (float64, error) {
			return (&DAEResult{Config: cfg, D: d, Train: &train.Result{Store: store}}).ReconstructionError(sub)
		}
	}
	var err error
	if cfg.Cache {
		key, kerr := train.CacheKey("sdae/dae", daeCodeVersion, struct {
			Cfg DAEConfig
			D   int
		}{cfg, d})
		if kerr != nil {
			return nil, kerr
		}
		res.Train, err = train.RunCached("", key, tc)
	} else {
		res.Train, err = train.Run(tc)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// checkRows checks that x holds whole rows of r.D components.
func (r *DAEResult) checkRows(x []float32) (int, error) {
	if r == nil || r.Train == nil || r.Train.Store == nil {
		return 0, errors.New("sdae: DAEResult has no trained store")
	}
	if len(x) == 0 || len(x)%r.D != 0 {
		return 0, fmt.Errorf("sdae: len(x)=%d is not a positive multiple of d=%d", len(x), r.D)
	}
	return len(x) / r.D, nil
}

// predictBatch is the batch size of inference.
const predictBatch = 500

// Encode returns the codes h = sigmoid(W x + b) of the rows of x ([n, d]
// float32): [n, d'] float32. x is used as given (no corruption).
func (r *DAEResult) Encode(x []float32) ([]float32, error) {
	n, err := r.checkRows(x)
	if err != nil {
		return nil, err
	}
	hidden := r.Config.Hidden
	fn := func(scope *model.Scope, in []*Node) []*Node {
		return []*Node{EncoderLayer(scope.In(daeScope), in[0], hidden)}
	}
	h, _, err := train.Predict(nil, r.Train.Store, fn, x, []int{n, r.D}, predictBatch)
	return h, err
}

// Reconstruct returns the reconstructions z of the rows of x ([n, d]
// float32, used as given: pass corrupted rows to see the denoising): [n, d].
func (r *DAEResult) Reconstruct(x []float32) ([]float32, error) {
	n, err := r.checkRows(x)
	if err != nil {
		return nil, err
	}
	m := r.Config.model()
	fn := func(scope *model.Scope, in []*Node) []*Node { return m(scope, in)[:1] }
	z, _, err := train.Predict(nil, r.Train.Store, fn, x, []int{n, r.D}, predictBatch)
	return z, err
}

// ReconstructionError is the mean over the rows of x ([n, d], clean) of the
// configured loss between x and its reconstruction from the clean x itself
// (no corruption), computed in float64.
func (r *DAEResult) ReconstructionError(x []float32) (float64, error) {
	z, err := r.Reconstruct(x)
	if err != nil {
		return 0, err
	}
	n := len(x) / r.D
	s := 0.0
	for i, v := range x {
		xv, zv := float64(v), float64(z[i])
		if r.Config.Loss == LossSquared {
			s += (xv - zv) * (xv - zv)
			continue
		}
		zv = min(max(zv, 1e-7), 1-1e-7)
		s -= xv*math.Log(zv) + (1-xv)*math.Log(1-zv)
	}
	return s / float64(n), nil
}

// Weights returns the encoder weight W [d', d] (row j is the filter of
// hidden unit j) and bias b [d'] as float32.
func (r *DAEResult) Weights() (w, b []float32, err error) {
	if r == nil || r.Train == nil || r.Train.Store == nil {
		return nil, nil, errors.New("sdae: DAEResult has no trained store")
	}
	return readEncoder(r.Train.Store, "/"+daeScope)
}

// readEncoder reads the VarW and VarB variables of the scope path (e.g.
// "/dae") of store as float32.
func readEncoder(store *model.Store, scopePath string) (w, b []float32, err error) {
	read := func(name string) ([]float32, error) {
		v := store.GetVariable(scopePath + "/" + name)
		if v == nil {
			return nil, fmt.Errorf("sdae: no variable %s/%s in the store", scopePath, name)
		}
		t, err := v.Value()
		if err != nil {
			return nil, err
		}
		return tensors.CopyFlatData[float32](t)
	}
	if w, err = read(VarW); err != nil {
		return nil, nil, err
	}
	if b, err = read(VarB); err != nil {
		return nil, nil, err
	}
	return w, b, nil
}
