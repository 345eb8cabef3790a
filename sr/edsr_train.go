// A small EDSR trained on natural photos with the EDSR protocol: LR images
// made by MATLAB's antialiased bicubic downsampling of the whole HR photo,
// aligned LR/HR patches with random flips and 90° rotations, L1 loss, Adam;
// evaluation on held-out photos by PSNR on the luminance Y with a
// scale-sized border ignored, against bicubic upscaling.

package sr

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/img"
	"github.com/dlc-go/denoising/kit/train"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// EDSRTrainConfig holds every setting of a small-EDSR training run (also
// its cache key, except the json:"-" fields).
type EDSRTrainConfig struct {
	Net EDSRConfig // the architecture (Net.Scale is the upscaling factor)

	// PhotoFactor box-downscales the photos on load (data.LoadPhotos): the
	// HR images are the photos at 1/PhotoFactor of their size, which also
	// averages away JPEG noise.
	PhotoFactor int
	Patch       int     // LR patch side; HR patches are Patch·Scale
	Batch       int     // patches per step
	Steps       int     // Adam steps
	Learning    float64 // Adam's learning rate (the paper: 1e-4)
	// CosineDecay lowers the learning rate from Learning to 0 along a half
	// cosine over the Steps (step k, from 0: Learning·(1 + cos(πk/Steps))/2),
	// a smooth version of the paper's halvings: it averages out the noise
	// of the last steps of a short run at a high rate.
	CosineDecay bool   `json:",omitempty"`
	Seed        uint64 // seeds the weights and the patch sampling

	// EvalEvery > 0 measures, every EvalEvery steps and after the last,
	// the network's PSNR on the held-out photos (the protocol of
	// [EvaluateEDSR] on EvalCrop x EvalCrop HR centre crops); the values
	// land in Train.Evals (kept in the cache). Nothing is selected on
	// them: the last step's model is the result.
	EvalEvery int
	EvalCrop  int

	// InitFrom, if set, is the run whose trained network initialises this
	// one, as the paper initialises its x3 and x4 models with the x2 one:
	// the head, the body and the last convolution are copied, the
	// upsampler (scope "tail/0") starts fresh, and so does Adam. It must
	// have the same Blocks and Feats. TrainEDSR trains it first (or loads
	// it from the cache); it is part of this run's cache key.
	InitFrom *EDSRTrainConfig `json:",omitempty"`

	Cache    bool                 `json:"-"`
	Progress func(train.Progress) `json:"-"`
}

// DefaultEDSRTrainConfig is a small EDSR for the notebook: x2, 8 blocks,
// 32 channels, no residual scaling, 16 patches of 24x24 LR (48x48 HR) per
// step, Adam on the L1 loss at 1e-3 with a cosine decay to 0, photos at
// 1/4 size. FULL: 1000 steps, which reached 36.72 dB on 192x192 crops of
// the held-out photos (bicubic 35.90); QUICK: 3 steps of 4 patches. On the
// forked pure-Go backend (2 shared cores) a step took 0.44 s with the
// machine lightly loaded, 0.75 s on average under load (13 min for 1000).
// The paper trains 300000 steps of 16 patches of 48x48 at lr 1e-4.
func DefaultEDSRTrainConfig() EDSRTrainConfig {
	return EDSRTrainConfig{
		Net:         EDSRConfig{Blocks: 8, Feats: 32, ResScale: 1, Scale: 2, RGBRange: 1},
		PhotoFactor: 4, Patch: 24,
		Batch: train.Pick(4, 16), Steps: train.Pick(3, 1000), Learning: 1e-3, CosineDecay: true, Seed: 1,
	}
}

func (c EDSRTrainConfig) Validate() error {
	if err := c.Net.Validate(); err != nil {
		return err
	}
	switch {
	case c.PhotoFactor < 1:
		return fmt.Errorf("sr: EDSRTrainConfig.PhotoFactor must be >= 1, got %d", c.PhotoFactor)
	case c.Patch < 1:
		return fmt.Errorf("sr: EDSRTrainConfig.Patch must be >= 1, got %d", c.Patch)
	case c.Batch < 1:
		return fmt.Errorf("sr: EDSRTrainConfig.Batch must be >= 1, got %d", c.Batch)
	case c.Steps < 1:
		return fmt.Errorf("sr: EDSRTrainConfig.Steps must be >= 1, got %d", c.Steps)
	case !(c.Learning > 0):
		return fmt.Errorf("sr: EDSRTrainConfig.Learning must be > 0, got %g", c.Learning)
	case c.EvalEvery < 0:
		return fmt.Errorf("sr: EDSRTrainConfig.EvalEvery must be >= 0, got %d", c.EvalEvery)
	case c.EvalEvery > 0 && (c.EvalCrop%c.Net.Scale != 0 || c.EvalCrop <= 2*c.Net.Scale):
		return fmt.Errorf("sr: EDSRTrainConfig.EvalCrop %d must be a multiple of the scale %d and > %d", c.EvalCrop, c.Net.Scale, 2*c.Net.Scale)
	}
	if i := c.InitFrom; i != nil {
		if err := i.Validate(); err != nil {
			return fmt.Errorf("sr: EDSRTrainConfig.InitFrom: %w", err)
		}
		if i.Net.Blocks != c.Net.Blocks || i.Net.Feats != c.Net.Feats {
			return fmt.Errorf("sr: EDSRTrainConfig.InitFrom has B=%d, F=%d, this run B=%d, F=%d",
				i.Net.Blocks, i.Net.Feats, c.Net.Blocks, c.Net.Feats)
		}
	}
	return nil
}

// Model is the [train.ModelFn]: inputs[0] = LR [B, h, w, 3] -> {SR [B, s·h, s·w, 3]}.
// With CosineDecay it also sets the learning rate of the training step
// (nothing changes at inference).
func (c EDSRTrainConfig) Model() train.ModelFn {
	net := c.Net
	fn := train.ModelFn(func(scope *model.Scope, inputs []*Node) []*Node {
		return []*Node{EDSR(scope, inputs[0], net)}
	})
	if !c.CosineDecay {
		return fn
	}
	return train.WithCosineDecay(fn, c.Learning, c.Steps)
}

// SRPair is an HR image and its LR version, DownsampleBicubic(ModCrop(HR)).
type SRPair struct {
	HR, LR *data.Image
}

// MakePairs crops every image to a multiple of scale and downsamples it
// with [DownsampleBicubic].
func MakePairs(images []*data.Image, scale int) ([]SRPair, error) {
	out := make([]SRPair, len(images))
	for i, im := range images {
		hr, err := ModCrop(im, scale)
		if err != nil {
			return nil, err
		}
		lr, err := DownsampleBicubic(hr, scale)
		if err != nil {
			return nil, err
		}
		out[i] = SRPair{HR: hr, LR: lr}
	}
	return out, nil
}

// LoadPhotoPairs loads the training and held-out photos of kit/data
// (data.PhotoSplit) in RGB, box-downscaled by photoFactor, and makes their
// LR versions for the given scale.
func LoadPhotoPairs(photoFactor, scale int) (trainPairs, testPairs []SRPair, err error) {
	tr, te, err := data.PhotoSplit()
	if err != nil {
		return nil, nil, err
	}
	if len(tr) == 0 || len(te) == 0 {
		return nil, nil, fmt.Errorf("sr: no photos installed (%s)", data.PhotosInstallCommand)
	}
	load := func(ps []data.Photo) ([]SRPair, error) {
		ims, err := data.LoadPhotos(ps, false, photoFactor)
		if err != nil {
			return nil, err
		}
		return MakePairs(ims, scale)
	}
	if trainPairs, err = load(tr); err != nil {
		return nil, nil, err
	}
	if testPairs, err = load(te); err != nil {
		return nil, nil, err
	}
	return trainPairs, testPairs, nil
}

// streamPatches is the PCG stream of patch sampling.
const streamPatches = 0x7061746368 // "patch"

// SamplePatches draws n aligned patch pairs from pairs: pair i uniform, LR
// corner (y, x) uniform, HR corner (s·y, s·x), then one of the 8
// flips/rotations (EDSR's augmentation) applied to both. Deterministic for
// (seed, step). It returns LR [n, p, p, C] and HR [n, s·p, s·p, C].
func SamplePatches(pairs []SRPair, scale, p, n int, seed uint64, step int) (lr, hr []float32, err error) {
	if len(pairs) == 0 {
		return nil, nil, errors.New("sr: SamplePatches: no images")
	}
	c := pairs[0].LR.C
	for _, pr := range pairs {
		if pr.LR == nil || pr.HR == nil || pr.LR.C != c || pr.HR.C != c {
			return nil, nil, errors.New("sr: SamplePatches: malformed pair or mixed channel counts")
		}
		if pr.LR.H < p || pr.LR.W < p || pr.HR.H < scale*pr.LR.H || pr.HR.W < scale*pr.LR.W {
			return nil, nil, fmt.Errorf("sr: SamplePatches: image %q (LR %dx%d, HR %dx%d) too small for LR patch %d at x%d",
				pr.LR.Name, pr.LR.H, pr.LR.W, pr.HR.H, pr.HR.W, p, scale)
		}
	}
	rng := rand.New(rand.NewPCG(seed, streamPatches^uint64(step)))
	P := scale * p
	lr = make([]float32, n*p*p*c)
	hr = make([]float32, n*P*P*c)
	for k := range n {
		pr := pairs[rng.IntN(len(pairs))]
		y := rng.IntN(pr.LR.H - p + 1)
		x := rng.IntN(pr.LR.W - p + 1)
		t := rng.IntN(8)
		data.CutDihedral(lr[k*p*p*c:(k+1)*p*p*c], pr.LR, y, x, p, t)
		data.CutDihedral(hr[k*P*P*c:(k+1)*P*P*c], pr.HR, scale*y, scale*x, P, t)
	}
	return lr, hr, nil
}

// EDSRResult is a trained small EDSR.
type EDSRResult struct {
	Config EDSRTrainConfig
	Train  *train.Result // Store, per-step L1 loss, timings, cache status
}

const edsrCodeVersion = "sr-edsr-v1"

// TrainEDSR trains EDSR (cfg.Net) on patches of the training photos (see
// [LoadPhotoPairs], [SamplePatches]) with the L1 loss and Adam, as the
// paper does (at a far smaller size and budget). With cfg.Cache the model
// is loaded from (or saved to) kit/train's cache.
func TrainEDSR(cfg EDSRTrainConfig) (*EDSRResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var store *model.Store
	if cfg.InitFrom != nil {
		base, err := TrainEDSR(*cfg.InitFrom)
		if err != nil {
			return nil, fmt.Errorf("sr: TrainEDSR: InitFrom: %w", err)
		}
		if store, err = initialStore(base.Train.Store); err != nil {
			return nil, err
		}
	}
	// The photos are loaded only if the model must be trained (not when it
	// comes from the cache).
	return trainEDSRWith(cfg, store, func() ([]SRPair, []*data.Image, error) {
		trainPairs, _, err := LoadPhotoPairs(cfg.PhotoFactor, cfg.Net.Scale)
		if err != nil {
			return nil, nil, err
		}
		var evalIms []*data.Image
		if cfg.EvalEvery > 0 {
			if evalIms, err = heldOutPhotos(cfg.PhotoFactor); err != nil {
				return nil, nil, err
			}
		}
		return trainPairs, evalIms, nil
	})
}

// trainEDSROn trains on pairs; evalIms are the held-out images of the
// evaluations during training (used only if cfg.EvalEvery > 0).
func trainEDSROn(cfg EDSRTrainConfig, pairs []SRPair, evalIms []*data.Image) (*EDSRResult, error) {
	return trainEDSRWith(cfg, nil, func() ([]SRPair, []*data.Image, error) { return pairs, evalIms, nil })
}

// upsamplerScope is the scope of EDSR's upsampler, which depends on the scale.
const upsamplerScope = "/tail/0"

// initialStore copies the trained variables of an EDSR store, except the
// upsampler's, into a new store (see EDSRTrainConfig.InitFrom).
func initialStore(from *model.Store) (*model.Store, error) {
	if from == nil {
		return nil, errors.New("sr: InitFrom: no trained store")
	}
	to := model.NewStore()
	n := 0
	for v := range from.IterVariables() {
		if !v.Trainable || v.Scope() == upsamplerScope || strings.HasPrefix(v.Scope(), upsamplerScope+"/") {
			continue
		}
		if _, err := v.CloneToStore(to); err != nil {
			return nil, fmt.Errorf("sr: InitFrom: copying %s: %w", v.Path(), err)
		}
		n++
	}
	if n == 0 {
		return nil, errors.New("sr: InitFrom: the trained store has no variables outside the upsampler")
	}
	return to, nil
}

// edsrData is what training needs, loaded on first use.
type edsrData struct {
	once   sync.Once
	load   func() ([]SRPair, []*data.Image, error)
	pairs  []SRPair
	hr, lr []float32 // held-out crops for the evaluations
	n      int       // held-out crops
	err    error
}

func (d *edsrData) get(cfg EDSRTrainConfig) error {
	d.once.Do(func() {
		var ims []*data.Image
		if d.pairs, ims, d.err = d.load(); d.err != nil {
			return
		}
		if cfg.EvalEvery > 0 {
			if len(ims) == 0 {
				d.err = errors.New("sr: TrainEDSR: EvalEvery > 0 but no held-out images")
				return
			}
			var names []string
			d.hr, d.lr, names, d.err = heldOutCropsOf(ims, cfg.Net.Scale, cfg.EvalCrop)
			d.n = len(names)
		}
	})
	return d.err
}

// trainEDSRWith trains with the data of load, called once, at the first
// batch (never if the model comes from the cache); store, if not nil,
// holds initial values of some variables.
func trainEDSRWith(cfg EDSRTrainConfig, store *model.Store, load func() ([]SRPair, []*data.Image, error)) (*EDSRResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d := &edsrData{load: load}
	s, p := cfg.Net.Scale, cfg.Patch
	batches := func(step int) ([]*tensors.Tensor, []*tensors.Tensor, error) {
		if err := d.get(cfg); err != nil {
			return nil, nil, err
		}
		lr, hr, err := SamplePatches(d.pairs, s, p, cfg.Batch, cfg.Seed, step)
		if err != nil {
			return nil, nil, err
		}
		return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(lr, cfg.Batch, p, p, 3)},
			[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(hr, cfg.Batch, s*p, s*p, 3)}, nil
	}
	name := fmt.Sprintf("sr/edsr-x%d-b%d-f%d", s, cfg.Net.Blocks, cfg.Net.Feats)
	tc := train.Config{
		Name: name, Model: cfg.Model(), Loss: loss.MeanAbsoluteError, Batches: batches,
		Steps: cfg.Steps, Seed: int64(cfg.Seed), LearningRate: cfg.Learning, Progress: cfg.Progress,
		Store: store,
	}
	if cfg.EvalEvery > 0 {
		proto := img.Protocol{Luminance: true, Border: s}
		q := cfg.EvalCrop / s
		tc.EvalEvery = cfg.EvalEvery
		tc.Eval = func(_ int, store *model.Store) (float64, error) {
			if err := d.get(cfg); err != nil {
				return 0, err
			}
			pred, _, err := train.Predict(nil, store, cfg.Model(), d.lr, []int{d.n, q, q, 3}, 1)
			if err != nil {
				return 0, err
			}
			return proto.MeanPSNR(pred, d.hr, img.Shape{N: d.n, H: cfg.EvalCrop, W: cfg.EvalCrop, C: 3})
		}
	}
	var res *train.Result
	var err error
	if cfg.Cache {
		key, err := train.CacheKey("sr/edsr", edsrCodeVersion, cfg)
		if err != nil {
			return nil, err
		}
		if res, err = train.RunCached("", key, tc); err != nil {
			return nil, err
		}
	} else if res, err = train.Run(tc); err != nil {
		return nil, err
	}
	return &EDSRResult{Config: cfg, Train: res}, nil
}

// SREval is the PSNR comparison of [EvaluateEDSR].
type SREval struct {
	Scale int
	Crop  int      // HR side of the centre crops
	Names []string // test photos
	Rows  []PSNRRow
}

// String renders the comparison as a Markdown table.
func (e SREval) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "| x%d, %d held-out photos (%dx%d HR centre crops), PSNR on Y, border %d | dB |\n|---|---:|\n",
		e.Scale, len(e.Names), e.Crop, e.Crop, e.Scale)
	for _, r := range e.Rows {
		fmt.Fprintf(&sb, "| %s | %.2f |\n", r.Method, r.PSNR)
	}
	return sb.String()
}

// EvaluateEDSR compares, on the centre crop (crop x crop HR pixels, a
// multiple of the scale) of each held-out photo, the network r with
// bicubic upscaling (MATLAB's and PyTorch's kernels) and nearest, all
// from the same LR image DownsampleBicubic(HR). PSNR follows the SR
// benchmark protocol: on the BT.601 luminance Y (kit/img's Luminance:
// Y = 16/255 + (65.481 R + 128.553 G + 24.966 B)/255), a border of Scale
// pixels ignored, prediction clipped to [0, 1], mean over photos. r nil
// gives the baselines only.
func EvaluateEDSR(r *EDSRResult, scale, photoFactor, crop int) (SREval, error) {
	ims, err := heldOutPhotos(photoFactor)
	if err != nil {
		return SREval{}, err
	}
	return evaluateEDSROn(r, ims, scale, crop)
}

// heldOutPhotos loads the held-out photos of data.PhotoSplit in RGB,
// box-downscaled by photoFactor.
func heldOutPhotos(photoFactor int) ([]*data.Image, error) {
	_, te, err := data.PhotoSplit()
	if err != nil {
		return nil, err
	}
	if len(te) == 0 {
		return nil, fmt.Errorf("sr: no held-out photos installed (%s)", data.PhotosInstallCommand)
	}
	return data.LoadPhotos(te, false, photoFactor)
}

// HeldOutCrops returns the evaluation data of [EvaluateEDSR]: the centre
// crop of each held-out photo (box-downscaled by photoFactor), HR
// [n, crop, crop, 3], its LR version DownsampleBicubic(HR)
// [n, crop/scale, crop/scale, 3], and the photos' names. crop must be a
// multiple of scale and larger than 2·scale.
func HeldOutCrops(scale, photoFactor, crop int) (hr, lr []float32, names []string, err error) {
	ims, err := heldOutPhotos(photoFactor)
	if err != nil {
		return nil, nil, nil, err
	}
	return heldOutCropsOf(ims, scale, crop)
}

func heldOutCropsOf(ims []*data.Image, scale, crop int) (hr, lr []float32, names []string, err error) {
	if err := checkScale(scale); err != nil {
		return nil, nil, nil, err
	}
	if crop < 1 || crop%scale != 0 || crop <= 2*scale {
		return nil, nil, nil, fmt.Errorf("sr: crop %d must be a multiple of the scale %d and > %d", crop, scale, 2*scale)
	}
	if len(ims) == 0 {
		return nil, nil, nil, errors.New("sr: no test images")
	}
	for _, im := range ims {
		if im.C != 3 || im.H < crop || im.W < crop {
			return nil, nil, nil, fmt.Errorf("sr: image %q is %dx%dx%d, want RGB of at least %dx%d", im.Name, im.H, im.W, im.C, crop, crop)
		}
		c, err := Crop(im, (im.H-crop)/2, (im.W-crop)/2, crop, crop)
		if err != nil {
			return nil, nil, nil, err
		}
		l, err := DownsampleBicubic(c, scale)
		if err != nil {
			return nil, nil, nil, err
		}
		hr = append(hr, c.Pix...)
		lr = append(lr, l.Pix...)
		names = append(names, im.Name)
	}
	return hr, lr, names, nil
}

// Upscale applies the trained network to LR images lr: [n, h, w, 3]
// (flat, RGB in [0, 1]) and returns SR [n, s·h, s·w, 3] (not clipped),
// one image at a time.
func (r *EDSRResult) Upscale(lr []float32, n, h, w int) ([]float32, error) {
	if r == nil || r.Train == nil || r.Train.Store == nil {
		return nil, errors.New("sr: EDSRResult.Upscale: no trained model")
	}
	if n < 1 || h < 1 || w < 1 || len(lr) != n*h*w*3 {
		return nil, fmt.Errorf("sr: EDSRResult.Upscale: %d values for [%d, %d, %d, 3]", len(lr), n, h, w)
	}
	out, _, err := train.Predict(nil, r.Train.Store, r.Config.Model(), lr, []int{n, h, w, 3}, 1)
	return out, err
}

func evaluateEDSROn(r *EDSRResult, ims []*data.Image, scale, crop int) (SREval, error) {
	if err := checkScale(scale); err != nil {
		return SREval{}, err
	}
	if r != nil && r.Config.Net.Scale != scale {
		return SREval{}, fmt.Errorf("sr: EvaluateEDSR: the network is x%d, asked for x%d", r.Config.Net.Scale, scale)
	}
	hr, lr, names, err := heldOutCropsOf(ims, scale, crop)
	if err != nil {
		return SREval{}, fmt.Errorf("sr: EvaluateEDSR: %w", err)
	}
	n := len(names)
	ev := SREval{Scale: scale, Crop: crop, Names: names}
	q := crop / scale
	sLR := img.Shape{N: n, H: q, W: q, C: 3}
	sHR := img.Shape{N: n, H: crop, W: crop, C: 3}
	proto := img.Protocol{Luminance: true, Border: scale}
	add := func(name string, pred []float32) error {
		p, err := proto.MeanPSNR(pred, hr, sHR)
		if err != nil {
			return err
		}
		ev.Rows = append(ev.Rows, PSNRRow{Method: name, PSNR: p})
		return nil
	}
	for _, m := range []Method{Nearest, Bicubic, BicubicMATLAB} {
		up, _, err := UpscaleBatch(lr, sLR, scale, m)
		if err != nil {
			return SREval{}, err
		}
		if err := add(m.String(), up); err != nil {
			return SREval{}, err
		}
	}
	if r != nil {
		if r.Train == nil || r.Train.Store == nil {
			return SREval{}, errors.New("sr: EvaluateEDSR: no trained model")
		}
		pred, _, err := train.Predict(nil, r.Train.Store, r.Config.Model(), lr, []int{n, q, q, 3}, 1)
		if err != nil {
			return SREval{}, err
		}
		net := r.Config.Net
		if err := add(fmt.Sprintf("EDSR (B=%d, F=%d)", net.Blocks, net.Feats), pred); err != nil {
			return SREval{}, err
		}
	}
	return ev, nil
}
