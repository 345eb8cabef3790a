package render

// The Monte Carlo experiment of Noise2Noise at a CPU budget: the paper's
// U-Net (narrowed, [ExperimentConfig.Width]) denoises low-sample renders of
// the Cornell box, trained three ways with the same budget, inputs and
// crops:
//
//	L2,    noisy targets   mean (f(x^) - y^)^2          on linear radiance
//	L_HDR, noisy targets   mean (f(x^) - y^)^2 / (f(x^) + 0.01)^2
//	L_HDR, clean targets   the same with y (RefSPP) in place of y^
//
// The network's input is the tone-mapped render T(x^) ([ToneMap]); its
// output f and the targets stay linear (HDR), as in the paper: tone-mapping
// the target would change what the network converges to, E[T(y^)] instead
// of T(E[y^]) (see [ToneMapBias]). Denoisers are scored on the test views
// against their TestRefSPP references, by PSNR of the tone-mapped images
// (T of the output clamped at 0 against T of the reference, kit/img's
// default protocol) and by relative MSE on linear values ([RelMSE]).

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/dlc-go/denoising/kit/img"
	"github.com/dlc-go/denoising/kit/train"
	"github.com/dlc-go/denoising/n2n"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// ExperimentCodeVersion is part of the cache key of every trained
// denoiser; bump it when the model, the losses or the batches change.
const ExperimentCodeVersion = "render-unet-v2"

// Loss is the training loss of a rendering denoiser.
type Loss string

const (
	// LossL2 is the mean squared error on linear radiance.
	LossL2 Loss = "L2"
	// LossHDR is the paper's relative loss (f - y)^2 / (f + 0.01)^2, the
	// denominator held constant in the gradient ([LHDRNode]).
	LossHDR Loss = "L_HDR"
)

// Method is one way of training the denoiser: a loss and a kind of target.
type Method struct {
	Loss Loss
	// Clean trains on the RefSPP renders y instead of the independent
	// SPP-sample renders y^ (Noise2Clean instead of Noise2Noise).
	Clean bool
}

// String reads e.g. "L_HDR, noisy targets".
func (m Method) String() string {
	if m.Clean {
		return string(m.Loss) + ", clean targets"
	}
	return string(m.Loss) + ", noisy targets"
}

// Methods are the three runs of the experiment, in table order: L2 and
// L_HDR with noisy targets, L_HDR with clean targets.
var Methods = []Method{{Loss: LossL2}, {Loss: LossHDR}, {Loss: LossHDR, Clean: true}}

// ExperimentConfig holds the data and the training budget.
type ExperimentConfig struct {
	Data DatasetConfig
	// Crop is the side of the training crops (a multiple of 32, <= Side);
	// Batch crops per step, Steps steps of Adam.
	Crop, Batch, Steps int
	// Width is the U-Net's width multiplier (n2n.UNetConfig.Width).
	Width float64
	// LR is Adam's learning rate; with RampDown it decays to 0 along a half
	// cosine over the run.
	LR       float64
	RampDown bool
	// EvalEvery is the number of steps between evaluations of the test
	// PSNR during training (0: only at the end).
	EvalEvery int
	// Seed fixes the crops, the flips and the initial weights.
	Seed int64
}

// Budget constants of [DefaultExperimentConfig] (QUICK, FULL).
const (
	QuickSide, FullSide             = 32, 64
	QuickTrainViews, FullTrainViews = 4, 24
	QuickTestViews, FullTestViews   = 2, 8
	QuickRefSPP, FullRefSPP         = 32, 128
	QuickTestRefSPP, FullTestRefSPP = 64, 256
	QuickSteps, FullSteps           = 4, 1000
	QuickBatch, FullBatch           = 4, 8
	// LowSPP is the samples per pixel of inputs and noisy targets.
	LowSPP = 8
)

// DefaultExperimentConfig is the notebook's experiment, sized by the
// budget (kit/train's $DENOISING_BUDGET):
//
//	                     QUICK               FULL
//	views                4 + 2 of 32x32      24 + 8 of 64x64
//	clean / test refs    32 / 64 spp         128 / 256 spp
//	training             4 steps, batch 4    1000 steps, batch 8
//
// Both: inputs and noisy targets 8 spp, 32x32 crops with random
// horizontal flips, U-Net width 0.25 (12/24/16/8 channels), Adam 1e-3 with
// a cosine ramp-down, seed 1.
//
// Cost measured on the shared 2-core machine (pure-Go backend,
// GOEXPERIMENT=simd): the renderer traced 210k paths/s, so the FULL data
// set (27.9M paths) took 133 s (cached on disk afterwards); a training
// step (batch 8 of 32x32) took 0.07-0.09 s with kit/layer's fast
// convolutions (0.35 s before them), 76-93 s per model of 1000 steps.
// The FULL pilot (1000 steps) scored, in tone-mapped PSNR on the 8 test
// views: input 25.14 dB, L2 24.34, L_HDR 28.90, L_HDR clean targets 29.29.
func DefaultExperimentConfig() ExperimentConfig {
	return ExperimentConfig{
		Data: DatasetConfig{
			Side:       train.Pick(QuickSide, FullSide),
			TrainViews: train.Pick(QuickTrainViews, FullTrainViews),
			TestViews:  train.Pick(QuickTestViews, FullTestViews),
			SPP:        LowSPP,
			RefSPP:     train.Pick(QuickRefSPP, FullRefSPP),
			TestRefSPP: train.Pick(QuickTestRefSPP, FullTestRefSPP),
			Seed:       1,
		},
		Crop:      32,
		Batch:     train.Pick(QuickBatch, FullBatch),
		Steps:     train.Pick(QuickSteps, FullSteps),
		Width:     0.25,
		LR:        1e-3,
		RampDown:  true,
		EvalEvery: train.Pick(2, 50),
		Seed:      1,
	}
}

// Validate reports whether the configuration is usable.
func (c ExperimentConfig) Validate() error {
	if err := c.Data.Validate(); err != nil {
		return err
	}
	if err := c.UNet().Validate(); err != nil {
		return err
	}
	switch {
	case c.Crop <= 0 || c.Crop%n2n.UNetMultiple != 0 || c.Crop > c.Data.Side:
		return fmt.Errorf("render: ExperimentConfig.Crop must be a positive multiple of %d and <= Side %d, got %d",
			n2n.UNetMultiple, c.Data.Side, c.Crop)
	case c.Batch < 1 || c.Steps < 1:
		return fmt.Errorf("render: ExperimentConfig.Batch (%d) and Steps (%d) must be >= 1", c.Batch, c.Steps)
	case c.EvalEvery < 0:
		return fmt.Errorf("render: ExperimentConfig.EvalEvery must be >= 0, got %d", c.EvalEvery)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("render: ExperimentConfig.LR must be finite and > 0, got %g", c.LR)
	}
	return nil
}

// UNet is the network: 3 channels (tone-mapped RGB) in, 3 (linear RGB) out.
func (c ExperimentConfig) UNet() n2n.UNetConfig { return n2n.UNetConfig{In: 3, Out: 3, Width: c.Width} }

// String summarises the training settings in one line.
func (c ExperimentConfig) String() string {
	e, d, a, b := c.UNet().Channels()
	s := fmt.Sprintf("%d steps of %d crops %dx%d (random flips); U-Net width %g (%d/%d/%d/%d channels, %d parameters); Adam lr %g",
		c.Steps, c.Batch, c.Crop, c.Crop, c.Width, e, d, a, b, c.UNet().Params(), c.LR)
	if c.RampDown {
		s += " with cosine ramp-down"
	}
	return s + fmt.Sprintf("; seed %d", c.Seed)
}

// Experiment is a data set with the training settings.
type Experiment struct {
	Config ExperimentConfig
	Data   *Dataset
}

// NewExperiment checks cfg against the data set d (rendered with cfg.Data).
func NewExperiment(cfg ExperimentConfig, d *Dataset) (*Experiment, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d == nil || d.Config != cfg.Data {
		return nil, fmt.Errorf("render: NewExperiment: the data set was not rendered with the settings %+v", cfg.Data)
	}
	return &Experiment{Config: cfg, Data: d}, nil
}

// LoadExperiment renders (or loads from the disk cache) the data set of
// cfg and returns the experiment; progress is passed to
// [LoadOrRenderDataset].
func LoadExperiment(cfg ExperimentConfig, progress func(done, total int)) (*Experiment, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d, err := LoadOrRenderDataset(cfg.Data, progress)
	if err != nil {
		return nil, err
	}
	return NewExperiment(cfg, d)
}

// Pair is one training batch: Input = T(x^) tone-mapped, Target = y^ or y
// linear, both [Batch, Crop, Crop, 3] float32.
type Pair struct {
	Input, Target []float32
	Shape         img.Shape
}

const streamTrain = 3 << 40 // + step

// Batch is the training batch of a step (0-based) for a method: Batch crops
// of side Crop at uniform positions of uniformly chosen training views,
// each flipped left-right with probability 1/2, drawn from a generator
// seeded with (Seed, step), so every method sees the same crops and inputs;
// methods differ only in the target.
func (e *Experiment) Batch(m Method, step int) (Pair, error) {
	if m.Loss != LossL2 && m.Loss != LossHDR {
		return Pair{}, fmt.Errorf("render: unknown loss %q", m.Loss)
	}
	if step < 0 {
		return Pair{}, fmt.Errorf("render: Batch: step must be >= 0, got %d", step)
	}
	c := e.Config
	side, s := c.Data.Side, c.Crop
	targets := e.Data.TrainTarget
	if m.Clean {
		targets = e.Data.TrainRef
	}
	shape := img.Shape{N: c.Batch, H: s, W: s, C: 3}
	p := Pair{Input: make([]float32, shape.Size()), Target: make([]float32, shape.Size()), Shape: shape}
	rng := rand.New(rand.NewPCG(uint64(c.Seed), streamTrain+uint64(step)))
	for k := range c.Batch {
		v := rng.IntN(c.Data.TrainViews)
		y0, x0 := rng.IntN(side-s+1), rng.IntN(side-s+1)
		flip := rng.IntN(2) == 1
		for dy := range s {
			for dx := range s {
				sx := x0 + dx
				if flip {
					sx = x0 + s - 1 - dx
				}
				src := ((v*side+y0+dy)*side + sx) * 3
				dst := ((k*s+dy)*s + dx) * 3
				for ch := range 3 {
					p.Input[dst+ch] = ToneMapValue(e.Data.TrainInput[src+ch])
					p.Target[dst+ch] = targets[src+ch]
				}
			}
		}
	}
	return p, nil
}

// DenoiserModel is the network as a kit/train model function: the U-Net
// applied to the tone-mapped input centred on 0, its output g read as a
// correction of the noisy input in log space:
//
//	f = exp(log(x^ + 0.01) + g),  g = UNet(T(x^) - 0.5)
//	in[0]: [B, H, W, 3] float32, T(x^) in [0, 1], H and W multiples of 32
//	out:   [B, H, W, 3] float32, linear radiance f > 0
//
// (x^ is recovered from T(x^) in the graph; the exponent is clipped to
// [LogRadianceMin, LogRadianceMax].) Both the exponential and the skip from
// the input are deviations from the paper, whose last layer is linear,
// made for the budget: radiance spans four orders of magnitude (shadows
// ~0.01, the light ~40-110) and a relative loss asks for the same relative
// precision everywhere. With a linear output, 500 steps left the dark
// regions far off (12.4 dB); with exp(g) alone, 24.9 dB, still below the
// 8-spp input (25.1 dB); with the skip, 28.6 dB at step 500 of a
// 1000-step run (28.9 dB at its end). They change the parameterisation,
// not the minimiser: the loss is computed on f.
//
// With rampDownSteps > 0 it also sets Adam's learning rate along a half
// cosine from lr to 0 over that many steps.
func DenoiserModel(cfg n2n.UNetConfig, lr float64, rampDownSteps int) train.ModelFn {
	return train.WithCosineDecay(func(scope *model.Scope, in []*Node) []*Node {
		x := in[0]
		g := Add(logInput(x), n2n.UNet(scope, AddScalar(x, -0.5), cfg))
		return []*Node{Exp(ClipScalar(g, LogRadianceMin, LogRadianceMax))}
	}, lr, rampDownSteps)
}

// logInput inverts the tone map of t = T(x^) in the graph and returns
// log(x^ + HDREpsilon): x^ = u/(1 - u) with u = t^2.2 (kept below 1 - 1e-6).
func logInput(t *Node) *Node {
	u := MinScalar(Pow(MaxScalar(t, 0), Scalar(t.Graph(), t.DType(), Gamma)), 1-1e-6)
	v := Div(u, OneMinus(u))
	return Log(AddScalar(v, HDREpsilon))
}

// The exponent of the network's output is clipped to [LogRadianceMin,
// LogRadianceMax] (radiance 3e-7 .. 3000; the brightest light of the
// scenes is ~110).
const (
	LogRadianceMin = -15
	LogRadianceMax = 8
)

// LHDRNode is L_HDR in a graph: mean over all values of
// (pred - target)^2 / (sg(max(pred, 0)) + 0.01)^2, where sg stops the
// gradient, so the gradient is 2 (pred - target) / (max(pred, 0) + 0.01)^2
// and its expectation over a noisy target vanishes at pred = E[target]:
// the loss stays unbiased for Noise2Noise. pred, target: same shape, float.
func LHDRNode(target, pred *Node) *Node {
	den := AddScalar(StopGradient(MaxScalar(pred, 0)), HDREpsilon)
	return ReduceAllMean(Square(Div(Sub(pred, target), den)))
}

// lossFn returns the kit/train loss of l.
func lossFn(l Loss) train.LossFn {
	if l == LossHDR {
		return func(labels, preds []*Node) *Node { return LHDRNode(labels[0], preds[0]) }
	}
	return func(labels, preds []*Node) *Node { return ReduceAllMean(Square(Sub(preds[0], labels[0]))) }
}

// Denoiser is a trained (or cache-loaded) rendering denoiser with its
// scores on the test views.
type Denoiser struct {
	Method Method
	Config ExperimentConfig
	// Train holds the run: losses, the test PSNR every EvalEvery steps
	// (Train.Evals, dB), timings, whether it came from the cache.
	Train *train.Result
	// PSNR is the mean tone-mapped PSNR (dB) of the denoised test views
	// against their references; RelMSE the mean relative MSE on linear
	// values ([Score]).
	PSNR, RelMSE float64
}

func (m *Denoiser) model() train.ModelFn {
	ramp := 0
	if m.Config.RampDown {
		ramp = m.Config.Steps
	}
	return DenoiserModel(m.Config.UNet(), m.Config.LR, ramp)
}

// Denoise runs the network on noisy linear renders hdr: [N, H, W, 3] (H, W
// multiples of 32; tone-mapped here) and returns its linear output
// [N, H, W, 3], clamped at 0.
func (m *Denoiser) Denoise(hdr []float32, s img.Shape) ([]float32, error) {
	if err := s.Check(len(hdr)); err != nil {
		return nil, err
	}
	if s.C != 3 {
		return nil, fmt.Errorf("render: Denoise: want RGB images, got shape %s", s)
	}
	if err := n2n.CheckUNetSide(s.H, s.W); err != nil {
		return nil, err
	}
	out, _, err := train.Predict(nil, m.Train.Store, m.model(), ToneMap(hdr), []int{s.N, s.H, s.W, 3}, min(s.N, 8))
	if err != nil {
		return nil, err
	}
	clampNonNegative(out)
	return out, nil
}

func clampNonNegative(x []float32) {
	for i, v := range x {
		if !(v > 0) {
			x[i] = 0
		}
	}
}

// Score compares linear images pred and ref: [N, H, W, 3] (s): the mean
// over images of the PSNR (dB) of T(pred) against T(ref) ([ToneMap];
// kit/img's default protocol, so the tone-mapped space [0, 1] has peak 1),
// and the mean relative MSE on linear values ([RelMSE]).
func Score(pred, ref []float32, s img.Shape) (psnr, relMSE float64, err error) {
	if err := s.Check(len(pred)); err != nil {
		return 0, 0, err
	}
	if psnr, err = img.MeanPSNR(ToneMap(pred), ToneMap(ref), s); err != nil {
		return 0, 0, err
	}
	relMSE, err = RelMSE(pred, ref)
	return psnr, relMSE, err
}

// CacheKey is the kit/train cache key of the denoiser trained with m.
func (e *Experiment) CacheKey(m Method) (string, error) {
	name := "render_unet_" + strings.ToLower(string(m.Loss))
	if m.Clean {
		name += "_clean"
	}
	return train.CacheKey(name, ExperimentCodeVersion, struct {
		Method Method
		Config ExperimentConfig
	}{m, e.Config})
}

// TrainDenoiser trains the U-Net with method m (or loads it from kit/train's
// cache) and scores it on the test views. progress, if not nil, receives
// kit/train's per-step reports.
func (e *Experiment) TrainDenoiser(m Method, progress func(train.Progress)) (*Denoiser, error) {
	if m.Loss != LossL2 && m.Loss != LossHDR {
		return nil, fmt.Errorf("render: unknown loss %q", m.Loss)
	}
	c := e.Config
	den := &Denoiser{Method: m, Config: c}
	key, err := e.CacheKey(m)
	if err != nil {
		return nil, err
	}
	fn := den.model()
	ts := e.Data.TestShape()
	testIn := ToneMap(e.Data.TestInput)
	var pred *train.Predictor
	defer func() {
		if pred != nil {
			pred.Finalize()
		}
	}()
	eval := func(_ int, store *model.Store) (float64, error) {
		if pred == nil {
			if pred, err = train.NewPredictor(nil, store, fn); err != nil {
				return 0, err
			}
		}
		out, _, err := pred.PredictFloat32(testIn, []int{ts.N, ts.H, ts.W, 3}, min(ts.N, 8))
		if err != nil {
			return 0, err
		}
		clampNonNegative(out)
		p, _, err := Score(out, e.Data.TestRef, ts)
		return p, err
	}
	every := c.EvalEvery
	if every == 0 {
		every = c.Steps
	}
	res, err := train.RunCached("", key, train.Config{
		Name:  "render/unet " + m.String(),
		Model: fn, Loss: lossFn(m.Loss),
		Batches: func(step int) (in, labels []*tensors.Tensor, err error) {
			p, err := e.Batch(m, step)
			if err != nil {
				return nil, nil, err
			}
			s := p.Shape
			return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(p.Input, s.N, s.H, s.W, 3)},
				[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(p.Target, s.N, s.H, s.W, 3)}, nil
		},
		Steps: c.Steps, Seed: c.Seed, LearningRate: c.LR,
		Eval: eval, EvalEvery: every,
		Progress: progress,
	})
	if err != nil {
		return nil, err
	}
	den.Train = res
	out, err := den.Denoise(e.Data.TestInput, ts)
	if err != nil {
		return nil, err
	}
	if den.PSNR, den.RelMSE, err = Score(out, e.Data.TestRef, ts); err != nil {
		return nil, err
	}
	return den, nil
}

// ExperimentResult gathers the rows of the comparison.
type ExperimentResult struct {
	Config ExperimentConfig
	// NoisyPSNR and NoisyRelMSE score the SPP-sample input itself.
	NoisyPSNR, NoisyRelMSE float64
	// Denoisers in the order of [Methods].
	Denoisers []*Denoiser
}

// Run trains (or loads) the denoisers of [Methods] and scores them beside
// the noisy input. progress, if not nil, gives each run's progress
// callback (nil for none).
func (e *Experiment) Run(progress func(Method) func(train.Progress)) (*ExperimentResult, error) {
	r := &ExperimentResult{Config: e.Config}
	var err error
	if r.NoisyPSNR, r.NoisyRelMSE, err = Score(e.Data.TestInput, e.Data.TestRef, e.Data.TestShape()); err != nil {
		return nil, err
	}
	for _, m := range Methods {
		var cb func(train.Progress)
		if progress != nil {
			cb = progress(m)
		}
		d, err := e.TrainDenoiser(m, cb)
		if err != nil {
			return nil, err
		}
		r.Denoisers = append(r.Denoisers, d)
	}
	return r, nil
}

// Table renders the comparison as Markdown: method, targets, tone-mapped
// PSNR against the references, gain over the noisy input, relative MSE.
func (r *ExperimentResult) Table() string {
	c := r.Config
	var sb strings.Builder
	fmt.Fprintf(&sb, "| method | targets | PSNR (dB), T = Reinhard + gamma 2.2, %d test views %dx%d vs %d spp | gain over input (dB) | relMSE (linear) |\n|---|---|---:|---:|---:|\n",
		c.Data.TestViews, c.Data.Side, c.Data.Side, c.Data.TestRefSPP)
	fmt.Fprintf(&sb, "| noisy input x^ (%d spp) | | %.2f | 0 | %.4f |\n", c.Data.SPP, r.NoisyPSNR, r.NoisyRelMSE)
	for _, d := range r.Denoisers {
		tgt := fmt.Sprintf("independent %d spp renders y^", c.Data.SPP)
		if d.Method.Clean {
			tgt = fmt.Sprintf("%d spp renders (clean)", c.Data.RefSPP)
		}
		fmt.Fprintf(&sb, "| U-Net, %s | %s, %d steps | %.2f | %+.2f | %.4f |\n",
			d.Method.Loss, tgt, d.Train.Steps, d.PSNR, d.PSNR-r.NoisyPSNR, d.RelMSE)
	}
	return sb.String()
}

// ToneMapBiasResult measures what tone-mapping the targets would do: the
// per-pixel mean of T over K independent renders, E[T(y^)], which is what
// an L2 network trained on tone-mapped noisy targets converges to, against
// T of their linear mean, which converges to T(E[y^]) = T(y).
type ToneMapBiasResult struct {
	K, SPP int
	// MeanRef is the mean of T(ref) over all values; MeanOfT the mean of
	// the K-average of T(y^_k); TOfMean the mean of T(K-average of y^_k).
	MeanRef, MeanOfT, TOfMean float64
	// PSNROfT and PSNRTOfMean are the PSNRs (dB) of the two averages (after
	// T) against T(ref).
	PSNROfT, PSNRTOfMean float64
	// Darker is the fraction of values where the K-average of T(y^_k) is
	// below T(ref).
	Darker float64
}

// ToneMapBias renders k independent spp-sample renders of scene (side x
// side, seeds derived from seed) and compares, against T(ref) (ref:
// [side, side, 3] linear, a high-sample render of the same view), the mean
// of their tone-mapped values with the tone-mapped mean of their linear
// values. T is concave, so by Jensen's inequality E[T(y^)] <= T(E[y^]): the
// first average is darker than the reference and stays so as k grows,
// the second converges to it.
func ToneMapBias(scene *Scene, side, spp, k int, ref []float32, seed uint64) (*ToneMapBiasResult, error) {
	if k < 1 || spp < 1 || side < 1 {
		return nil, fmt.Errorf("render: ToneMapBias: k (%d), spp (%d) and side (%d) must be >= 1", k, spp, side)
	}
	n := side * side * 3
	if len(ref) != n {
		return nil, fmt.Errorf("render: ToneMapBias: reference has %d values, want %d", len(ref), n)
	}
	sumT, sumLin := make([]float64, n), make([]float64, n)
	for j := range k {
		im, err := Render(scene, Options{Width: side, Height: side, SPP: spp, Seed: splitmix64(seed + uint64(j))})
		if err != nil {
			return nil, err
		}
		for i, v := range im.Pix {
			sumT[i] += float64(ToneMapValue(v))
			sumLin[i] += float64(v)
		}
	}
	r := &ToneMapBiasResult{K: k, SPP: spp}
	ofT, tOfMean, tRef := make([]float32, n), make([]float32, n), ToneMap(ref)
	darker := 0
	for i := range n {
		ofT[i] = float32(sumT[i] / float64(k))
		tOfMean[i] = ToneMapValue(float32(sumLin[i] / float64(k)))
		r.MeanRef += float64(tRef[i])
		r.MeanOfT += float64(ofT[i])
		r.TOfMean += float64(tOfMean[i])
		if ofT[i] < tRef[i] {
			darker++
		}
	}
	r.MeanRef /= float64(n)
	r.MeanOfT /= float64(n)
	r.TOfMean /= float64(n)
	r.Darker = float64(darker) / float64(n)
	var err error
	if r.PSNROfT, err = img.PSNR(ofT, tRef); err != nil {
		return nil, err
	}
	if r.PSNRTOfMean, err = img.PSNR(tOfMean, tRef); err != nil {
		return nil, err
	}
	return r, nil
}
