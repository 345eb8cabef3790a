// The filter experiment of Vincent et al. (2010, section 6.1, figures 5
// and 6): four autoencoders with 200 hidden units on 12x12 natural image
// patches, their filters, and numbers that summarise how Gabor-like they
// are.

package sdae

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/dlc-go/denoising/kit/data"
)

// PatchStudy sets the data of the filter experiment.
type PatchStudy struct {
	N      int    // number of patches (> 0)
	Factor int    // photo downscaling factor (>= 1, box filter) before whitening
	Seed   uint64 // seeds the patch positions
	// Method is PreprocessWhitenImages (Olshausen's recipe, the default) or
	// a patch-level method (PreprocessZCA, PreprocessUnitVariance).
	Method Preprocess
	// F0 is the roll-off frequency of [WhiteningFilter] in cycles per
	// pixel of the downscaled photo (PreprocessWhitenImages; > 0).
	F0 float64
	// Border pixels are cropped from each side of every whitened photo
	// (the periodic boundary of the Fourier filter mixes them with the
	// opposite side; PreprocessWhitenImages; >= 0).
	Border int
	// Eps is the ZCA regulariser, a fraction of the mean eigenvalue
	// (PreprocessZCA; >= 0).
	Eps float64
	// Variance is the variance per component (on average) that the
	// patches are scaled to (>= 0; 0 means 1). It sets the scale of the
	// data relative to the sigmoid and to the absolute noise levels of
	// the filter experiment (Gaussian sigma = 0.5): [DefaultPatchStudy]
	// uses 0.1, the scale of Olshausen's whitened images (see
	// [FilterModels] for what it changes).
	Variance float64
}

// DefaultPatchStudy is 50 000 patches of the training photos downscaled
// by 8 and whitened whole by Olshausen and Field's filter with f0 = 0.4
// cycles per pixel, 8 border pixels cropped, scaled to variance 0.1 per
// component (Olshausen's scale; see [LoadPatches]).
//
// Why these: at factor 4 and with patch-level ZCA, even a converged ICA
// gave checkerboards and global gratings rather than Gabor filters (the
// photos carry pixel-level content, JPEG blocks and sharpening, that ZCA
// amplifies); with whole-image whitening a converged FastICA with all 144
// components gives a majority of Gabor-like basis functions (measured
// 56% at factor 8, 20 000 patches; see [FastICA] and notebook 07).
func DefaultPatchStudy() PatchStudy {
	return PatchStudy{N: 50000, Factor: 8, Seed: 1, Method: PreprocessWhitenImages, F0: 0.4, Border: 8, Variance: 0.1}
}

// Name is a short label of the data for cache keys and captions, e.g.
// "white-f8-0.4-b8", "white-f8-0.4-b8-v0.1" (Variance 0.1) or
// "zca-f4-0.1".
func (s PatchStudy) Name() string {
	var name string
	switch s.Method {
	case PreprocessWhitenImages:
		name = fmt.Sprintf("white-f%d-%g-b%d", s.Factor, s.F0, s.Border)
	case PreprocessZCA:
		name = fmt.Sprintf("zca-f%d-%g", s.Factor, s.Eps)
	default:
		name = fmt.Sprintf("unit-f%d", s.Factor)
	}
	if s.Variance != 0 && s.Variance != 1 {
		name += fmt.Sprintf("-v%g", s.Variance)
	}
	return name
}

// WhitenedPhotos returns the gray training photos (data.PhotoSplit)
// downscaled by s.Factor, each whitened whole by [WhitenImage] with s.F0,
// cropped by s.Border pixels on every side and scaled to unit variance
// (Olshausen and Field's images all have the same variance): [H, W, 1]
// float32 images (not in [0, 1]).
func WhitenedPhotos(s PatchStudy) ([]*data.Image, error) {
	if s.Factor < 1 || !(s.F0 > 0) || s.Border < 0 {
		return nil, fmt.Errorf("sdae.WhitenedPhotos: need Factor >= 1, F0 > 0, Border >= 0, got %+v", s)
	}
	ims, err := grayPhotos(s.Factor)
	if err != nil {
		return nil, err
	}
	return whitenPhotos(ims, s)
}

// grayPhotos loads the gray training photos downscaled by factor.
func grayPhotos(factor int) ([]*data.Image, error) {
	trainPhotos, _, err := data.PhotoSplit()
	if err != nil {
		return nil, err
	}
	return data.LoadPhotos(trainPhotos, true, factor)
}

// whitenPhotos is WhitenedPhotos on loaded photos ims (not modified).
func whitenPhotos(ims []*data.Image, s PatchStudy) ([]*data.Image, error) {
	out := make([]*data.Image, len(ims))
	for i, im := range ims {
		w, err := WhitenImage(im.Pix, im.H, im.W, s.F0)
		if err != nil {
			return nil, fmt.Errorf("photo %s: %w", im.Name, err)
		}
		if h2, w2 := im.H-2*s.Border, im.W-2*s.Border; h2 < PatchSide || w2 < PatchSide {
			return nil, fmt.Errorf("sdae.WhitenedPhotos: photo %s is %dx%d after cropping, smaller than a patch", im.Name, w2, h2)
		}
		c := cropBorder(&data.Image{Name: im.Name, H: im.H, W: im.W, C: 1, Pix: w}, s.Border)
		if _, ok := scaleToMeanSquare(c.Pix, 1); !ok {
			return nil, fmt.Errorf("sdae.WhitenedPhotos: photo %s is constant", im.Name)
		}
		out[i] = c
	}
	return out, nil
}

// cropBorder returns the gray image im ([H, W, 1]) without b pixels on
// every side: [H-2b, W-2b, 1], a copy.
func cropBorder(im *data.Image, b int) *data.Image {
	h2, w2 := im.H-2*b, im.W-2*b
	c := make([]float32, h2*w2)
	for y := range h2 {
		copy(c[y*w2:(y+1)*w2], im.Pix[(y+b)*im.W+b:])
	}
	return &data.Image{Name: im.Name, H: h2, W: w2, C: 1, Pix: c}
}

// scaleToMeanSquare multiplies x in place by the factor that makes its
// mean square target, and returns the factor; ok is false (x unchanged)
// when x is all zero.
func scaleToMeanSquare(x []float32, target float64) (factor float64, ok bool) {
	v := 0.0
	for _, e := range x {
		v += float64(e) * float64(e)
	}
	if v == 0 {
		return 0, false
	}
	factor = math.Sqrt(target / (v / float64(len(x))))
	for i := range x {
		x[i] *= float32(factor)
	}
	return factor, true
}

// LoadPatches cuts s.N seeded 12x12 patches from the gray training photos
// (data.PhotoSplit) downscaled by s.Factor and preprocesses them by
// s.Method:
//
//   - PreprocessWhitenImages: the photos are whitened whole
//     ([WhitenedPhotos]), the patches cut from them as they are (no
//     per-patch mean removal; the filter removed the mean of each photo);
//   - PreprocessZCA, PreprocessUnitVariance: the patches are cut from the
//     photos and preprocessed with [PreprocessPatches] (s.Eps for ZCA).
//
// Either way the set is then scaled to variance s.Variance (0: 1) per
// component on average (ps.Scale is the factor) and named s.Name(). The
// scale matters to the filter experiment: the paper's noise levels are
// absolute (Gaussian sigma = 0.5), and the sigmoid sees the data's scale
// (see [FilterModels]). Also returns the raw patches ([N, 12, 12] in [0, 1], cut at
// the same positions of the downscaled, uncropped photos) for display.
func LoadPatches(s PatchStudy) (ps *PatchSet, raw []float32, err error) {
	if s.N < 1 || s.Factor < 1 || !(s.Eps >= 0) || !(s.Variance >= 0) || math.IsInf(s.Variance, 0) {
		return nil, nil, fmt.Errorf("sdae.LoadPatches: need N >= 1, Factor >= 1, Eps >= 0, finite Variance >= 0, got %+v", s)
	}
	orig, err := grayPhotos(s.Factor)
	if err != nil {
		return nil, nil, err
	}
	if s.Method == PreprocessWhitenImages {
		if !(s.F0 > 0) || s.Border < 0 {
			return nil, nil, fmt.Errorf("sdae.LoadPatches: need F0 > 0, Border >= 0, got %+v", s)
		}
		ims, err := whitenPhotos(orig, s)
		if err != nil {
			return nil, nil, err
		}
		set, err := data.Patches("patches", ims, s.N, PatchSide, s.Seed)
		if err != nil {
			return nil, nil, err
		}
		ps = &PatchSet{X: set.Images, N: s.N, Side: PatchSide, Method: s.Method, F0: s.F0, Scale: 1}
		// The raw patches at the same positions (the uncropped photo's
		// pixel (y+Border, x+Border)), for display.
		for i, im := range orig {
			orig[i] = cropBorder(im, s.Border)
		}
		rset, err := data.Patches("raw", orig, s.N, PatchSide, s.Seed)
		if err != nil {
			return nil, nil, err
		}
		raw = rset.Images
	} else {
		set, err := data.Patches("patches", orig, s.N, PatchSide, s.Seed)
		if err != nil {
			return nil, nil, err
		}
		if ps, err = PreprocessPatches(set.Images, PatchSide*PatchSide, s.Method, s.Eps); err != nil {
			return nil, nil, err
		}
		raw = set.Images
	}
	target := s.Variance
	if target == 0 {
		target = 1
	}
	sc, ok := scaleToMeanSquare(ps.X, target)
	if !ok {
		return nil, nil, errors.New("sdae.LoadPatches: all patches are zero")
	}
	ps.Scale *= sc
	ps.Name = s.Name()
	return ps, raw, nil
}

// Quantile returns the q-quantile (0 <= q <= 1, nearest rank) of xs.
func Quantile(xs []float32, q float64) (float64, error) {
	if len(xs) == 0 || !(q >= 0 && q <= 1) {
		return 0, fmt.Errorf("sdae.Quantile: need values and q in [0, 1], got %d values, q = %g", len(xs), q)
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return float64(s[int(math.Round(q*float64(len(s)-1)))]), nil
}

// FilterModel is one autoencoder of the filter experiment.
type FilterModel struct {
	Label  string // e.g. "(b) DAE, Gaussian sigma = 0.5"
	Config DAEConfig
}

// FilterModels returns the paper's four models on whitened patches (from
// [LoadPatches], at [DefaultPatchStudy]'s variance 0.1 per component), all
// with 200 sigmoid hidden units, tied weights, a linear decoder and the
// squared error (real-valued inputs), trained with Adam for steps steps of
// batch patches, the learning rate annealed from [FilterLR] to 0 by a half
// cosine, from small initial weights ([FilterInitScale] times the usual
// bound) and hidden biases starting at [FilterBiasInit]:
//
//	(a) a plain autoencoder with weight decay l2 (penalty l2 sum W^2);
//	(b) a DAE with Gaussian noise sigma = 0.5;
//	(c) a DAE with 10% salt-and-pepper noise, the values being the
//	    0.1% and 99.9% quantiles of the patches (lo, hi);
//	(d) a DAE with 55% masking noise.
//
// The configs are named "patches-<ps.Name>-<N>-<a..d>" ("patches-<N>-<a..d>"
// when ps.Name is empty) and cached.
//
// Three things make the DAEs learn Gabor-like filters (measured on
// DefaultPatchStudy's 50 000 patches, the first 30 filters, seed 1,
// 3000 steps of 500 unless said; the Gabor-like fraction of
// [SummarizeFilters]):
//
//   - the data's scale: at unit variance, where sigma = 0.5 is weak noise,
//     the heavy-tailed patches saturate the sigmoids, training stalls
//     above the loss of the best linear denoiser (29 against 17 after
//     6000 steps of the earlier recipe) and the filters stay random (0%,
//     also with the two changes below); at variance 0.1 (Olshausen's
//     scale, where sigma = 0.5 is strong noise) the DAE beats the linear
//     denoiser and (b) gets 47-67% Gabor-like;
//   - sparse hidden units, b starting at -3: with b at 0 the same run
//     stays random (0%, orientation 0.10), the units staying in their
//     linear range where the loss is blind to rotations of W;
//   - a large learning rate, 3e-2: 3e-3 gave 0% (orientation 0.25),
//     1e-2 17%, 3e-2 57% (67% at 6000 steps from initial scale 1).
//
// The whole recipe at 6000 steps of 500 (cmd/sdaefilters, seed 1, the
// first 100 filters; ~50 s a model at 8-9 ms a step, pure-Go backend, 2
// cores): (a) random-like, 0% Gabor-like (fit 0.19, orientation 0.11,
// localisation 0.18: the paper's random filters); (b) 52% Gabor-like
// (fit 0.92, orientation 0.83, localisation 0.60; 67% of the first 30,
// and 57% of them with seed 2); (c) 10% (fit 0.92, orientation 0.85,
// localisation 0.45: oriented, less localised, as in the paper); (d) 0%
// (fit 0.77, orientation 0.80, localisation 0.30: oriented, unlocalised,
// the paper's gratings).
func FilterModels(ps *PatchSet, steps, batch int, l2 float64, seed uint64) ([]FilterModel, error) {
	if ps == nil || ps.N < batch || steps < 1 || batch < 1 {
		return nil, errors.New("sdae.FilterModels: need patches, steps >= 1 and 1 <= batch <= N")
	}
	lo, err := Quantile(ps.X, 0.001)
	if err != nil {
		return nil, err
	}
	hi, err := Quantile(ps.X, 0.999)
	if err != nil {
		return nil, err
	}
	// Round the values so the cache key does not hang on float noise.
	lo, hi = math.Round(lo*100)/100, math.Round(hi*100)/100
	models := []FilterModel{
		{fmt.Sprintf("(a) AE, weight decay %g", l2), DAEConfig{Noise: Gaussian(0), L2: l2}},
		{"(b) DAE, Gaussian σ = 0.5", DAEConfig{Noise: Gaussian(0.5)}},
		{"(c) DAE, 10% salt-and-pepper", DAEConfig{Noise: SaltPepperRange(0.1, lo, hi)}},
		{"(d) DAE, 55% masking", DAEConfig{Noise: Masking(0.55)}},
	}
	for i := range models {
		c := &models[i].Config
		c.Name = fmt.Sprintf("patches-%d-%c", ps.N, 'a'+i)
		if ps.Name != "" {
			c.Name = fmt.Sprintf("patches-%s-%d-%c", ps.Name, ps.N, 'a'+i)
		}
		c.Hidden, c.LinearDecoder, c.Loss = 200, true, LossSquared
		c.Batch, c.Steps, c.Seed, c.Cache = batch, steps, seed, true
		c.LearningRate, c.CosineDecay, c.InitScale = FilterLR, true, FilterInitScale
		c.BiasInit = FilterBiasInit
	}
	return models, nil
}

// The training recipe of [FilterModels] (see there for what each was
// measured to do): Adam's initial learning rate, the scale of the initial
// weights and the initial hidden biases (sigmoid(-3) ~ 0.05: units
// mostly off, in the sigmoid's nonlinear range).
const (
	FilterLR        = 3e-2
	FilterInitScale = 0.1
	FilterBiasInit  = -3.0
)

// InitialWeights returns the encoder weights W [Hidden, d] that TrainDAE
// starts from for cfg (same seed, same initialisation), by running one
// step at a negligible learning rate (Adam moves each weight by about the
// learning rate, 1e-20) on the first Batch rows of x ([n, d]).
func InitialWeights(cfg DAEConfig, x []float32, d int) ([]float32, error) {
	cfg.Steps, cfg.LearningRate, cfg.SGD, cfg.WeightDecay = 1, 1e-20, false, 0
	cfg.Cache, cfg.EvalEvery, cfg.Progress = false, 0, nil
	if d < 1 || len(x) < cfg.Batch*d {
		return nil, fmt.Errorf("sdae.InitialWeights: need %d rows of %d values, got %d values", cfg.Batch, d, len(x))
	}
	r, err := TrainDAE(cfg, x[:cfg.Batch*d], d)
	if err != nil {
		return nil, err
	}
	w, _, err := r.Weights()
	return w, err
}

// RowCosines returns |cos| of the angle between row i of a and row i of b
// ([n, d] each): 1 when a filter is its initial filter up to scale, about
// sqrt(2 / (pi d)) ~ 0.07 (d = 144) for unrelated random filters.
func RowCosines(a, b []float32, d int) ([]float64, error) {
	if d < 1 || len(a) == 0 || len(a) != len(b) || len(a)%d != 0 {
		return nil, fmt.Errorf("sdae.RowCosines: need two [n, %d] matrices, got %d and %d values", d, len(a), len(b))
	}
	out := make([]float64, len(a)/d)
	for i := range out {
		var ab, aa, bb float64
		for k := i * d; k < (i+1)*d; k++ {
			ab += float64(a[k]) * float64(b[k])
			aa += float64(a[k]) * float64(a[k])
			bb += float64(b[k]) * float64(b[k])
		}
		if aa == 0 || bb == 0 {
			return nil, fmt.Errorf("sdae.RowCosines: row %d is zero", i)
		}
		out[i] = math.Abs(ab) / math.Sqrt(aa*bb)
	}
	return out, nil
}

// FilterSummary summarises the [FilterStats] of a set of filters by
// medians (robust to the few dead or saturated units) and the fraction
// of filters that are Gabor-like: Gabor fit FVE >= [GaborLikeFVE],
// localisation >= [GaborLikeLoc] and orientation selectivity >=
// [GaborLikeOri] (a single-pixel filter is localised and fitted well by a
// narrow Gabor, but has no orientation).
type FilterSummary struct {
	N                                int
	Localization, Orientation, FVE   float64 // medians
	GaborLike                        float64 // fraction (NaN without fits)
	MeanLocalization, MeanFVE, MeanR float64
}

// Thresholds of a Gabor-like filter in [FilterSummary]: a fitted Gabor
// explains at least 70% of its variance, at least 60% of its energy lies
// within 3 pixels of its centre (a uniform filter has ~20%), and its
// spectrum has an orientation selectivity of at least 0.3 (white noise
// ~0.1, an isotropic blob or a single pixel ~0).
const (
	GaborLikeFVE = 0.7
	GaborLikeLoc = 0.6
	GaborLikeOri = 0.3
)

// SummarizeFilters computes the [FilterSummary] of st (non-empty).
func SummarizeFilters(st []FilterStats) (FilterSummary, error) {
	if len(st) == 0 {
		return FilterSummary{}, errors.New("sdae.SummarizeFilters: no filters")
	}
	var loc, ori, fve []float64
	like := 0
	for _, s := range st {
		loc, ori = append(loc, s.Localization), append(ori, s.Orientation)
		if !math.IsNaN(s.GaborFVE) {
			fve = append(fve, s.GaborFVE)
			if s.GaborFVE >= GaborLikeFVE && s.Localization >= GaborLikeLoc && s.Orientation >= GaborLikeOri {
				like++
			}
		}
	}
	sum := FilterSummary{N: len(st), Localization: Median(loc), Orientation: Median(ori),
		MeanLocalization: mean(loc), MeanR: mean(ori), FVE: math.NaN(), MeanFVE: math.NaN(), GaborLike: math.NaN()}
	if len(fve) > 0 {
		sum.FVE, sum.MeanFVE = Median(fve), mean(fve)
		sum.GaborLike = float64(like) / float64(len(fve))
	}
	return sum, nil
}

// Median is the median of xs (NaN if empty); xs is not modified.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
