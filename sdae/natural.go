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
	N      int     // number of patches (> 0)
	Factor int     // photo downscaling factor (>= 1) before cutting patches
	Eps    float64 // ZCA regulariser, a fraction of the mean eigenvalue (>= 0)
	Seed   uint64  // seeds the patch positions
}

// DefaultPatchStudy is 50 000 patches of the training photos downscaled
// by 4, ZCA-whitened with Eps 0.1 (see the file comment of filters.go).
func DefaultPatchStudy() PatchStudy { return PatchStudy{N: 50000, Factor: 4, Eps: 0.1, Seed: 1} }

// LoadPatches cuts s.N 12x12 patches from the gray training photos
// (data.PhotoSplit) downscaled by s.Factor, ZCA-whitens them
// ([NaturalPatches], [PreprocessZCA]) and rescales the set to unit
// variance per component on average (so that the paper's noise levels,
// e.g. Gaussian sigma = 0.5, are relative to the signal's scale). Also
// returns the raw patches ([N, 12, 12] in [0, 1]) for display.
func LoadPatches(s PatchStudy) (ps *PatchSet, raw []float32, err error) {
	if s.N < 1 || s.Factor < 1 || !(s.Eps >= 0) {
		return nil, nil, fmt.Errorf("sdae.LoadPatches: need N >= 1, Factor >= 1, Eps >= 0, got %+v", s)
	}
	trainPhotos, _, err := data.PhotoSplit()
	if err != nil {
		return nil, nil, err
	}
	ims, err := data.LoadPhotos(trainPhotos, true, s.Factor)
	if err != nil {
		return nil, nil, err
	}
	set, err := data.Patches("patches", ims, s.N, PatchSide, s.Seed)
	if err != nil {
		return nil, nil, err
	}
	if ps, err = PreprocessPatches(set.Images, PatchSide*PatchSide, PreprocessZCA, s.Eps); err != nil {
		return nil, nil, err
	}
	v := 0.0
	for _, x := range ps.X {
		v += float64(x) * float64(x)
	}
	ps.Scale = 1 / math.Sqrt(v/float64(len(ps.X)))
	for i := range ps.X {
		ps.X[i] *= float32(ps.Scale)
	}
	return ps, set.Images, nil
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

// FilterModels returns the paper's four models on unit-variance whitened
// patches (from [LoadPatches]), all with 200 sigmoid hidden units, tied
// weights, a linear decoder and the squared error (real-valued inputs),
// trained with Adam for steps steps of batch patches:
//
//	(a) a plain autoencoder with weight decay l2 (penalty l2 sum W^2);
//	(b) a DAE with Gaussian noise sigma = 0.5;
//	(c) a DAE with 10% salt-and-pepper noise, the values being the
//	    0.1% and 99.9% quantiles of the patches (lo, hi);
//	(d) a DAE with 55% masking noise.
//
// The configs are named "patches-<N>-<a..d>" and cached.
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
		c.Hidden, c.LinearDecoder, c.Loss = 200, true, LossSquared
		c.Batch, c.Steps, c.Seed, c.Cache = batch, steps, seed, true
	}
	return models, nil
}

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
