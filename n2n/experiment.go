// The paper's central experiment at a budget a CPU can afford: the same
// U-Net trained twice with the same budget, once on (X + eps, X) pairs with
// clean targets (Noise2Clean, N2C) and once on (X + eps, X + delta) pairs
// whose target is a second, independent noise draw of the same clean crop
// (Noise2Noise, N2N), then both evaluated on held-out photos beside the
// noisy input and a tuned classic baseline.
//
// Deviations from the paper, all stated in the settings: gray (BT.601
// luma) photos from kit/data downscaled by an integer factor instead of
// RGB ImageNet crops, fixed-sigma noise in training (the paper draws sigma
// per image from [0, 50]), small crops and few steps, and optionally a
// narrower U-Net ([UNetConfig.Width]).

package n2n

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/img"
	"github.com/dlc-go/denoising/kit/train"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer/cosineschedule"
)

// Target is what a denoiser is trained to output.
type Target string

const (
	// TargetClean trains on (X + eps, X): Noise2Clean, the usual supervised
	// denoiser.
	TargetClean Target = "clean"
	// TargetNoisy trains on (X + eps, X + delta), delta an independent draw
	// of the same noise: Noise2Noise. No clean image is ever used.
	TargetNoisy Target = "noisy"
)

// String is "N2C" for TargetClean and "N2N" for TargetNoisy.
func (t Target) String() string {
	switch t {
	case TargetClean:
		return "N2C"
	case TargetNoisy:
		return "N2N"
	}
	return fmt.Sprintf("Target(%q)", string(t))
}

// ExperimentCodeVersion is part of every cache key of the experiment; bump
// it when the model, the data pipeline or the training code changes.
const ExperimentCodeVersion = "n2n-unet-v1"

// ExperimentConfig holds everything that determines the experiment: the
// noise, the data, the network and the training budget. Its JSON form is
// the cache key of the trained models.
type ExperimentConfig struct {
	// Noise is "gaussian" (additive, std Sigma) or "poisson" (y = P(Lambda x)/Lambda).
	Noise  string
	Sigma  float64 // Gaussian std on the [0, 1] scale (the paper's test value: 25/255)
	Lambda float64 // Poisson photon count at x = 1 (the paper's test value: 30)

	// Factor is the box-filter downscale of the photos (>= 1): 4 turns the
	// 1280x1024 .. 5312x2988 originals into 320x256 .. 1328x747.
	Factor int
	// Crop is the side of the training crops, a multiple of 32.
	Crop int
	// Batch is the number of crops per training step.
	Batch int
	// Steps is the number of training steps (Adam).
	Steps int
	// Width is the U-Net's width multiplier ([UNetConfig.Width]; 0 or 1: the paper's).
	Width float64
	// LR is Adam's learning rate; with RampDown it decays to 0 along a
	// half cosine over the run.
	LR       float64
	RampDown bool

	// EvalEvery is the number of steps between two evaluations of the
	// held-out PSNR during training (0: only at the end).
	EvalEvery int
	// EvalN tiles of side EvalSide (a multiple of 32) cut from the held-out
	// photos, with one fixed noise draw, form the test set.
	EvalN, EvalSide int
	// BaselineN training crops of side Crop tune the classic baselines.
	BaselineN int

	// Seed fixes the crops, the noise draws and the initial weights.
	Seed int64
}

// DefaultExperimentConfig is the notebook's Gaussian experiment, sized by
// the budget (kit/train's $DENOISING_BUDGET):
//
//	                      QUICK           FULL
//	crops                 32x32, batch 4  32x32, batch 16
//	U-Net width           0.25            0.5 (24/48/32/16 channels, 248k parameters)
//	steps                 6               1000
//	held-out tiles        8 of 32x32      64 of 64x64
//
// Both: gray photos downscaled by 4, sigma = 25/255 in training and test,
// Adam 1e-3 with a cosine ramp-down, L2 loss, seed 1, held-out PSNR every
// 3 (QUICK) or 50 (FULL) steps.
//
// Cost on the shared 2-core machine (pure-Go backend, GOEXPERIMENT=simd):
// a FULL step took 0.9 s (quiet) to 1.25 s (loaded), an evaluation of the
// 64 tiles ~5 s, so FULL trains each model in ~16-23 minutes (a 300-step
// pilot took 5.0 and 6.8 minutes per model and ended at 28.42 dB for N2C
// and 28.40 dB for N2N). QUICK takes seconds and measures nothing.
func DefaultExperimentConfig() ExperimentConfig {
	return ExperimentConfig{
		Noise: "gaussian", Sigma: 25.0 / 255, Lambda: 30,
		Factor:    4,
		Crop:      32,
		Batch:     train.Pick(4, 16),
		Steps:     train.Pick(6, 1000),
		Width:     train.Pick(0.25, 0.5),
		LR:        1e-3,
		RampDown:  true,
		EvalEvery: train.Pick(3, 50),
		EvalN:     train.Pick(8, 64),
		EvalSide:  train.Pick(32, 64),
		BaselineN: train.Pick(16, 128),
		Seed:      1,
	}
}

// Validate reports whether the configuration is usable.
func (c ExperimentConfig) Validate() error {
	if _, err := c.NoiseModel(); err != nil {
		return err
	}
	if err := c.UNet().Validate(); err != nil {
		return err
	}
	switch {
	case c.Factor < 1:
		return fmt.Errorf("n2n: ExperimentConfig.Factor must be >= 1, got %d", c.Factor)
	case c.Crop <= 0 || c.Crop%UNetMultiple != 0:
		return fmt.Errorf("n2n: ExperimentConfig.Crop must be a positive multiple of %d, got %d", UNetMultiple, c.Crop)
	case c.EvalSide <= 0 || c.EvalSide%UNetMultiple != 0:
		return fmt.Errorf("n2n: ExperimentConfig.EvalSide must be a positive multiple of %d, got %d", UNetMultiple, c.EvalSide)
	case c.Batch < 1 || c.Steps < 1 || c.EvalN < 1 || c.BaselineN < 1:
		return fmt.Errorf("n2n: ExperimentConfig.Batch (%d), Steps (%d), EvalN (%d) and BaselineN (%d) must be >= 1",
			c.Batch, c.Steps, c.EvalN, c.BaselineN)
	case c.EvalEvery < 0:
		return fmt.Errorf("n2n: ExperimentConfig.EvalEvery must be >= 0, got %d", c.EvalEvery)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("n2n: ExperimentConfig.LR must be finite and > 0, got %g", c.LR)
	}
	return nil
}

// NoiseModel returns the noise of the experiment: Gaussian{Sigma} or
// Poisson{Lambda}, unclipped (zero-mean, as the L2 argument needs).
func (c ExperimentConfig) NoiseModel() (Noise, error) {
	switch c.Noise {
	case "gaussian":
		g := Gaussian{Sigma: c.Sigma}
		if err := g.Validate(); err != nil {
			return nil, err
		}
		return g, nil
	case "poisson":
		p := Poisson{Lambda: c.Lambda}
		if err := p.Validate(); err != nil {
			return nil, err
		}
		return p, nil
	}
	return nil, fmt.Errorf("n2n: ExperimentConfig.Noise must be \"gaussian\" or \"poisson\", got %q", c.Noise)
}

// NoiseLabel describes the noise for tables, e.g. "Gaussian sigma=25/255".
func (c ExperimentConfig) NoiseLabel() string {
	if c.Noise == "poisson" {
		return fmt.Sprintf("Poisson lambda=%g", c.Lambda)
	}
	return fmt.Sprintf("Gaussian sigma=%.3g/255", c.Sigma*255)
}

// UNet is the network of the experiment: one channel in and out, width
// c.Width.
func (c ExperimentConfig) UNet() UNetConfig { return UNetConfig{In: 1, Out: 1, Width: c.Width} }

// String summarises the settings in one line.
func (c ExperimentConfig) String() string {
	e, d, a, b := c.UNet().Channels()
	s := fmt.Sprintf("%s; gray photos /%d; %d steps of %d crops %dx%d; U-Net width %g (%d/%d/%d/%d channels, %d parameters); "+
		"Adam lr %g", c.NoiseLabel(), c.Factor, c.Steps, c.Batch, c.Crop, c.Crop, c.widthOrOne(), e, d, a, b, c.UNet().Params(), c.LR)
	if c.RampDown {
		s += " with cosine ramp-down"
	}
	return s + fmt.Sprintf("; L2 loss; test: %d held-out tiles %dx%d; seed %d", c.EvalN, c.EvalSide, c.EvalSide, c.Seed)
}

func (c ExperimentConfig) widthOrOne() float64 {
	if c.Width == 0 {
		return 1
	}
	return c.Width
}

// ExperimentData is the data of one experiment: training photos to crop
// from, a fixed held-out test set and fixed training crops for tuning the
// baselines. Every array is [N, S, S, 1] float32, row-major.
type ExperimentData struct {
	Config ExperimentConfig
	// Train are the training photos (gray, downscaled), each [H, W, 1].
	Train []*data.Image

	// EvalClean and EvalNoisy are the test set: EvalN tiles from the
	// held-out photos and one fixed noise draw of them, [EvalN, EvalSide, EvalSide, 1].
	EvalClean, EvalNoisy []float32
	EvalShape            img.Shape

	// TuneClean and TuneNoisy are BaselineN training crops (side Crop)
	// and one noise draw of them, for [TuneBaseline].
	TuneClean, TuneNoisy []float32
	TuneShape            img.Shape

	noise Noise
}

// LoadExperimentData loads the photos of kit/data (gray, downscaled by
// cfg.Factor; the train/test split of data.PhotoSplit, whole photos held
// out) and builds the experiment's data with [NewExperimentData].
func LoadExperimentData(cfg ExperimentConfig) (*ExperimentData, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	trainPhotos, testPhotos, err := data.PhotoSplit()
	if err != nil {
		return nil, err
	}
	tr, err := data.LoadPhotos(trainPhotos, true, cfg.Factor)
	if err != nil {
		return nil, err
	}
	te, err := data.LoadPhotos(testPhotos, true, cfg.Factor)
	if err != nil {
		return nil, err
	}
	return NewExperimentData(cfg, tr, te)
}

// Seed-stream offsets: every random draw of the experiment comes from a
// PCG generator seeded with (cfg.Seed, stream), so that the draws of one
// purpose never shift those of another.
const (
	streamEval  = 1 << 40
	streamTune  = 2 << 40
	streamTrain = 3 << 40 // + step
)

// NewExperimentData builds the experiment's data from gray training and
// test images ([H, W, 1] each; every test image at least EvalSide and every
// training image at least Crop on each side): the held-out tiles
// (data.Patches, seeded) with their fixed noise draw, and the baseline's
// tuning crops.
func NewExperimentData(cfg ExperimentConfig, trainImages, testImages []*data.Image) (*ExperimentData, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	noise, _ := cfg.NoiseModel()
	if len(trainImages) == 0 || len(testImages) == 0 {
		return nil, errors.New("n2n: NewExperimentData needs training and test images")
	}
	for _, set := range [][]*data.Image{trainImages, testImages} {
		for _, im := range set {
			if im == nil || im.C != 1 || len(im.Pix) != im.H*im.W {
				return nil, errors.New("n2n: NewExperimentData: images must be gray ([H, W, 1]) and well-formed")
			}
			if im.H < cfg.Crop || im.W < cfg.Crop {
				return nil, fmt.Errorf("n2n: NewExperimentData: image %q is %dx%d, smaller than the %d crops",
					im.Name, im.W, im.H, cfg.Crop)
			}
		}
	}
	d := &ExperimentData{Config: cfg, Train: trainImages, noise: noise}
	evalSet, err := data.Patches("n2n-eval", testImages, cfg.EvalN, cfg.EvalSide, uint64(cfg.Seed)+streamEval)
	if err != nil {
		return nil, err
	}
	d.EvalShape = img.Shape{N: cfg.EvalN, H: cfg.EvalSide, W: cfg.EvalSide, C: 1}
	d.EvalClean = evalSet.Images
	d.EvalNoisy = make([]float32, len(d.EvalClean))
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), streamEval))
	if _, err := ApplyBatch(noise, d.EvalNoisy, d.EvalClean, cfg.EvalN, cfg.EvalSide, cfg.EvalSide, 1, rng); err != nil {
		return nil, err
	}
	tuneSet, err := data.Patches("n2n-tune", trainImages, cfg.BaselineN, cfg.Crop, uint64(cfg.Seed)+streamTune)
	if err != nil {
		return nil, err
	}
	d.TuneShape = img.Shape{N: cfg.BaselineN, H: cfg.Crop, W: cfg.Crop, C: 1}
	d.TuneClean = tuneSet.Images
	d.TuneNoisy = make([]float32, len(d.TuneClean))
	rng = rand.New(rand.NewPCG(uint64(cfg.Seed), streamTune))
	if _, err := ApplyBatch(noise, d.TuneNoisy, d.TuneClean, cfg.BaselineN, cfg.Crop, cfg.Crop, 1, rng); err != nil {
		return nil, err
	}
	return d, nil
}

// Pair is one training batch: Clean crops X, the network's input
// X + eps, and the target (X for N2C, X + delta for N2N), each
// [Batch, Crop, Crop, 1] float32.
type Pair struct {
	Clean, Input, Target []float32
	Shape                img.Shape
}

// Batch draws the training batch of a step (0-based) for a target, from a
// generator seeded with (Seed, step): Batch crops at uniform positions of
// uniformly chosen training photos, then the input noise eps of every
// crop, then (N2N only) the target noise delta, drawn independently of eps.
// The crops and the inputs are therefore the same for both targets: the
// two runs differ only in the target.
func (d *ExperimentData) Batch(target Target, step int) (Pair, error) {
	if target != TargetClean && target != TargetNoisy {
		return Pair{}, fmt.Errorf("n2n: unknown target %q (want %q or %q)", string(target), TargetClean, TargetNoisy)
	}
	if step < 0 {
		return Pair{}, fmt.Errorf("n2n: Batch: step must be >= 0, got %d", step)
	}
	c := d.Config
	s := c.Crop
	shape := img.Shape{N: c.Batch, H: s, W: s, C: 1}
	rng := rand.New(rand.NewPCG(uint64(c.Seed), streamTrain+uint64(step)))
	p := Pair{Clean: make([]float32, shape.Size()), Input: make([]float32, shape.Size()), Shape: shape}
	for k := range c.Batch {
		im := d.Train[rng.IntN(len(d.Train))]
		y0, x0 := rng.IntN(im.H-s+1), rng.IntN(im.W-s+1)
		for dy := range s {
			copy(p.Clean[(k*s+dy)*s:(k*s+dy+1)*s], im.Pix[(y0+dy)*im.W+x0:])
		}
	}
	if _, err := ApplyBatch(d.noise, p.Input, p.Clean, c.Batch, s, s, 1, rng); err != nil {
		return Pair{}, err
	}
	if target == TargetClean {
		p.Target = p.Clean
		return p, nil
	}
	p.Target = make([]float32, shape.Size())
	if _, err := ApplyBatch(d.noise, p.Target, p.Clean, c.Batch, s, s, 1, rng); err != nil {
		return Pair{}, err
	}
	return p, nil
}

// DenoiserModel is the experiment's network as a kit/train model function:
// the [UNet] applied to the input centred on 0 (values in [-0.5, 0.5]),
// with 0.5 added back to its output:
//
//	in[0]: [B, H, W, 1] float32, H and W multiples of 32
//	out:   [B, H, W, 1] float32
//
// With rampDownSteps > 0 it also sets Adam's learning rate along a half
// cosine from lr to 0 over that many training steps (GoMLX's
// cosineschedule; no effect in inference).
func DenoiserModel(cfg UNetConfig, lr float64, rampDownSteps int) train.ModelFn {
	return func(scope *model.Scope, in []*Node) []*Node {
		x := in[0]
		if rampDownSteps > 0 {
			cosineschedule.New(scope, x.Graph(), dtypes.Float32).LearningRate(lr).PeriodSteps(rampDownSteps).Done()
		}
		y := UNet(scope, AddScalar(x, -0.5), cfg)
		return []*Node{AddScalar(y, 0.5)}
	}
}

// Denoiser is a trained (or cache-loaded) network of the experiment.
type Denoiser struct {
	Target Target
	Config ExperimentConfig
	// Train holds the run: per-step training loss, the held-out PSNR every
	// EvalEvery steps (Train.Evals, dB), wall time and speed, and whether
	// it came from the cache.
	Train *train.Result
	// PSNR is the mean PSNR (dB) of the denoised held-out tiles (kit/img's
	// default protocol: prediction clipped to [0, 1], mean over tiles).
	PSNR float64
}

// model is the denoiser's train.ModelFn.
func (m *Denoiser) model() train.ModelFn {
	return DenoiserModel(m.Config.UNet(), m.Config.LR, m.rampSteps())
}

func (m *Denoiser) rampSteps() int {
	if m.Config.RampDown {
		return m.Config.Steps
	}
	return 0
}

// evalBatch is the batch size of inference: at most 16 tiles.
func evalBatch(n int) int { return min(n, 16) }

// Denoise runs the network on noisy images [N, H, W, 1] (H, W multiples of
// 32) and returns its output [N, H, W, 1], unclipped.
func (m *Denoiser) Denoise(noisy []float32, s img.Shape) ([]float32, error) {
	if err := s.Check(len(noisy)); err != nil {
		return nil, err
	}
	if s.C != 1 {
		return nil, fmt.Errorf("n2n: Denoise: the experiment's U-Net is gray, got shape %s", s)
	}
	if err := CheckUNetSide(s.H, s.W); err != nil {
		return nil, err
	}
	out, _, err := train.Predict(nil, m.Train.Store, m.model(), noisy, []int{s.N, s.H, s.W, 1}, evalBatch(s.N))
	return out, err
}

// psnrEvaluator returns a kit/train EvalFn computing the held-out PSNR; it
// compiles the inference graph once and reuses it (it reads the store's
// current variables at every call).
func (d *ExperimentData) psnrEvaluator(fn train.ModelFn) (eval train.EvalFn, done func()) {
	var p *train.Predictor
	eval = func(_ int, store *model.Store) (float64, error) {
		if p == nil {
			var err error
			if p, err = train.NewPredictor(nil, store, fn); err != nil {
				return 0, err
			}
		}
		s := d.EvalShape
		out, _, err := p.PredictFloat32(d.EvalNoisy, []int{s.N, s.H, s.W, 1}, evalBatch(s.N))
		if err != nil {
			return 0, err
		}
		return img.MeanPSNR(out, d.EvalClean, s)
	}
	return eval, func() {
		if p != nil {
			p.Finalize()
		}
	}
}

// CacheKey is the kit/train cache key of the denoiser trained on target
// with d's settings.
func (d *ExperimentData) CacheKey(target Target) (string, error) {
	return train.CacheKey("n2n_unet_"+target.String(), ExperimentCodeVersion, struct {
		Target Target
		Config ExperimentConfig
	}{target, d.Config})
}

// TrainDenoiser trains the U-Net on target pairs with the experiment's
// budget (L2 loss, Adam, seeded), or loads it from kit/train's checkpoint
// cache when a run with the same settings and budget is there, and
// measures its held-out PSNR. progress, if not nil, receives kit/train's
// per-step reports.
func (d *ExperimentData) TrainDenoiser(target Target, progress func(train.Progress)) (*Denoiser, error) {
	if target != TargetClean && target != TargetNoisy {
		return nil, fmt.Errorf("n2n: unknown target %q (want %q or %q)", string(target), TargetClean, TargetNoisy)
	}
	c := d.Config
	m := &Denoiser{Target: target, Config: c}
	key, err := d.CacheKey(target)
	if err != nil {
		return nil, err
	}
	fn := m.model()
	eval, done := d.psnrEvaluator(fn)
	defer done()
	everyN := c.EvalEvery
	if everyN == 0 {
		everyN = c.Steps
	}
	res, err := train.RunCached("", key, train.Config{
		Name:  fmt.Sprintf("n2n/unet %s (%s)", target, c.NoiseLabel()),
		Model: fn, Loss: lossMSE,
		Batches: func(step int) (in, labels []*tensors.Tensor, err error) {
			p, err := d.Batch(target, step)
			if err != nil {
				return nil, nil, err
			}
			s := p.Shape
			return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(p.Input, s.N, s.H, s.W, 1)},
				[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(p.Target, s.N, s.H, s.W, 1)}, nil
		},
		Steps: c.Steps, Seed: c.Seed, LearningRate: c.LR,
		Eval: eval, EvalEvery: everyN,
		Progress: progress,
	})
	if err != nil {
		return nil, err
	}
	m.Train = res
	out, err := m.Denoise(d.EvalNoisy, d.EvalShape)
	if err != nil {
		return nil, err
	}
	if m.PSNR, err = img.MeanPSNR(out, d.EvalClean, d.EvalShape); err != nil {
		return nil, err
	}
	return m, nil
}

// BaselineScore is a classic denoiser tuned on the training crops and
// scored on the held-out tiles.
type BaselineScore struct {
	Tune TuneResult // the parameter search on the training crops
	PSNR float64    // mean PSNR (dB) on the held-out tiles with the tuned parameter
}

// Baselines tunes the Gaussian blur and the median filter on the training
// crops (noisy vs clean, [TuneBaseline]) and scores each on the held-out
// tiles.
func (d *ExperimentData) Baselines() ([]BaselineScore, error) {
	var out []BaselineScore
	for _, m := range []BaselineMethod{BlurBaseline, MedianBaseline} {
		tr, err := TuneBaseline(m, d.TuneNoisy, d.TuneClean, d.TuneShape, nil)
		if err != nil {
			return nil, err
		}
		den := make([]float32, len(d.EvalNoisy))
		if err := m.Denoise(den, d.EvalNoisy, d.EvalShape, tr.Param); err != nil {
			return nil, err
		}
		psnr, err := img.MeanPSNR(den, d.EvalClean, d.EvalShape)
		if err != nil {
			return nil, err
		}
		out = append(out, BaselineScore{Tune: tr, PSNR: psnr})
	}
	return out, nil
}

// ExperimentResult gathers the four rows of the comparison.
type ExperimentResult struct {
	Config    ExperimentConfig
	NoisyPSNR float64         // the noisy input itself, mean PSNR (dB) on the held-out tiles
	Baselines []BaselineScore // blur and median, tuned on training crops
	N2C, N2N  *Denoiser
}

// RunExperiment trains (or loads) both denoisers and scores them with the
// noisy input and the baselines on the held-out tiles. progress, if not
// nil, gives each run's progress callback (nil for none).
func (d *ExperimentData) RunExperiment(progress func(Target) func(train.Progress)) (*ExperimentResult, error) {
	r := &ExperimentResult{Config: d.Config}
	var err error
	if r.NoisyPSNR, err = img.MeanPSNR(d.EvalNoisy, d.EvalClean, d.EvalShape); err != nil {
		return nil, err
	}
	if r.Baselines, err = d.Baselines(); err != nil {
		return nil, err
	}
	for _, t := range []Target{TargetClean, TargetNoisy} {
		var cb func(train.Progress)
		if progress != nil {
			cb = progress(t)
		}
		m, err := d.TrainDenoiser(t, cb)
		if err != nil {
			return nil, err
		}
		if t == TargetClean {
			r.N2C = m
		} else {
			r.N2N = m
		}
	}
	return r, nil
}

// Table renders the comparison as Markdown: method, what it was trained
// on, held-out PSNR and its gain over the noisy input.
func (r *ExperimentResult) Table() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "| method | trained on | PSNR (dB), %d held-out tiles %dx%d | gain over noisy (dB) |\n|---|---|---:|---:|\n",
		r.Config.EvalN, r.Config.EvalSide, r.Config.EvalSide)
	fmt.Fprintf(&sb, "| noisy input (%s) | | %.2f | 0 |\n", r.Config.NoiseLabel(), r.NoisyPSNR)
	for _, b := range r.Baselines {
		unit := "sigma"
		if b.Tune.Method == MedianBaseline {
			unit = "radius"
		}
		fmt.Fprintf(&sb, "| %s, %s = %g | parameter tuned on %d noisy/clean training crops | %.2f | %+.2f |\n",
			b.Tune.Method, unit, b.Tune.Param, r.Config.BaselineN, b.PSNR, b.PSNR-r.NoisyPSNR)
	}
	for _, m := range []*Denoiser{r.N2C, r.N2N} {
		if m == nil {
			continue
		}
		what := "(X + eps, X): clean targets"
		if m.Target == TargetNoisy {
			what = "(X + eps, X + delta): noisy targets only"
		}
		fmt.Fprintf(&sb, "| U-Net, %s | %s, %d steps | %.2f | %+.2f |\n", m.Target, what, m.Train.Steps, m.PSNR, m.PSNR-r.NoisyPSNR)
	}
	return sb.String()
}

// lossMSE is the L2 loss of the experiment: the mean squared error over
// every pixel of the batch.
var lossMSE train.LossFn = loss.MeanSquaredError
