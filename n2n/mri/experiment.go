package mri

// The MRI experiment of Noise2Noise at a CPU budget: the paper's U-Net
// (narrowed, [ExperimentConfig.Width]) reconstructs brain slices from about
// 10% of their spectrum, trained with the same budget twice:
//
//	N2N   (x^, y^): input and target two independent corruptions
//	N2C   (x^, x):  the clean slice as target
//
// As in the paper (and its code, train_mri.py with post_op = 'fspec'), the
// input x^ is the unbiased reconstruction Re IDFT(m X / p), and the
// network's output f(x^) goes through the post-step [PutBackKnown] in the
// graph, in training and in inference: its spectrum is replaced by the
// measured values m X at the kept frequencies, so the network only fills
// in the missing ones. The loss is the L2 distance to the target in the
// image domain. Since E[y^] = x, the N2N loss is the N2C loss plus a
// constant (the Noise2Noise identity), and both learn the same thing.
//
// Augmentation (the paper translates its 256x256 slices by up to 64
// pixels): each training slice is flipped left-right with probability 1/2
// and shifted circularly by up to Translate pixels along each axis, then
// corrupted afresh at every step.

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/dlc-go/denoising/kit/img"
	"github.com/dlc-go/denoising/kit/train"
	"github.com/dlc-go/denoising/n2n"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/support/exceptions"
)

// ExperimentCodeVersion is part of the cache key of every trained
// reconstructor; bump it when the model, the data or the training change.
const ExperimentCodeVersion = "mri-unet-v1"

// UnitR0 returns the fall-off r0 for which the density of an n x n
// spectrum with mean keep has c = 1, p(k) = exp(-r(k)/r0): the DC term is
// always kept and p falls off exponentially from it, as in the paper's code
// (config_mri.py: p = 0.025^r, r = 1 at the Nyquist frequency, mean 0.105
// at 256x256). For n = 64 and keep = 0.10 it gives r0 = 0.263 and p = 0.022
// at the edge. DefaultR0 (0.15) instead saturates a disk of low
// frequencies (c = 3.2) and weights the rare kept high frequencies by up to
// ~4000, a much noisier x^.
//
// r0 is solved by bisection to a mean 1e-9 (relative) below keep, so that
// [NewDensity] finds c just above 1 and p(DC) = 1 exactly.
func UnitR0(n int, keep float64) (float64, error) {
	if n < 2 || !(keep > 0 && keep < 1) {
		return 0, fmt.Errorf("mri: UnitR0: n = %d must be >= 2 and keep = %v in (0, 1)", n, keep)
	}
	r := make([]float64, n*n)
	for i := range r {
		fy, fx := float64(signedFreq(i/n, n)), float64(signedFreq(i%n, n))
		r[i] = math.Hypot(fx, fy) / (float64(n) / 2)
	}
	mean := func(r0 float64) float64 {
		var s float64
		for _, v := range r {
			s += math.Exp(-v / r0)
		}
		return s / float64(len(r))
	}
	want := keep * (1 - 1e-9)
	lo, hi := 1e-6, 1.0
	for mean(hi) < want {
		hi *= 2
	}
	if mean(lo) > want {
		return 0, fmt.Errorf("mri: UnitR0: keep = %v is below the DC term's share 1/%d", keep, n*n)
	}
	for range 200 {
		mid := (lo + hi) / 2
		if mean(mid) < want {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// Target is what a reconstructor is trained to output: n2n's Target, with
// TargetClean training on (x^, x) (N2C) and TargetNoisy on (x^, y^), y^ an
// independent corruption of the same slice (N2N).
type Target = n2n.Target

// The two targets (aliases of n2n's).
const (
	TargetClean = n2n.TargetClean
	TargetNoisy = n2n.TargetNoisy
)

// ExperimentConfig holds the data, the corruption and the training budget.
type ExperimentConfig struct {
	// Size is the side of the slice images (a multiple of 32) and
	// Downsample the f x f voxel averaging applied first ([SliceOptions]).
	Size, Downsample int
	// Keep is the mean sampling probability and R0 the fall-off of the
	// density ([NewDensity]).
	Keep, R0 float64
	// Translate is the largest circular shift (pixels, each axis) of the
	// training augmentation (0: none).
	Translate int
	// Batch slices per step, Steps steps of Adam.
	Batch, Steps int
	// Width is the U-Net's width multiplier (n2n.UNetConfig.Width).
	Width float64
	// LR is Adam's learning rate; with RampDown it decays to 0 along a half
	// cosine over the run.
	LR       float64
	RampDown bool
	// EvalEvery is the number of steps between evaluations of the held-out
	// PSNR during training (0: only at the end).
	EvalEvery int
	// Seed fixes the slices drawn, the augmentation, the masks and the
	// initial weights.
	Seed int64
}

// Budget constants of [DefaultExperimentConfig] (QUICK, FULL).
const (
	QuickSize, FullSize             = 32, 64
	QuickDownsample, FullDownsample = 6, 3
	QuickSteps, FullSteps           = 4, 1000
	QuickBatch, FullBatch           = 4, 4
)

// DefaultExperimentConfig is the notebook's experiment, sized by the
// budget (kit/train's $DENOISING_BUDGET):
//
//	              QUICK                         FULL
//	slices        32x32 (6x6 voxel averages)    64x64 (3x3 voxel averages)
//	training      4 steps of 4 slices           1000 steps of 4 slices
//
// Both: Keep 0.10, R0 = [UnitR0] (DC always kept), shifts up to Size/8
// pixels and flips, U-Net width 0.25, Adam 1e-3 with a cosine ramp-down,
// seed 1, the test block of [DefaultSplit] (20 slices) with one fixed
// corruption each.
//
// Cost on the shared 2-core machine (pure-Go backend, GOEXPERIMENT=simd):
// a FULL step (batch 4 of 64x64, U-Net and DFTs) took 0.26-0.5 s
// depending on the load. A 500-step pilot scored 20.96 dB zero-filled,
// 21.97 dB N2N, 22.21 dB N2C on the 20 held-out slices.
func DefaultExperimentConfig() ExperimentConfig {
	size := train.Pick(QuickSize, FullSize)
	r0, err := UnitR0(size, DefaultKeep)
	if err != nil {
		panic(err) // unreachable: size >= 32 and DefaultKeep = 0.1 are valid
	}
	return ExperimentConfig{
		Size: size, Downsample: train.Pick(QuickDownsample, FullDownsample),
		Keep: DefaultKeep, R0: r0,
		Translate: size / 8,
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
	if err := c.UNet().Validate(); err != nil {
		return err
	}
	switch {
	case c.Size <= 0 || c.Size%n2n.UNetMultiple != 0:
		return fmt.Errorf("mri: ExperimentConfig.Size must be a positive multiple of %d, got %d", n2n.UNetMultiple, c.Size)
	case c.Downsample < 1:
		return fmt.Errorf("mri: ExperimentConfig.Downsample must be >= 1, got %d", c.Downsample)
	case !(c.Keep > 0 && c.Keep < 1) || !(c.R0 > 0) || math.IsInf(c.R0, 0):
		return fmt.Errorf("mri: ExperimentConfig: Keep %v must be in (0, 1) and R0 %v > 0", c.Keep, c.R0)
	case c.Translate < 0 || c.Translate >= c.Size:
		return fmt.Errorf("mri: ExperimentConfig.Translate must be in [0, Size), got %d", c.Translate)
	case c.Batch < 1 || c.Steps < 1:
		return fmt.Errorf("mri: ExperimentConfig.Batch (%d) and Steps (%d) must be >= 1", c.Batch, c.Steps)
	case c.EvalEvery < 0:
		return fmt.Errorf("mri: ExperimentConfig.EvalEvery must be >= 0, got %d", c.EvalEvery)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("mri: ExperimentConfig.LR must be finite and > 0, got %g", c.LR)
	}
	return nil
}

// UNet is the network: one channel in and out.
func (c ExperimentConfig) UNet() n2n.UNetConfig { return n2n.UNetConfig{In: 1, Out: 1, Width: c.Width} }

// SliceOptions are the options turning ch2's axial slices into images.
func (c ExperimentConfig) SliceOptions() SliceOptions {
	return SliceOptions{Size: c.Size, Downsample: c.Downsample}
}

// String summarises the settings in one line.
func (c ExperimentConfig) String() string {
	e, d, a, b := c.UNet().Channels()
	s := fmt.Sprintf("slices %dx%d (%dx%d voxel averages); k-space keep %.2f, r0 %.3f; %d steps of %d slices (flips, shifts up to %d px); "+
		"U-Net width %g (%d/%d/%d/%d channels, %d parameters); Adam lr %g",
		c.Size, c.Size, c.Downsample, c.Downsample, c.Keep, c.R0, c.Steps, c.Batch, c.Translate, c.Width, e, d, a, b, c.UNet().Params(), c.LR)
	if c.RampDown {
		s += " with cosine ramp-down"
	}
	return s + fmt.Sprintf("; known frequencies put back in training and test; L2 loss; seed %d", c.Seed)
}

// ExperimentData holds the slices and the fixed corruption of the test set.
type ExperimentData struct {
	Config  ExperimentConfig
	Density *Density
	// TrainZ and TestZ are the axial slice indices; Train and Test the
	// clean slices, [len(TrainZ), Size, Size] and [len(TestZ), Size, Size]
	// float32 in [0, 1].
	TrainZ, TestZ []int
	Train, Test   []float32
	// TestCorrupted holds one corruption of each test slice (seeded).
	TestCorrupted []*Corrupted
	// dataID fingerprints slices given to NewExperimentData (see
	// [ExperimentData.CacheKey]); "" for ch2 loaded by LoadExperimentData.
	dataID string
}

// Seed-stream offsets (PCG seeded with (Seed, stream)).
const (
	streamTest  = 1 << 40
	streamTrain = 3 << 40 // + step
)

// LoadExperimentData reads ch2 ([LoadCH2]), splits it with [DefaultSplit]
// and builds the data with [NewExperimentData].
func LoadExperimentData(cfg ExperimentConfig) (*ExperimentData, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	vol, err := LoadCH2()
	if err != nil {
		return nil, err
	}
	split, err := DefaultSplit(vol)
	if err != nil {
		return nil, err
	}
	tr, err := AxialSlices(vol, split.Train, cfg.SliceOptions())
	if err != nil {
		return nil, err
	}
	te, err := AxialSlices(vol, split.Test, cfg.SliceOptions())
	if err != nil {
		return nil, err
	}
	return newExperimentData(cfg, tr, te, split.Train, split.Test, false) // ch2, default split: the config names it
}

// NewExperimentData builds the experiment's data from clean training and
// test slices, [len(trainZ), Size, Size] and [len(testZ), Size, Size]
// float32 (trainZ and testZ label them), and draws the fixed corruption of
// every test slice.
func NewExperimentData(cfg ExperimentConfig, trainSlices, testSlices []float32, trainZ, testZ []int) (*ExperimentData, error) {
	return newExperimentData(cfg, trainSlices, testSlices, trainZ, testZ, true)
}

// newExperimentData is [NewExperimentData]; with callerData the slices are
// fingerprinted into the cache key (see [ExperimentData.CacheKey]).
func newExperimentData(cfg ExperimentConfig, trainSlices, testSlices []float32, trainZ, testZ []int, callerData bool) (*ExperimentData, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := cfg.Size * cfg.Size
	if len(trainZ) == 0 || len(testZ) == 0 {
		return nil, errors.New("mri: NewExperimentData needs training and test slices")
	}
	if len(trainSlices) != len(trainZ)*n || len(testSlices) != len(testZ)*n {
		return nil, fmt.Errorf("mri: NewExperimentData: %d training and %d test values for %d and %d slices of %dx%d",
			len(trainSlices), len(testSlices), len(trainZ), len(testZ), cfg.Size, cfg.Size)
	}
	dens, err := NewDensity(cfg.Size, cfg.Keep, cfg.R0)
	if err != nil {
		return nil, err
	}
	d := &ExperimentData{Config: cfg, Density: dens, TrainZ: trainZ, TestZ: testZ, Train: trainSlices, Test: testSlices}
	if callerData {
		d.dataID = train.Fingerprint(fmt.Sprintf("train z %v, test z %v", trainZ, testZ), trainSlices, testSlices)
	}
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), streamTest))
	for i := range testZ {
		c, err := dens.Corrupt(testSlices[i*n:(i+1)*n], rng)
		if err != nil {
			return nil, err
		}
		d.TestCorrupted = append(d.TestCorrupted, c)
	}
	return d, nil
}

// TestShape is the shape of the test set as images: [len(TestZ), Size, Size, 1].
func (d *ExperimentData) TestShape() img.Shape {
	return img.Shape{N: len(d.TestZ), H: d.Config.Size, W: d.Config.Size, C: 1}
}

// TestInputs stacks the test set's fixed corruptions: the unbiased inputs
// x^ and the zero-filled reconstructions, each [len(TestZ), Size, Size].
func (d *ExperimentData) TestInputs() (unbiased, zeroFilled []float32) {
	for _, c := range d.TestCorrupted {
		unbiased = append(unbiased, c.Unbiased...)
		zeroFilled = append(zeroFilled, c.ZeroFilled...)
	}
	return unbiased, zeroFilled
}

// Batch is one training batch, Size x Size slices:
//
//	Input          [B, S, S, 1]  x^ = Re IDFT(m X / p), the network's input
//	Mask           [B, S, S]     m, 1 where the input measured the frequency
//	MeasRe, MeasIm [B, S, S]     m X, the measured spectrum (DFT index order)
//	Target         [B, S, S, 1]  y^ (N2N) or x (N2C)
//	Clean          [B, S, S, 1]  x, the augmented clean slice
type Batch struct {
	Input, Mask, MeasRe, MeasIm, Target, Clean []float32
	B, S                                       int
}

// Tensors returns the model's inputs (Input, Mask, MeasRe, MeasIm) and
// labels (Target) as fresh tensors.
func (b *Batch) Tensors() (inputs, labels []*tensors.Tensor) {
	return []*tensors.Tensor{
			tensors.FromFlatDataAndDimensions(b.Input, b.B, b.S, b.S, 1),
			tensors.FromFlatDataAndDimensions(b.Mask, b.B, b.S, b.S),
			tensors.FromFlatDataAndDimensions(b.MeasRe, b.B, b.S, b.S),
			tensors.FromFlatDataAndDimensions(b.MeasIm, b.B, b.S, b.S),
		},
		[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(b.Target, b.B, b.S, b.S, 1)}
}

// Augment returns slice x: [s, s] flipped left-right if flip, then shifted
// circularly by (dy, dx) pixels: out[r][c] = flipped[(r-dy) mod s][(c-dx) mod s].
func Augment(x []float32, s int, flip bool, dy, dx int) []float32 {
	out := make([]float32, s*s)
	for r := range s {
		sr := ((r-dy)%s + s) % s
		for c := range s {
			sc := ((c-dx)%s + s) % s
			if flip {
				sc = s - 1 - sc
			}
			out[r*s+c] = x[sr*s+sc]
		}
	}
	return out
}

// Batch draws the training batch of a step (0-based) for a target, from a
// generator seeded with (Seed, step): for each item a uniform training
// slice, a flip (probability 1/2), a shift in [-Translate, Translate]^2
// and the input's mask; then (N2N only) every item's independent target
// mask. The slices, augmentations and inputs are the same for both targets.
func (d *ExperimentData) Batch(target Target, step int) (*Batch, error) {
	if target != TargetClean && target != TargetNoisy {
		return nil, fmt.Errorf("mri: unknown target %q (want %q or %q)", string(target), TargetClean, TargetNoisy)
	}
	if step < 0 {
		return nil, fmt.Errorf("mri: Batch: step must be >= 0, got %d", step)
	}
	c := d.Config
	s, n := c.Size, c.Size*c.Size
	b := &Batch{B: c.Batch, S: s}
	rng := rand.New(rand.NewPCG(uint64(c.Seed), streamTrain+uint64(step)))
	spectra := make([][]complex128, c.Batch)
	for k := range c.Batch {
		i := rng.IntN(len(d.TrainZ))
		flip := rng.IntN(2) == 1
		dy, dx := rng.IntN(2*c.Translate+1)-c.Translate, rng.IntN(2*c.Translate+1)-c.Translate
		x := Augment(d.Train[i*n:(i+1)*n], s, flip, dy, dx)
		X, err := img.RealFFT2(x, s, s)
		if err != nil {
			return nil, err
		}
		spectra[k] = X
		in, err := d.Density.CorruptSpectrum(X, rng)
		if err != nil {
			return nil, err
		}
		b.Input = append(b.Input, in.Unbiased...)
		b.Mask = append(b.Mask, in.Mask...)
		for _, v := range in.Measured {
			b.MeasRe = append(b.MeasRe, float32(real(v)))
			b.MeasIm = append(b.MeasIm, float32(imag(v)))
		}
		b.Clean = append(b.Clean, x...)
	}
	if target == TargetClean {
		b.Target = b.Clean
		return b, nil
	}
	// The targets' masks are drawn after all the inputs', so that the
	// inputs do not depend on the target.
	for _, X := range spectra {
		tg, err := d.Density.CorruptSpectrum(X, rng)
		if err != nil {
			return nil, err
		}
		b.Target = append(b.Target, tg.Unbiased...)
	}
	return b, nil
}

// ReconstructorModel is the network as a kit/train model function: the
// U-Net on x^ centred on 0 (0.5 added back to its output), followed, if
// postStep, by [PutBackKnown]:
//
//	in[0]: [B, S, S, 1] float32, x^
//	in[1]: [B, S, S] mask m; in[2], in[3]: [B, S, S] Re and Im of m X
//	out:   [B, S, S, 1] float32
//
// The variables do not depend on postStep: a store trained with it can be
// evaluated without it. With rampDownSteps > 0 it also sets Adam's
// learning rate along a half cosine from lr to 0 over that many steps.
func ReconstructorModel(cfg n2n.UNetConfig, lr float64, rampDownSteps int, postStep bool) train.ModelFn {
	return train.WithCosineDecay(func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		if len(in) != 4 {
			exceptions.Panicf("mri.ReconstructorModel: takes 4 inputs (x^, mask, Re and Im of m X), got %d", len(in))
		}
		x := in[0]
		y := graph.AddScalar(n2n.UNet(scope, graph.AddScalar(x, -0.5), cfg), 0.5)
		if postStep {
			y = graph.ExpandAxes(PutBackKnown(graph.Squeeze(y, -1), in[1], in[2], in[3]), -1)
		}
		return []*graph.Node{y}
	}, lr, rampDownSteps)
}

// Reconstructor is a trained (or cache-loaded) network with its scores on
// the held-out slices.
type Reconstructor struct {
	Target Target
	Config ExperimentConfig
	// Train holds the run: losses, the held-out PSNR every EvalEvery steps
	// (Train.Evals, dB, with the post-step), timings, whether it was cached.
	Train *train.Result
	// PSNR is the mean PSNR (dB; prediction clipped to [0, 1]) of the
	// held-out slices with the known frequencies put back, the paper's
	// protocol; PSNRNoPost that of the U-Net's output alone.
	PSNR, PSNRNoPost float64
}

func (r *Reconstructor) model(postStep bool) train.ModelFn {
	ramp := 0
	if r.Config.RampDown {
		ramp = r.Config.Steps
	}
	return ReconstructorModel(r.Config.UNet(), r.Config.LR, ramp, postStep)
}

// testTensors returns the test set's model inputs as fresh tensors.
func (d *ExperimentData) testTensors() []*tensors.Tensor {
	ts := d.TestShape()
	b := &Batch{B: ts.N, S: ts.H}
	for _, c := range d.TestCorrupted {
		b.Input = append(b.Input, c.Unbiased...)
		b.Mask = append(b.Mask, c.Mask...)
		for _, v := range c.Measured {
			b.MeasRe = append(b.MeasRe, float32(real(v)))
			b.MeasIm = append(b.MeasIm, float32(imag(v)))
		}
	}
	b.Target = b.Input // unused
	in, _ := b.Tensors()
	return in
}

// predict runs p on the whole test set: [len(TestZ), S, S, 1].
func (d *ExperimentData) predict(p *train.Predictor) ([]float32, error) {
	out, err := p.Call(d.testTensors()...)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, o := range out {
			_ = o.FinalizeAll()
		}
	}()
	return tensors.CopyFlatData[float32](out[0])
}

// Reconstruct runs the network on the held-out slices (their fixed
// corruptions) and returns its output [len(TestZ), S, S, 1], with the
// known frequencies put back if postStep.
func (d *ExperimentData) Reconstruct(r *Reconstructor, postStep bool) ([]float32, error) {
	p, err := train.NewPredictor(nil, r.Train.Store, r.model(postStep))
	if err != nil {
		return nil, err
	}
	defer p.Finalize()
	return d.predict(p)
}

// CacheKey is the kit/train cache key of the reconstructor trained on
// target. It covers the config and, for slices given to
// [NewExperimentData] by the caller, a fingerprint of them (so that a
// network trained on other slices is never loaded in place of this one);
// data from [LoadExperimentData] are named by the config alone.
func (d *ExperimentData) CacheKey(target Target) (string, error) {
	return train.CacheKey("mri_unet_"+target.String(), ExperimentCodeVersion, struct {
		Target Target
		Config ExperimentConfig
		Data   string `json:",omitempty"`
	}{target, d.Config, d.dataID})
}

// TrainReconstructor trains the U-Net (with the post-step in the graph) on
// target pairs, or loads it from kit/train's cache, and scores it on the
// held-out slices. progress, if not nil, receives kit/train's reports.
func (d *ExperimentData) TrainReconstructor(target Target, progress func(train.Progress)) (*Reconstructor, error) {
	if target != TargetClean && target != TargetNoisy {
		return nil, fmt.Errorf("mri: unknown target %q (want %q or %q)", string(target), TargetClean, TargetNoisy)
	}
	c := d.Config
	r := &Reconstructor{Target: target, Config: c}
	key, err := d.CacheKey(target)
	if err != nil {
		return nil, err
	}
	fn := r.model(true)
	ts := d.TestShape()
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
		out, err := d.predict(pred)
		if err != nil {
			return 0, err
		}
		return img.MeanPSNR(out, d.Test, ts)
	}
	every := c.EvalEvery
	if every == 0 {
		every = c.Steps
	}
	res, err := train.RunCached("", key, train.Config{
		Name:  "mri/unet " + target.String(),
		Model: fn, Loss: loss.MeanSquaredError,
		Batches: func(step int) (in, labels []*tensors.Tensor, err error) {
			b, err := d.Batch(target, step)
			if err != nil {
				return nil, nil, err
			}
			in, labels = b.Tensors()
			return in, labels, nil
		},
		Steps: c.Steps, Seed: c.Seed, LearningRate: c.LR,
		Eval: eval, EvalEvery: every,
		Progress: progress,
	})
	if err != nil {
		return nil, err
	}
	r.Train = res
	for _, post := range []bool{true, false} {
		out, err := d.Reconstruct(r, post)
		if err != nil {
			return nil, err
		}
		v, err := img.MeanPSNR(out, d.Test, ts)
		if err != nil {
			return nil, err
		}
		if post {
			r.PSNR = v
		} else {
			r.PSNRNoPost = v
		}
	}
	return r, nil
}

// ExperimentResult gathers the rows of the comparison.
type ExperimentResult struct {
	Config ExperimentConfig
	// ZeroFilledPSNR and InputPSNR score the zero-filled reconstruction
	// IDFT(m X) and the network's input x^ on the held-out slices (mean
	// PSNR, dB, clipped to [0, 1]).
	ZeroFilledPSNR, InputPSNR float64
	N2N, N2C                  *Reconstructor
	TestSlices                int
}

// RunExperiment trains (or loads) both reconstructors and scores them
// beside the zero-filled reconstruction. progress, if not nil, gives each
// run's progress callback (nil for none).
func (d *ExperimentData) RunExperiment(progress func(Target) func(train.Progress)) (*ExperimentResult, error) {
	r := &ExperimentResult{Config: d.Config, TestSlices: len(d.TestZ)}
	ub, zf := d.TestInputs()
	var err error
	if r.ZeroFilledPSNR, err = img.MeanPSNR(zf, d.Test, d.TestShape()); err != nil {
		return nil, err
	}
	if r.InputPSNR, err = img.MeanPSNR(ub, d.Test, d.TestShape()); err != nil {
		return nil, err
	}
	for _, t := range []Target{TargetNoisy, TargetClean} {
		var cb func(train.Progress)
		if progress != nil {
			cb = progress(t)
		}
		m, err := d.TrainReconstructor(t, cb)
		if err != nil {
			return nil, err
		}
		if t == TargetNoisy {
			r.N2N = m
		} else {
			r.N2C = m
		}
	}
	return r, nil
}

// Table renders the comparison as Markdown.
func (r *ExperimentResult) Table() string {
	c := r.Config
	var sb strings.Builder
	fmt.Fprintf(&sb, "| reconstruction | trained on | PSNR (dB), %d held-out slices %dx%d | U-Net output alone (dB) |\n|---|---|---:|---:|\n",
		r.TestSlices, c.Size, c.Size)
	fmt.Fprintf(&sb, "| zero-filled, IDFT(m X) | | %.2f | |\n", r.ZeroFilledPSNR)
	fmt.Fprintf(&sb, "| unbiased input x^ = IDFT(m X / p) | | %.2f | |\n", r.InputPSNR)
	for _, m := range []*Reconstructor{r.N2N, r.N2C} {
		if m == nil {
			continue
		}
		what := "(x^, y^): two independent corruptions, no clean slice"
		if m.Target == TargetClean {
			what = "(x^, x): clean slices"
		}
		fmt.Fprintf(&sb, "| U-Net %s + known frequencies put back | %s, %d steps | %.2f | %.2f |\n",
			m.Target, what, m.Train.Steps, m.PSNR, m.PSNRNoPost)
	}
	return sb.String()
}
